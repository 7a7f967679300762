package sqlite

// Action items across RCAs (area "actions", issue 14): a side table with one
// row per action item, rewritten inside every RCA write (indexRCA), so the
// list across RCAs is an index range, not a scan of RCA documents.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

var schemaV50 = []string{
	`CREATE TABLE action_items (
		rca_id      TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		item_id     TEXT NOT NULL,
		rca_title   TEXT NOT NULL,
		rca_slug    TEXT NOT NULL,
		title       TEXT NOT NULL,
		owner       TEXT NOT NULL,
		owner_id    TEXT NOT NULL,
		due_key     TEXT NOT NULL,
		state       TEXT NOT NULL,
		tracker_url TEXT NOT NULL,
		visibility  TEXT NOT NULL,
		done_at     TEXT NOT NULL,
		PRIMARY KEY (rca_id, item_id)
	) STRICT, WITHOUT ROWID`,
	`CREATE INDEX action_items_due ON action_items (due_key, rca_id, item_id)`,
	`CREATE INDEX action_items_open ON action_items (due_key, rca_id, item_id) WHERE state IN ('open', 'in_progress')`,
	`CREATE INDEX action_items_state ON action_items (state, due_key, rca_id, item_id)`,
	`CREATE INDEX action_items_owner_id ON action_items (owner_id, due_key, rca_id, item_id)`,
	`CREATE INDEX action_items_owner ON action_items (owner, due_key, rca_id, item_id)`,
	`CREATE INDEX action_items_title ON action_items (title, rca_id, item_id)`,
	`CREATE INDEX action_items_tracker ON action_items (tracker_url) WHERE tracker_url != ''`,
	`CREATE TABLE claims (
		scope TEXT NOT NULL,
		key   TEXT NOT NULL,
		at    TEXT NOT NULL,
		PRIMARY KEY (scope, key)
	) STRICT, WITHOUT ROWID`,
}

// schemaV51 makes the owner filter one equality: owner_key is the owner's
// user id, or the owner text for owners outside Hindsight (user ids are
// random hex, so they do not meet a name), with an index per sort.
var schemaV51 = []string{
	`ALTER TABLE action_items ADD COLUMN owner_key TEXT NOT NULL DEFAULT ''`,
	`UPDATE action_items SET owner_key = CASE WHEN owner_id != '' THEN owner_id ELSE owner END`,
	`DROP INDEX action_items_owner_id`,
	`DROP INDEX action_items_owner`,
	`CREATE INDEX action_items_owner_due ON action_items (owner_key, due_key, rca_id, item_id)`,
	`CREATE INDEX action_items_owner_open ON action_items (owner_key, due_key, rca_id, item_id) WHERE state IN ('open', 'in_progress')`,
	`CREATE INDEX action_items_owner_title ON action_items (owner_key, title, rca_id, item_id)`,
	`CREATE INDEX action_items_state_title ON action_items (state, title, rca_id, item_id)`,
}

// ownerKey is the owner filter's key of an item.
func ownerKey(a store.ActionItemRow) string {
	if a.OwnerID != "" {
		return a.OwnerID
	}
	return a.Owner
}

// migrateV51 adds the owner key and, when the side table is still empty,
// fills it from the stored RCAs (step 50 only makes the table).
func migrateV51(ctx context.Context, tx *sql.Tx) error {
	if err := execAll(schemaV51)(ctx, tx); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM action_items LIMIT 1)").Scan(&n); err != nil || n > 0 {
		return err
	}
	after := ""
	for {
		list, err := listDocs[domain.RCA](ctx, tx, "SELECT doc FROM rcas WHERE id > ? ORDER BY id LIMIT 200", after)
		if err != nil || len(list) == 0 {
			return err
		}
		for i := range list {
			if err := indexActions(ctx, tx, &list[i], true); err != nil {
				return err
			}
		}
		after = list[len(list)-1].ID
	}
}

