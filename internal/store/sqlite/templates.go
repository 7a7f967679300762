package sqlite

// Custom templates and contributing factors (area tmpl, issue 14).

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// versionedDoc is a record kept as one JSON document under its key.
type versionedDoc interface {
	domain.Template | domain.Factor
}

// createKeyed stores a new keyed record at version 1.
func createKeyed[T versionedDoc](ctx context.Context, s *Store, table, key string, n *T, stamp func(now time.Time)) error {
	stamp(s.now())
	doc, err := encode(*n)
	if err != nil {
		return err
	}
	return s.tx(ctx, "create "+table+" "+key, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (id, version, doc) VALUES (?, 1, ?)", key, doc)
		return err
	})
}

// updateKeyed replaces a keyed record read at version.
func updateKeyed[T versionedDoc](ctx context.Context, s *Store, table, key string, version int64, n *T, stamp func(created, now time.Time, version int64)) error {
	return s.tx(ctx, "update "+table+" "+key, func(tx *sql.Tx) error {
		old, err := getDoc[T](ctx, tx, "SELECT doc FROM "+table+" WHERE id = ?", key)
		if err != nil {
			return err
		}
		var oldVersion int64
		var created time.Time
		switch o := any(old).(type) {
		case domain.Template:
			oldVersion, created = o.Version, o.CreatedAt
		case domain.Factor:
			oldVersion, created = o.Version, o.CreatedAt
		}
		if oldVersion != version {
			return store.ErrConflict
		}
		stamp(created, s.now(), oldVersion+1)
		doc, err := encode(*n)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE "+table+" SET version = ?, doc = ? WHERE id = ?", oldVersion+1, doc, key)
		return err
	})
}

// CreateTemplate stores a new custom template at version 1.
func (s *Store) CreateTemplate(ctx context.Context, t *domain.Template) error {
	n := *t
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	err := createKeyed(ctx, s, "templates", n.Key, &n, func(now time.Time) {
		n.Version = 1
		n.CreatedAt = orNow(n.CreatedAt, now)
		n.UpdatedAt = orNow(n.UpdatedAt, n.CreatedAt)
	})
	if err == nil {
		*t = n
	}
	return err
}

// GetTemplate loads a custom template by key.
func (s *Store) GetTemplate(ctx context.Context, key string) (domain.Template, error) {
	return readOne(ctx, s, "get template "+key, scanDoc[domain.Template], "SELECT doc FROM templates WHERE id = ?", key)
}

// ListTemplates lists every custom template by key, retired ones included.
func (s *Store) ListTemplates(ctx context.Context) ([]domain.Template, error) {
	return readAll(ctx, s, "list templates", scanDoc[domain.Template], "SELECT doc FROM templates ORDER BY id")
}

// UpdateTemplate replaces a custom template read at t.Version.
func (s *Store) UpdateTemplate(ctx context.Context, t *domain.Template) error {
	n := *t
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	err := updateKeyed(ctx, s, "templates", n.Key, t.Version, &n, func(created, now time.Time, v int64) {
		n.CreatedAt, n.UpdatedAt, n.Version = created, now, v
	})
	if err == nil {
		*t = n
	}
	return err
}

// CreateFactor stores a new factor (custom, or an override of a built-in one) at version 1.
func (s *Store) CreateFactor(ctx context.Context, f *domain.Factor) error {
	n := *f
	if err := n.Validate(); err != nil {
		return err
	}
	err := createKeyed(ctx, s, "factors", n.Key, &n, func(now time.Time) {
		n.Version = 1
		n.CreatedAt = orNow(n.CreatedAt, now)
		n.UpdatedAt = orNow(n.UpdatedAt, n.CreatedAt)
	})
	if err == nil {
		*f = n
	}
	return err
}

// GetFactor loads a stored factor by key.
func (s *Store) GetFactor(ctx context.Context, key string) (domain.Factor, error) {
	return readOne(ctx, s, "get factor "+key, scanDoc[domain.Factor], "SELECT doc FROM factors WHERE id = ?", key)
}

// ListFactors lists every stored factor by key.
func (s *Store) ListFactors(ctx context.Context) ([]domain.Factor, error) {
	return readAll(ctx, s, "list factors", scanDoc[domain.Factor], "SELECT doc FROM factors ORDER BY id")
}

// UpdateFactor replaces a stored factor read at f.Version.
func (s *Store) UpdateFactor(ctx context.Context, f *domain.Factor) error {
	n := *f
	if err := n.Validate(); err != nil {
		return err
	}
	err := updateKeyed(ctx, s, "factors", n.Key, f.Version, &n, func(created, now time.Time, v int64) {
		n.CreatedAt, n.UpdatedAt, n.Version = created, now, v
	})
	if err == nil {
		*f = n
	}
	return err
}
