package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// incidentRow is the indexed columns of an incident and its document.
func incidentRow(in domain.Incident) (cols []any, err error) {
	in.RCAIDs = nil // derived from rca_incidents, never stored
	doc, err := encode(in)
	if err != nil {
		return nil, err
	}
	var system, sourceID any // NULL: no source, so never a duplicate
	if in.Source != nil && in.Source.System != "" && in.Source.ID != "" {
		system, sourceID = in.Source.System, in.Source.ID
	}
	resolved := 0
	if in.ResolvedAt != nil {
		resolved = 1
	}
	return []any{string(in.Status), ts(in.StartedAt), resolved, strings.ToLower(in.Title), system, sourceID, in.Version, doc}, nil
}

// CreateIncident stores a new incident at version 1.
func (s *Store) CreateIncident(ctx context.Context, in *domain.Incident) error {
	n := *in
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
	err := s.tx(ctx, "create incident", func(tx *sql.Tx) error { return insertIncident(ctx, tx, &n) })
	if err == nil {
		*in = n
	}
	return err
}

// insertIncident inserts a new, checked incident and fills its RCAIDs.
func insertIncident(ctx context.Context, tx *sql.Tx, n *domain.Incident) error {
	cols, err := incidentRow(*n)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO incidents
		(id, status, started_at, resolved, title_lc, source_system, source_id, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, append([]any{n.ID}, cols...)...)
	if err != nil {
		return err
	}
	if err := indexIncident(ctx, tx, n); err != nil { // scalesql
		return err
	}
	n.RCAIDs, err = rcaIDsOf(ctx, tx, n.ID)
	if err != nil {
		return err
	}
	return refreshInsights(ctx, tx, n.RCAIDs) // insights: RCAs that linked it before it existed
}

// rcaIDsOf lists the RCAs linking one incident.
func rcaIDsOf(ctx context.Context, q queryer, incidentID string) ([]string, error) {
	return queryAll(ctx, q, scanString, "SELECT rca_id FROM rca_incidents WHERE incident_id = ? ORDER BY rca_id", incidentID)
}

// fillRCAIDs sets RCAIDs on every incident of a list in one query.
func fillRCAIDs(ctx context.Context, q queryer, list []domain.Incident) error {
	if len(list) == 0 {
		return nil
	}
	idx := make(map[string]int, len(list))
	args := make([]any, len(list))
	for i := range list {
		list[i].RCAIDs = []string{}
		idx[list[i].ID] = i
		args[i] = list[i].ID
	}
	rows, err := q.QueryContext(ctx, "SELECT incident_id, rca_id FROM rca_incidents WHERE incident_id IN ("+
		placeholders(len(args))+") ORDER BY rca_id", args...)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }() // read only; rows.Err is checked
	for rows.Next() {
		var inc, rca string
		if err := rows.Scan(&inc, &rca); err != nil {
			return err
		}
		i := idx[inc]
		list[i].RCAIDs = append(list[i].RCAIDs, rca)
	}
	return rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func (s *Store) getIncident(ctx context.Context, op, query string, args ...any) (domain.Incident, error) {
	var in domain.Incident
	err := s.snapshot(ctx, op, func(q queryer) error {
		var err error
		if in, err = getDoc[domain.Incident](ctx, q, query, args...); err != nil {
			return err
		}
		in.RCAIDs, err = rcaIDsOf(ctx, q, in.ID)
		return err
	})
	return in, err
}

// GetIncident loads one incident with the ids of the RCAs linking it.
func (s *Store) GetIncident(ctx context.Context, id string) (domain.Incident, error) {
	return s.getIncident(ctx, "get incident "+id, "SELECT doc FROM incidents WHERE id = ?", id)
}

// GetIncidentBySource loads the incident imported from system with sourceID.
func (s *Store) GetIncidentBySource(ctx context.Context, system, sourceID string) (domain.Incident, error) {
	return s.getIncident(ctx, "get incident from "+system+" "+sourceID,
		"SELECT doc FROM incidents WHERE source_system = ? AND source_id = ?", system, sourceID)
}

// ListIncidents returns one page of matching incidents, newest first, and the total.
func (s *Store) ListIncidents(ctx context.Context, f store.IncidentFilter) ([]domain.Incident, int, error) {
	w := incidentWhere(f)
	return listPage(ctx, s, "list incidents", "incidents", &w, "started_at DESC, id DESC", f.Page,
		func(q queryer, list []domain.Incident) error { return fillRCAIDs(ctx, q, list) })
}

// UpdateIncident replaces an incident read at in.Version. RCAIDs are ignored.
func (s *Store) UpdateIncident(ctx context.Context, in *domain.Incident) error {
	n := *in
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	err := s.tx(ctx, "update incident "+in.ID, func(tx *sql.Tx) error {
		old, err := getDoc[domain.Incident](ctx, tx, "SELECT doc FROM incidents WHERE id = ?", n.ID)
		if err != nil {
			return err
		}
		if old.Version != n.Version {
			return store.ErrConflict
		}
		n.CreatedAt = old.CreatedAt
		n.UpdatedAt = s.now()
		n.Version = old.Version + 1
		cols, err := incidentRow(n)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE incidents SET status = ?, started_at = ?, resolved = ?, title_lc = ?,
			source_system = ?, source_id = ?, version = ?, doc = ? WHERE id = ?`, append(cols, n.ID)...)
		if err != nil {
			return err
		}
		if err := indexIncident(ctx, tx, &n); err != nil { // scalesql
			return err
		}
		n.RCAIDs, err = rcaIDsOf(ctx, tx, n.ID)
		if err != nil {
			return err
		}
		return refreshInsights(ctx, tx, n.RCAIDs) // insights: the occurrence may have moved
	})
	if err == nil {
		*in = n
	}
	return err
}

// DeleteIncident removes an incident. RCAs that link it keep the id.
func (s *Store) DeleteIncident(ctx context.Context, id string) error {
	return s.tx(ctx, "delete incident "+id, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, "DELETE FROM incidents WHERE id = ?", id)); err != nil {
			return err
		}
		return refreshIncidentInsights(ctx, tx, id) // insights: its occurrence is gone
	})
}
