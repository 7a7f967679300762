package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// dateKey is the instant date filters compare: the incident date, or the
// creation time when the RCA has none.
func dateKey(r *domain.RCA) string {
	if r.IncidentDate != nil {
		return ts(r.IncidentDate.In(time.UTC))
	}
	return ts(r.CreatedAt)
}

// putRCA writes the RCA row, its incident links and the revision of its
// version, inside tx. insert chooses INSERT over UPDATE.
func putRCA(ctx context.Context, tx *sql.Tx, r *domain.RCA, insert bool, author, note string) error {
	doc, err := encode(r)
	if err != nil {
		return err
	}
	if insert {
		_, err = tx.ExecContext(ctx, `INSERT INTO rcas (id, slug, state, version, updated_at, date_key, search, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.Slug, string(r.State), r.Version, ts(r.UpdatedAt), dateKey(r), "", doc)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE rcas SET slug = ?, state = ?, version = ?, updated_at = ?, date_key = ?,
			search = ?, doc = ? WHERE id = ?`,
			r.Slug, string(r.State), r.Version, ts(r.UpdatedAt), dateKey(r), "", doc, r.ID)
	}
	if err != nil {
		return err
	}
	if err := indexRCA(ctx, tx, r, insert); err != nil { // scalesql: summaries, filters, search
		return err
	}
	if err := indexActions(ctx, tx, r, insert); err != nil { // actions: the list across RCAs
		return err
	}
	if err := writeInsights(ctx, tx, r, insert); err != nil { // insights: per-RCA rows
		return err
	}
	if !insert {
		if _, err := tx.ExecContext(ctx, "DELETE FROM rca_incidents WHERE rca_id = ?", r.ID); err != nil {
			return err
		}
	}
	for _, inc := range r.IncidentIDs {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO rca_incidents (rca_id, incident_id) VALUES (?, ?)", r.ID, inc); err != nil {
			return err
		}
	}
	return writeRevision(ctx, tx, r, doc, author, note) // history.go
}

// freeSlug returns want when no RCA has it, else want-2, want-3, … the
// first one free.
func freeSlug(ctx context.Context, tx *sql.Tx, want string) (string, error) {
	slugs, err := queryAll(ctx, tx, scanString, "SELECT slug FROM rcas WHERE slug = ? OR (slug > ? AND slug < ?)",
		want, want+"-", want+"-:") // '-' then digits sort between "-" and "-:"
	if err != nil {
		return "", err
	}
	taken := make(map[string]bool, len(slugs))
	for _, s := range slugs {
		taken[s] = true
	}
	if !taken[want] {
		return want, nil
	}
	for n := 2; ; n++ {
		if c := want + "-" + strconv.Itoa(n); !taken[c] {
			return c, nil
		}
	}
}

// CreateRCA stores a new RCA at version 1 with its first revision. The slug
// is made unique by a numeric suffix.
func (s *Store) CreateRCA(ctx context.Context, r *domain.RCA, author string) error {
	n := *r
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	n.UpdatedAt = orNow(n.UpdatedAt, n.CreatedAt)
	n.Version = 1
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	err := s.tx(ctx, "create rca", func(tx *sql.Tx) error {
		slug, err := freeSlug(ctx, tx, n.Slug)
		if err != nil {
			return err
		}
		n.Slug = slug
		return putRCA(ctx, tx, &n, true, author, "created")
	})
	if err == nil {
		*r = n
	}
	return err
}

// GetRCA loads one RCA.
func (s *Store) GetRCA(ctx context.Context, id string) (domain.RCA, error) {
	return readOne(ctx, s, "get rca "+id, scanDoc[domain.RCA], "SELECT doc FROM rcas WHERE id = ?", id)
}

// GetRCABySlug loads the RCA with slug.
func (s *Store) GetRCABySlug(ctx context.Context, slug string) (domain.RCA, error) {
	return readOne(ctx, s, "get rca by slug "+slug, scanDoc[domain.RCA], "SELECT doc FROM rcas WHERE slug = ?", slug)
}

// ListRCAs returns one page of matching RCAs, most recently updated first, and the total.
func (s *Store) ListRCAs(ctx context.Context, f store.RCAFilter) ([]domain.RCA, int, error) {
	return s.listRCADocs(ctx, f)
}

