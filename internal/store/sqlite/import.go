package sqlite

// Importing for `hindsight store copy` (scalemulti area).

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/history"
)

var _ store.Importer = (*Store)(nil)

// ImportRCA stores an RCA and its revisions as they are, in one transaction.
func (s *Store) ImportRCA(ctx context.Context, r domain.RCA, revisions []store.Revision) error {
	return s.tx(ctx, "import rca "+r.ID, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM rcas WHERE id = ?", r.ID); err != nil {
			return err
		}
		if err := putRCA(ctx, tx, &r, true, "", "imported"); err != nil {
			return err
		}
		// putRCA wrote a revision of its own: the imported ones replace it.
		if _, err := tx.ExecContext(ctx, "DELETE FROM rca_revisions WHERE rca_id = ?", r.ID); err != nil {
			return err
		}
		var prev []byte
		var prevVersion int64
		depth := 0
		for _, rev := range revisions {
			doc, err := encode(rev.Snapshot)
			if err != nil {
				return err
			}
			base := prev
			baseVersion := prevVersion
			if depth >= history.MaxDepth || prev == nil {
				base, baseVersion, depth = nil, 0, 0
			} else {
				depth++
			}
			packed, err := history.Pack(base, []byte(doc))
			if err != nil {
				return err
			}
			first := rev.FirstAt
			if first.IsZero() {
				first = rev.At
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO rca_revisions (rca_id, version, author, at, note, doc, packed, base, depth, first_at, saves)
				VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)`,
				r.ID, rev.Version, rev.Author, ts(rev.At), rev.Note, packed, baseVersion, depth, ts(first), max(rev.Saves, 1))
			if err != nil {
				return err
			}
			prev, prevVersion = []byte(doc), rev.Version
		}
		return nil
	})
}

// SettingKeys lists every setting's key.
func (s *Store) SettingKeys(ctx context.Context) ([]string, error) {
	return readAll(ctx, s, "list settings", scanString, "SELECT key FROM settings ORDER BY key")
}

// SetVersion sets the stored version of a copied component, incident or target.
func (s *Store) SetVersion(ctx context.Context, kind, id string, version int64) error {
	table, ok := map[string]string{"components": "components", "incidents": "incidents", "targets": "targets",
		"templates": "templates", "factors": "factors"}[kind] // tmpl area
	if !ok {
		return fmt.Errorf("sqlite: set version: unknown kind %q", kind)
	}
	return s.tx(ctx, "set version of "+kind+" "+id, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "UPDATE "+table+" SET version = ?, doc = json_set(doc, '$.version', ?) WHERE id = ?",
			version, version, id))
	})
}
