package sqlite

// Atomic publish, delivery leases and the change counter (scalemulti area).

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// schemaV21 adds delivery leases and the change counter. The counter moves
// in the transaction of every write of what the status page shows, by
// triggers, so no write path can forget it. RCAs count only when they are
// or were published: drafts' autosaves must not empty every instance's
// page cache every second.
var schemaV21 = append([]string{
	`ALTER TABLE deliveries ADD COLUMN lease_token TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE deliveries ADD COLUMN lease_until TEXT NOT NULL DEFAULT ''`,
	`CREATE TABLE change_counter (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		n  INTEGER NOT NULL
	) STRICT`,
	`INSERT INTO change_counter (id, n) VALUES (1, 0)`,
}, changeTriggers()...)

func changeTriggers() []string {
	const published = `'published'`
	when := map[string]map[string]string{
		"components": {}, "incidents": {}, "settings": {},
		"rcas": {
			"INSERT": "NEW.state = " + published,
			"UPDATE": "OLD.state = " + published + " OR NEW.state = " + published,
			"DELETE": "OLD.state = " + published,
		},
		"rca_incidents": {
			"INSERT": "EXISTS (SELECT 1 FROM rcas WHERE id = NEW.rca_id AND state = " + published + ")",
			"UPDATE": "EXISTS (SELECT 1 FROM rcas WHERE id = NEW.rca_id AND state = " + published + ")",
			"DELETE": "EXISTS (SELECT 1 FROM rcas WHERE id = OLD.rca_id AND state = " + published + ")",
		},
	}
	var out []string
	for _, t := range []string{"components", "incidents", "settings", "rcas", "rca_incidents"} {
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			cond := ""
			if w := when[t][op]; w != "" {
				cond = " WHEN " + w
			}
			out = append(out, `CREATE TRIGGER `+t+`_changes_`+op+` AFTER `+op+` ON `+t+cond+
				` BEGIN UPDATE change_counter SET n = n + 1 WHERE id = 1; END`)
		}
	}
	return out
}

// Changes answers the change counter.
func (s *Store) Changes(ctx context.Context) (int64, error) {
	return readOne(ctx, s, "read change counter", func(r scanner) (int64, error) {
		var n int64
		err := r.Scan(&n)
		return n, err
	}, "SELECT n FROM change_counter WHERE id = 1")
}

// PublishRCA writes the RCA and its deliveries in one transaction.
func (s *Store) PublishRCA(ctx context.Context, r *domain.RCA, author, note string, deliveries []domain.Delivery) ([]domain.Delivery, error) {
	n := *r
	n.Sections = append([]domain.Section(nil), n.Sections...)
	n.Normalize()
	if err := n.Validate(); err != nil {
		return nil, err
	}
	out := make([]domain.Delivery, len(deliveries))
	err := s.tx(ctx, "publish rca "+r.ID, func(tx *sql.Tx) error {
		if err := s.updateRCA(ctx, tx, &n, r.Slug == "", author, note); err != nil {
			return err
		}
		for i, d := range deliveries {
			d = store.NewDelivery(d, n.ID, n.Version, n.UpdatedAt)
			if err := insertDelivery(ctx, tx, &d); err != nil {
				return err
			}
			if err := s.supersede(ctx, tx, d); err != nil {
				return err
			}
			out[i] = d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	*r = n
	return out, nil
}

func insertDelivery(ctx context.Context, tx *sql.Tx, d *domain.Delivery) error {
	doc, err := encode(d)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO deliveries (id, rca_id, state, next_attempt_at, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)",
		d.ID, d.RCAID, string(d.State), ts(d.NextAttemptAt), ts(d.CreatedAt), doc)
	return err
}

// supersede fails the pending deliveries of d's RCA to d's target created
// before d.
func (s *Store) supersede(ctx context.Context, tx *sql.Tx, d domain.Delivery) error {
	_, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = ?, doc = json_set(doc, '$.state', ?, '$.last_error', ?, '$.updated_at', ?)
		WHERE rca_id = ? AND state = ? AND id <> ? AND json_extract(doc, '$.target_id') = ? AND created_at <= ?`,
		string(domain.DeliveryFailed), string(domain.DeliveryFailed), "superseded by delivery "+d.ID, ts(s.now()),
		d.RCAID, string(domain.DeliveryPending), d.ID, d.TargetID, ts(d.CreatedAt))
	return err
}

// MoveOutbox has nothing to do on SQLite: deliveries are written in the
// publishing transaction.
func (s *Store) MoveOutbox(ctx context.Context, now time.Time, grace time.Duration) (int, error) {
	return 0, nil
}

// LeaseDelivery takes the lease with one conditional UPDATE: SQLite runs
// it atomically, across processes sharing the file too.
func (s *Store) LeaseDelivery(ctx context.Context, id, owner string, now time.Time, ttl time.Duration) (domain.Delivery, store.Lease, error) {
	l := store.Lease{DeliveryID: id, Owner: owner, Token: owner + "/" + domain.NewID(), Until: now.Add(ttl).UTC()}
	var d domain.Delivery
	err := s.tx(ctx, "lease delivery "+id, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET lease_token = ?, lease_until = ?
			WHERE id = ? AND state = ? AND next_attempt_at <= ? AND (lease_token = '' OR lease_until <= ?)`,
			l.Token, ts(l.Until), id, string(domain.DeliveryPending), ts(now), ts(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = store.ErrLeased
				var one int
				if qerr := tx.QueryRowContext(ctx, "SELECT 1 FROM deliveries WHERE id = ?", id).Scan(&one); qerr == sql.ErrNoRows {
					err = store.ErrNotFound
				}
			}
			return err
		}
		d, err = getDoc[domain.Delivery](ctx, tx, "SELECT doc FROM deliveries WHERE id = ?", id)
		return err
	})
	if err != nil {
		return domain.Delivery{}, store.Lease{}, err
	}
	return d, l, nil
}

// FinishDelivery stores the outcome if l still holds the delivery, and
// releases the lease.
func (s *Store) FinishDelivery(ctx context.Context, d *domain.Delivery, l store.Lease) error {
	n := *d
	n.NextAttemptAt = n.NextAttemptAt.UTC()
	err := s.tx(ctx, "finish delivery "+d.ID, func(tx *sql.Tx) error {
		old, err := getDoc[domain.Delivery](ctx, tx, "SELECT doc FROM deliveries WHERE id = ?", n.ID)
		if err != nil {
			return err
		}
		n.CreatedAt = old.CreatedAt
		n.UpdatedAt = s.now()
		doc, err := encode(n)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET rca_id = ?, state = ?, next_attempt_at = ?, doc = ?,
			lease_token = '', lease_until = '' WHERE id = ? AND lease_token = ?`,
			n.RCAID, string(n.State), ts(n.NextAttemptAt), doc, n.ID, l.Token)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			if err == nil {
				err = store.ErrLeased
			}
			return err
		}
		return nil
	})
	if err == nil {
		*d = n
	}
	return err
}