// loadForWrite reads the stored RCA inside a write transaction.
func loadForWrite(ctx context.Context, tx *sql.Tx, id string) (domain.RCA, error) {
	return getDoc[domain.RCA](ctx, tx, "SELECT doc FROM rcas WHERE id = ?", id)
}

// UpdateRCA replaces an RCA read at r.Version, bumping the revision of every
// changed section, and records a revision.
func (s *Store) UpdateRCA(ctx context.Context, r *domain.RCA, author, note string) error {
	n := *r
	n.Sections = append([]domain.Section(nil), n.Sections...) // Normalize and the bump below must not write into the caller's array
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	err := s.tx(ctx, "update rca "+r.ID, func(tx *sql.Tx) error {
		return s.updateRCA(ctx, tx, &n, r.Slug == "", author, note)
	})
	if err == nil {
		*r = n
	}
	return err
}

// updateRCA writes n, normalized and valid, over the stored version it was
// read at, inside tx. keepSlug keeps the stored slug.
func (s *Store) updateRCA(ctx context.Context, tx *sql.Tx, n *domain.RCA, keepSlug bool, author, note string) error {
	old, err := loadForWrite(ctx, tx, n.ID)
	if err != nil {
		return err
	}
	if old.Version != n.Version {
		return &store.ConflictError{Current: old}
	}
	if keepSlug { // Normalize made one from the title; an update keeps the stored one
		n.Slug = old.Slug
	}
	n.BumpChangedSections(&old)
	n.CreatedAt, n.CreatedBy = old.CreatedAt, old.CreatedBy
	n.UpdatedAt = s.now()
	n.Version = old.Version + 1
	return putRCA(ctx, tx, n, false, author, note)
}

// SaveSection applies one section edit if e.BaseRevision is the section's
// current revision, whatever happened to other sections meanwhile.
func (s *Store) SaveSection(ctx context.Context, rcaID, key string, e domain.SectionEdit, author string) (domain.RCA, error) {
	var n domain.RCA
	err := s.tx(ctx, "save section "+key+" of rca "+rcaID, func(tx *sql.Tx) error {
		var err error
		n, err = loadForWrite(ctx, tx, rcaID)
		if err != nil {
			return err
		}
		sec := n.Section(key)
		if sec == nil {
			return fmt.Errorf("%w: %q", domain.ErrUnknownSection, key)
		}
		if sec.Revision != e.BaseRevision {
			return &store.ConflictError{Current: n}
		}
		now := s.now()
		if err := n.ApplySectionEdit(key, e, author, now); err != nil {
			return err
		}
		n.Normalize()
		if err := n.Validate(); err != nil {
			return err
		}
		n.UpdatedAt = now
		n.Version++
		return putRCA(ctx, tx, &n, false, author, "section "+key)
	})
	if err != nil {
		return domain.RCA{}, err
	}
	return n, nil
}

// DeleteRCA removes an RCA with its revisions, comments and incident links.
func (s *Store) DeleteRCA(ctx context.Context, id string) error {
	return s.tx(ctx, "delete rca "+id, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "DELETE FROM rcas WHERE id = ?", id))
	})
}

// AddComment stores a review comment on an existing RCA.
func (s *Store) AddComment(ctx context.Context, c *domain.Comment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	n := *c
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "add comment to rca "+c.RCAID, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM rcas WHERE id = ?", n.RCAID).Scan(&one); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO comments (id, rca_id, created_at, doc) VALUES (?, ?, ?, ?)",
			n.ID, n.RCAID, ts(n.CreatedAt), doc)
		return err
	})
	if err == nil {
		*c = n
	}
	return err
}

// ListComments lists an RCA's comments, oldest first.
func (s *Store) ListComments(ctx context.Context, rcaID string) ([]domain.Comment, error) {
	return readAll(ctx, s, "list comments of rca "+rcaID, scanDoc[domain.Comment],
		"SELECT doc FROM comments WHERE rca_id = ? ORDER BY created_at, rowid", rcaID)
}

// ResolveComment marks one comment of an RCA resolved at at.
func (s *Store) ResolveComment(ctx context.Context, rcaID, commentID string, at time.Time) error {
	return s.tx(ctx, "resolve comment "+commentID, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "UPDATE comments SET doc = json_set(doc, '$.resolved_at', ?) WHERE id = ? AND rca_id = ?",
			ts(at), commentID, rcaID))
	})
}

func parseTS(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("decode stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}