// indexActions rewrites r's rows of the side table inside tx.
func indexActions(ctx context.Context, tx *sql.Tx, r *domain.RCA, fresh bool) error {
	if !fresh {
		if _, err := tx.ExecContext(ctx, "DELETE FROM action_items WHERE rca_id = ?", r.ID); err != nil {
			return err
		}
	}
	for _, a := range store.ActionItemRows(r) {
		done := ""
		if a.DoneAt != nil {
			done = ts(*a.DoneAt)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO action_items (rca_id, item_id, rca_title, rca_slug, title,
			owner, owner_id, due_key, state, tracker_url, visibility, done_at, owner_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.RCAID, a.ID, a.RCATitle, a.RCASlug, a.Title, a.Owner, a.OwnerID, store.DueKey(a.Due), string(a.State),
			a.TrackerURL, string(a.Visibility), done, ownerKey(a)); err != nil {
			return err
		}
	}
	return nil
}

const actionCols = `rca_id, item_id, rca_title, rca_slug, title, owner, owner_id, due_key, state, tracker_url, visibility, done_at`

func scanActionRow(r scanner) (store.ActionItemRow, error) {
	var a store.ActionItemRow
	var due, state, vis, done string
	if err := r.Scan(&a.RCAID, &a.ID, &a.RCATitle, &a.RCASlug, &a.Title, &a.Owner, &a.OwnerID, &due, &state,
		&a.TrackerURL, &vis, &done); err != nil {
		return a, err
	}
	a.State, a.Visibility = domain.ActionState(state), domain.Visibility(vis)
	if due != store.NoDueKey {
		d, err := domain.ParseDate(due)
		if err != nil {
			return a, fmt.Errorf("due %q: %w", due, err)
		}
		a.Due = &d
	}
	if done != "" {
		t, err := time.Parse(tsLayout, done)
		if err != nil {
			return a, err
		}
		a.DoneAt = &t
	}
	return a, nil
}

// ListActionItems answers one page of the side table.
func (s *Store) ListActionItems(ctx context.Context, f store.ActionItemFilter) (store.ActionItemPage, error) {
	cur, err := store.DecodeActionCursor(f)
	if err != nil {
		return store.ActionItemPage{}, err
	}
	var where []string
	var args []any
	if f.Audience == domain.External {
		where = append(where, "visibility = 'external'")
	}
	if len(f.States) > 0 {
		marks := make([]string, len(f.States))
		for i, st := range f.States {
			marks[i] = "?"
			args = append(args, string(st))
		}
		where = append(where, "state IN ("+strings.Join(marks, ", ")+")")
	}
	if f.OverdueBefore != nil {
		// Written as the partial index action_items_open says it.
		where = append(where, "state IN ('open', 'in_progress')", "due_key < ?")
		args = append(args, f.OverdueBefore.String())
	}
	if f.Owner != "" {
		where = append(where, "owner_key = ?")
		args = append(args, f.Owner)
	}
	if f.RCAID != "" {
		where = append(where, "rca_id = ?")
		args = append(args, f.RCAID)
	}
	key, dir, cmp := "due_key", "ASC", ">"
	switch f.SortOrder() {
	case store.SortDueDesc:
		dir, cmp = "DESC", "<"
	case store.SortTitle:
		key = "title"
	}
	if cur != nil {
		where = append(where, "("+key+", rca_id, item_id) "+cmp+" (?, ?, ?)")
		args = append(args, cur.Key, cur.RCAID, cur.ItemID)
	}
	q := "SELECT " + actionCols + " FROM action_items"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.PageLimit()
	q += fmt.Sprintf(" ORDER BY %[1]s %[2]s, rca_id %[2]s, item_id %[2]s LIMIT %[3]d", key, dir, limit+1)
	out := store.ActionItemPage{Items: []store.ActionItemRow{}}
	err = s.snapshot(ctx, "list action items", func(qr queryer) error {
		rows, err := queryAll(ctx, qr, scanActionRow, q, args...)
		if err != nil {
			return err
		}
		if len(rows) > limit {
			rows = rows[:limit]
			out.Next = store.EncodeActionCursor(f, rows[len(rows)-1])
		}
		out.Items = rows
		return nil
	})
	return out, err
}

// ActionItemsByTracker lists the items linking url.
func (s *Store) ActionItemsByTracker(ctx context.Context, url string) ([]store.ActionItemRow, error) {
	var out []store.ActionItemRow
	err := s.snapshot(ctx, "action items by tracker", func(q queryer) error {
		var err error
		out, err = queryAll(ctx, q, scanActionRow, "SELECT "+actionCols+
			" FROM action_items WHERE tracker_url = ? AND tracker_url != '' ORDER BY rca_id, item_id LIMIT 100", url)
		return err
	})
	return out, err
}

// Claim records (scope, key) once.
func (s *Store) Claim(ctx context.Context, scope, key string, now time.Time) error {
	return s.tx(ctx, "claim "+scope, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO claims (scope, key, at) VALUES (?, ?, ?)", scope, key, ts(now))
		return err
	})
}

// Unclaim forgets a claim.
func (s *Store) Unclaim(ctx context.Context, scope, key string) error {
	return s.tx(ctx, "unclaim "+scope, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM claims WHERE scope = ? AND key = ?", scope, key)
		return err
	})
}

// ListClaims pages through the claims by (scope, key).
func (s *Store) ListClaims(ctx context.Context, afterScope, afterKey string, limit int) ([]store.ClaimRecord, error) {
	var out []store.ClaimRecord
	err := s.snapshot(ctx, "list claims", func(q queryer) error {
		var err error
		out, err = queryAll(ctx, q, func(r scanner) (store.ClaimRecord, error) {
			var c store.ClaimRecord
			var at string
			if err := r.Scan(&c.Scope, &c.Key, &at); err != nil {
				return c, err
			}
			c.At, err = time.Parse(tsLayout, at)
			return c, err
		}, "SELECT scope, key, at FROM claims WHERE (scope, key) > (?, ?) ORDER BY scope, key LIMIT ?", afterScope, afterKey, max(limit, 1))
		return err
	})
	return out, err
}
