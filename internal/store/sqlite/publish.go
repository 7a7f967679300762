package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// scanTarget reads a target with its secret, which JSON never carries.
func scanTarget(r scanner) (domain.Target, error) {
	return scanDocAnd(r, func(t *domain.Target, secret string) { t.Secret = secret })
}

func getTarget(ctx context.Context, q queryer, id string) (domain.Target, error) {
	return scanTarget(q.QueryRowContext(ctx, "SELECT doc, secret FROM targets WHERE id = ?", id))
}

// CreateTarget stores a new publish target at version 1, with its secret.
func (s *Store) CreateTarget(ctx context.Context, t *domain.Target) error {
	if err := t.Validate(); err != nil {
		return err
	}
	n := *t
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	n.UpdatedAt = orNow(n.UpdatedAt, n.CreatedAt)
	n.Version = 1
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "create target", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO targets (id, name, version, secret, doc) VALUES (?, ?, ?, ?, ?)",
			n.ID, n.Name, n.Version, n.Secret, doc)
		return err
	})
	if err == nil {
		*t = n
	}
	return err
}

// GetTarget loads one target, secret included: the publisher needs it.
func (s *Store) GetTarget(ctx context.Context, id string) (domain.Target, error) {
	return readOne(ctx, s, "get target "+id, scanTarget, "SELECT doc, secret FROM targets WHERE id = ?", id)
}

// ListTargets lists every target by name.
func (s *Store) ListTargets(ctx context.Context) ([]domain.Target, error) {
	return readAll(ctx, s, "list targets", scanTarget, "SELECT doc, secret FROM targets ORDER BY name, id")
}

// UpdateTarget replaces a target read at t.Version; an empty Secret keeps the stored one.
func (s *Store) UpdateTarget(ctx context.Context, t *domain.Target) error {
	if err := t.Validate(); err != nil {
		return err
	}
	n := *t
	err := s.tx(ctx, "update target "+t.ID, func(tx *sql.Tx) error {
		old, err := getTarget(ctx, tx, n.ID)
		if err != nil {
			return err
		}
		if old.Version != n.Version {
			return store.ErrConflict
		}
		if n.Secret == "" {
			n.Secret = old.Secret
		}
		n.CreatedAt = old.CreatedAt
		n.UpdatedAt = s.now()
		n.Version = old.Version + 1
		doc, err := encode(n)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE targets SET name = ?, version = ?, secret = ?, doc = ? WHERE id = ?",
			n.Name, n.Version, n.Secret, doc, n.ID)
		return err
	})
	if err == nil {
		*t = n
	}
	return err
}

// DeleteTarget removes a target.
func (s *Store) DeleteTarget(ctx context.Context, id string) error {
	return s.tx(ctx, "delete target "+id, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "DELETE FROM targets WHERE id = ?", id))
	})
}

// CreateDelivery stores a delivery before its first attempt.
func (s *Store) CreateDelivery(ctx context.Context, d *domain.Delivery) error {
	n := *d
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	n.UpdatedAt = orNow(n.UpdatedAt, n.CreatedAt)
	n.NextAttemptAt = n.NextAttemptAt.UTC()
	if err := n.Validate(); err != nil {
		return err
	}
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "create delivery", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO deliveries (id, rca_id, state, next_attempt_at, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)",
			n.ID, n.RCAID, string(n.State), ts(n.NextAttemptAt), ts(n.CreatedAt), doc)
		return err
	})
	if err == nil {
		*d = n
	}
	return err
}

// UpdateDelivery replaces a delivery (its worker owns it; no version check).
func (s *Store) UpdateDelivery(ctx context.Context, d *domain.Delivery) error {
	n := *d
	n.NextAttemptAt = n.NextAttemptAt.UTC()
	err := s.tx(ctx, "update delivery "+d.ID, func(tx *sql.Tx) error {
		old, err := getDoc[domain.Delivery](ctx, tx, "SELECT doc FROM deliveries WHERE id = ?", n.ID)
		if err != nil {
			return err
		}
		if err := n.Validate(); err != nil { // an unknown delivery is reported as such first
			return err
		}
		n.CreatedAt = old.CreatedAt
		n.UpdatedAt = s.now()
		doc, err := encode(n)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE deliveries SET rca_id = ?, state = ?, next_attempt_at = ?, doc = ? WHERE id = ?",
			n.RCAID, string(n.State), ts(n.NextAttemptAt), doc, n.ID)
		return err
	})
	if err == nil {
		*d = n
	}
	return err
}

// GetDelivery loads one delivery.
func (s *Store) GetDelivery(ctx context.Context, id string) (domain.Delivery, error) {
	return readOne(ctx, s, "get delivery "+id, scanDoc[domain.Delivery], "SELECT doc FROM deliveries WHERE id = ?", id)
}

// ListDeliveries lists an RCA's deliveries, newest first.
func (s *Store) ListDeliveries(ctx context.Context, rcaID string) ([]domain.Delivery, error) {
	return readAll(ctx, s, "list deliveries of rca "+rcaID, scanDoc[domain.Delivery],
		"SELECT doc FROM deliveries WHERE rca_id = ? ORDER BY created_at DESC, rowid DESC", rcaID)
}

// DueDeliveries returns pending deliveries due at now, earliest first.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]domain.Delivery, error) {
	if limit <= 0 {
		limit = 100
	}
	return readAll(ctx, s, "list due deliveries", scanDoc[domain.Delivery], `SELECT doc FROM deliveries WHERE state = ? AND next_attempt_at <= ?
		ORDER BY next_attempt_at, created_at, rowid LIMIT ?`, string(domain.DeliveryPending), ts(now), limit)
}

// GetSetting loads a named setting; ErrNotFound when it was never put.
func (s *Store) GetSetting(ctx context.Context, key string) ([]byte, error) {
	db, err := s.reader()
	if err != nil {
		return nil, err
	}
	var v []byte
	if err := db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v); err != nil {
		return nil, s.fail("get setting "+key, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// PutSetting stores a named setting, replacing any earlier value.
func (s *Store) PutSetting(ctx context.Context, key string, value []byte) error {
	if err := domain.ValidateSettingKey(key); err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	return s.tx(ctx, "put setting "+key, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
		return err
	})
}
