package sqlite

// Area collab (issue 12): presence in a document and the document counter.
// The counter moves by triggers in the transaction of every write of an
// RCA, a comment or a presence, so no write path can forget it; it is a
// table of its own so that drafts' autosaves leave the status page's
// change counter (and its cache) alone.

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

var schemaV90 = append([]string{
	`CREATE TABLE presence (
		rca_id  TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		client  TEXT NOT NULL,
		user_id TEXT NOT NULL,
		section TEXT NOT NULL,
		until   TEXT NOT NULL,
		PRIMARY KEY (rca_id, client)
	) STRICT`,
	`CREATE TABLE doc_counter (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		n  INTEGER NOT NULL
	) STRICT`,
	`INSERT INTO doc_counter (id, n) VALUES (1, 0)`,
}, docTriggers()...)

func docTriggers() []string {
	var out []string
	for _, t := range []string{"rcas", "comments", "presence"} {
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			out = append(out, `CREATE TRIGGER `+t+`_doc_`+op+` AFTER `+op+` ON `+t+
				` BEGIN UPDATE doc_counter SET n = n + 1 WHERE id = 1; END`)
		}
	}
	return out
}

// TouchPresence stores one client's presence in an RCA.
func (s *Store) TouchPresence(ctx context.Context, p domain.Presence) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, "touch presence in rca "+p.RCAID, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM rcas WHERE id = ?", p.RCAID).Scan(&one); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO presence (rca_id, client, user_id, section, until) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (rca_id, client) DO UPDATE SET user_id = excluded.user_id, section = excluded.section, until = excluded.until`,
			p.RCAID, p.Client, p.UserID, p.Section, ts(p.Until))
		if err != nil {
			return err
		}
		// Lapsed presences of this RCA go with the next touch.
		_, err = tx.ExecContext(ctx, "DELETE FROM presence WHERE rca_id = ? AND until <= ?", p.RCAID, ts(s.now()))
		return err
	})
}

// ListPresence lists the live presences in an RCA.
func (s *Store) ListPresence(ctx context.Context, rcaID string, now time.Time) ([]domain.Presence, error) {
	return readAll(ctx, s, "list presence in rca "+rcaID, func(r scanner) (domain.Presence, error) {
		var p domain.Presence
		var until string
		if err := r.Scan(&p.RCAID, &p.Client, &p.UserID, &p.Section, &until); err != nil {
			return p, err
		}
		var err error
		p.Until, err = parseTS(until)
		return p, err
	}, "SELECT rca_id, client, user_id, section, until FROM presence WHERE rca_id = ? AND until > ? ORDER BY user_id, client",
		rcaID, ts(now))
}

// LeavePresence removes one client's presence.
func (s *Store) LeavePresence(ctx context.Context, rcaID, client string) error {
	return s.tx(ctx, "leave rca "+rcaID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM presence WHERE rca_id = ? AND client = ?", rcaID, client)
		return err
	})
}

// DocChanges answers the document counter.
func (s *Store) DocChanges(ctx context.Context) (int64, error) {
	return readOne(ctx, s, "read document counter", func(r scanner) (int64, error) {
		var n int64
		err := r.Scan(&n)
		return n, err
	}, "SELECT n FROM doc_counter WHERE id = 1")
}
