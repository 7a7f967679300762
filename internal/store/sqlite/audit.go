package sqlite

import (
	"context"
	"database/sql"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// AppendAudit appends one event to the audit log.
func (s *Store) AppendAudit(ctx context.Context, e *domain.AuditEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	n := *e
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.At = orNow(n.At, s.now())
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "append audit event", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO audit_events (id, at, actor, action, target, doc) VALUES (?, ?, ?, ?, ?, ?)",
			n.ID, ts(n.At), n.Actor, n.Action, n.Target, doc)
		return err
	})
	if err == nil {
		*e = n
	}
	return err
}

// ListAudit returns one page of matching events, newest first, and the total.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter) ([]domain.AuditEvent, int, error) {
	var w where
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		// A byte-wise prefix, as strings.HasPrefix: substr counts bytes on
		// blobs (characters on text). No LIKE, so % and _ are literal.
		w.add("substr(CAST(action AS BLOB), 1, ?) = CAST(? AS BLOB)", len(f.Action), f.Action)
	}
	if f.Target != "" {
		w.add("target = ?", f.Target)
	}
	if f.Since != nil {
		w.add("at >= ?", ts(*f.Since))
	}
	return listPage[domain.AuditEvent](ctx, s, "list audit events", "audit_events", &w, "at DESC, seq DESC", f.Page, nil)
}
