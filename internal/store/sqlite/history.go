package sqlite

// Revision history without bloat (scalemulti area): autosaves coalesce and
// snapshots are stored packed (internal/store/history). Rows written before
// migration 20 keep their plain JSON in doc and have no packed blob.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/history"
)

// schemaV20 adds packed snapshots and coalescing runs to rca_revisions.
var schemaV20 = []string{
	`ALTER TABLE rca_revisions ADD COLUMN packed BLOB`,
	`ALTER TABLE rca_revisions ADD COLUMN base INTEGER NOT NULL DEFAULT 0`,
	`ALTER TABLE rca_revisions ADD COLUMN depth INTEGER NOT NULL DEFAULT 0`,
	`ALTER TABLE rca_revisions ADD COLUMN first_at TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE rca_revisions ADD COLUMN saves INTEGER NOT NULL DEFAULT 1`,
	`CREATE INDEX deliveries_rca_version ON deliveries (rca_id, json_extract(doc, '$.rca_version'))`,
}

// SetClock replaces the store's clock (tests of time windows).
func (s *Store) SetClock(now func() time.Time) { s.now = func() time.Time { return now().UTC() } }

// revisionHead reads the newest revision of an RCA inside tx; Version 0
// when there is none.
func revisionHead(ctx context.Context, tx *sql.Tx, rcaID string) (history.Head, error) {
	var h history.Head
	var firstAt, at string
	err := tx.QueryRowContext(ctx, `SELECT version, author, note, at, first_at, saves, base, depth FROM rca_revisions
		WHERE rca_id = ? ORDER BY version DESC LIMIT 1`, rcaID).
		Scan(&h.Version, &h.Author, &h.Note, &at, &firstAt, &h.Saves, &h.Base, &h.Depth)
	if err == sql.ErrNoRows {
		return history.Head{}, nil
	}
	if err != nil {
		return h, err
	}
	if firstAt == "" {
		firstAt = at
	}
	if h.FirstAt, err = parseTS(firstAt); err != nil {
		return h, err
	}
	// A delivery names the version it sends: that revision must stay.
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM deliveries WHERE rca_id = ? AND json_extract(doc, '$.rca_version') = ? LIMIT 1`,
		rcaID, h.Version).Scan(&one)
	switch {
	case err == nil:
		h.Pinned = true
	case err != sql.ErrNoRows:
		return h, err
	}
	return h, nil
}

// writeRevision stores the revision of r's version, whose JSON is doc:
// folded into the newest revision when it is an autosave of the same run,
// packed against its base otherwise.
func writeRevision(ctx context.Context, tx *sql.Tx, r *domain.RCA, doc, author, note string) error {
	head, err := revisionHead(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	p := history.Place(head, author, note, r.UpdatedAt)
	var base []byte
	if p.Base != 0 {
		if base, err = materialize(ctx, tx, r.ID, p.Base); err != nil {
			return err
		}
	}
	packed, err := history.Pack(base, []byte(doc))
	if err != nil {
		return err
	}
	if p.Replace {
		if _, err := tx.ExecContext(ctx, "DELETE FROM rca_revisions WHERE rca_id = ? AND version = ?", r.ID, head.Version); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO rca_revisions (rca_id, version, author, at, note, doc, packed, base, depth, first_at, saves)
		VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)`,
		r.ID, r.Version, author, ts(r.UpdatedAt), note, packed, p.Base, p.Depth, ts(p.FirstAt), p.Saves)
	return err
}

// materialize returns the JSON of one stored revision, following its
// chain of deltas down to a keyframe.
func materialize(ctx context.Context, q queryer, rcaID string, version int64) ([]byte, error) {
	var (
		doc    string
		packed []byte
		base   int64
	)
	err := q.QueryRowContext(ctx, "SELECT doc, packed, base FROM rca_revisions WHERE rca_id = ? AND version = ?", rcaID, version).
		Scan(&doc, &packed, &base)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("revision %d: %w", version, store.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if packed == nil {
		return []byte(doc), nil
	}
	var dict []byte
	if base != 0 {
		if base >= version {
			return nil, fmt.Errorf("revision %d of rca %s: %w", version, rcaID, history.ErrBrokenChain)
		}
		if dict, err = materialize(ctx, q, rcaID, base); err != nil {
			return nil, err
		}
	}
	return history.Unpack(dict, packed)
}

// ListRevisions lists an RCA's revisions, newest first.
func (s *Store) ListRevisions(ctx context.Context, rcaID string) ([]store.RevisionInfo, error) {
	return readAll(ctx, s, "list revisions of rca "+rcaID, func(r scanner) (store.RevisionInfo, error) {
		ri := store.RevisionInfo{RCAID: rcaID}
		var at, firstAt string
		err := r.Scan(&ri.Version, &ri.Author, &at, &ri.Note, &firstAt, &ri.Saves)
		if err == nil {
			ri.At, err = parseTS(at)
		}
		if err == nil {
			ri.FirstAt = ri.At
			if firstAt != "" {
				ri.FirstAt, err = parseTS(firstAt)
			}
		}
		return ri, err
	}, "SELECT version, author, at, note, first_at, saves FROM rca_revisions WHERE rca_id = ? ORDER BY version DESC", rcaID)
}

// GetRevision loads the snapshot of one listed version of an RCA.
func (s *Store) GetRevision(ctx context.Context, rcaID string, version int64) (store.Revision, error) {
	op := fmt.Sprintf("get revision %d of rca %s", version, rcaID)
	rev := store.Revision{RevisionInfo: store.RevisionInfo{RCAID: rcaID, Version: version}}
	err := s.snapshot(ctx, op, func(q queryer) error {
		var at, firstAt string
		err := q.QueryRowContext(ctx, "SELECT author, at, note, first_at, saves FROM rca_revisions WHERE rca_id = ? AND version = ?", rcaID, version).
			Scan(&rev.Author, &at, &rev.Note, &firstAt, &rev.Saves)
		if err != nil {
			return err
		}
		if rev.At, err = parseTS(at); err != nil {
			return err
		}
		rev.FirstAt = rev.At
		if firstAt != "" {
			if rev.FirstAt, err = parseTS(firstAt); err != nil {
				return err
			}
		}
		doc, err := materialize(ctx, q, rcaID, version)
		if err != nil {
			return err
		}
		return decode(string(doc), &rev.Snapshot)
	})
	if err != nil {
		return store.Revision{}, err
	}
	return rev, nil
}
