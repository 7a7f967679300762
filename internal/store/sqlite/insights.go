package sqlite

// Area "insights" (issue 14): per-RCA insight rows, written in the same
// transaction as the RCA (putRCA) and refreshed when a linked incident
// changes, so that the insights query is a few covering-index range scans.
//
// Every row is stored once per affected service and once more under the
// service "" (all services), so that a service filter is the leading
// column of each index instead of a join.

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

var schemaV100 = []string{
	`CREATE TABLE insight_occurrences (
		rca_id   TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		service  TEXT NOT NULL,
		start_ms INTEGER NOT NULL,
		ttr_ms   INTEGER
	)`,
	`CREATE INDEX insight_occurrences_window ON insight_occurrences (service, start_ms, ttr_ms)`,
	`CREATE INDEX insight_occurrences_rca ON insight_occurrences (rca_id)`,
	`CREATE TABLE insight_factors (
		rca_id  TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		service TEXT NOT NULL,
		at_ms   INTEGER NOT NULL,
		factor  TEXT NOT NULL
	)`,
	`CREATE INDEX insight_factors_window ON insight_factors (service, at_ms, factor)`,
	`CREATE INDEX insight_factors_rca ON insight_factors (rca_id)`,
	`CREATE TABLE insight_items (
		rca_id     TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		service    TEXT NOT NULL,
		at_ms      INTEGER NOT NULL,
		state      TEXT NOT NULL,
		due_end_ms INTEGER, -- the due day's end as midnight UTC after it: zone-free
		done_at_ms INTEGER
	)`,
	`CREATE INDEX insight_items_window ON insight_items (service, at_ms, state, due_end_ms, done_at_ms)`,
	`CREATE INDEX insight_items_rca ON insight_items (rca_id)`,
}

// migrateV100 makes the insight tables and fills them for the RCAs stored.
func migrateV100(ctx context.Context, tx *sql.Tx) error {
	if err := execAll(schemaV100)(ctx, tx); err != nil {
		return err
	}
	ids, err := queryAll(ctx, tx, scanString, "SELECT id FROM rcas")
	if err != nil {
		return err
	}
	return refreshInsights(ctx, tx, ids)
}

// refreshInsights rewrites the insight rows of the RCAs with ids.
func refreshInsights(ctx context.Context, tx *sql.Tx, ids []string) error {
	for _, id := range ids {
		r, err := loadForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := writeInsights(ctx, tx, &r, false); err != nil {
			return err
		}
	}
	return nil
}

// refreshIncidentInsights rewrites the insight rows of the RCAs linking
// the incident, after it was created, changed or deleted.
func refreshIncidentInsights(ctx context.Context, tx *sql.Tx, incidentID string) error {
	ids, err := rcaIDsOf(ctx, tx, incidentID)
	if err != nil {
		return err
	}
	return refreshInsights(ctx, tx, ids)
}

// writeInsights replaces the insight rows of r, inside tx. fresh: r is new
// and has none yet.
func writeInsights(ctx context.Context, tx *sql.Tx, r *domain.RCA, fresh bool) error {
	if !fresh {
		for _, q := range []string{"DELETE FROM insight_occurrences WHERE rca_id = ?",
			"DELETE FROM insight_factors WHERE rca_id = ?", "DELETE FROM insight_items WHERE rca_id = ?"} {
			if _, err := tx.ExecContext(ctx, q, r.ID); err != nil {
				return err
			}
		}
	}
	var incidents []domain.Incident
	if len(r.IncidentIDs) > 0 {
		args := make([]any, len(r.IncidentIDs))
		for i, id := range r.IncidentIDs {
			args[i] = id
		}
		var err error
		incidents, err = listDocs[domain.Incident](ctx, tx,
			"SELECT doc FROM incidents WHERE id IN (?"+strings.Repeat(", ?", len(args)-1)+")", args...)
		if err != nil {
			return err
		}
	}
	f := domain.InsightFactsOf(r, incidents)
	at := f.At.UnixMilli()
	for _, svc := range append([]string{""}, f.Services...) {
		for _, o := range f.Occurrences {
			var ttr any
			if o.TTR != nil {
				ttr = o.TTR.Milliseconds()
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO insight_occurrences (rca_id, service, start_ms, ttr_ms) VALUES (?, ?, ?, ?)",
				r.ID, svc, o.Start.UnixMilli(), ttr); err != nil {
				return err
			}
		}
		for _, k := range f.Factors {
			if _, err := tx.ExecContext(ctx, "INSERT INTO insight_factors (rca_id, service, at_ms, factor) VALUES (?, ?, ?, ?)",
				r.ID, svc, at, k); err != nil {
				return err
			}
		}
		for _, it := range f.Items {
			var due, done any
			if it.Due != nil {
				due = it.Due.AddDays(1).In(time.UTC).UnixMilli()
			}
			if it.DoneAt != nil {
				done = it.DoneAt.UnixMilli()
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO insight_items (rca_id, service, at_ms, state, due_end_ms, done_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
				r.ID, svc, at, string(it.State), due, done); err != nil {
				return err
			}
		}
	}
	return nil
}

// Insights sums the insight rows of the window in one read transaction.
func (s *Store) Insights(ctx context.Context, w domain.InsightWindow) (domain.InsightTally, error) {
	t := domain.NewInsightTally(w)
	if len(w.Bounds) < 2 {
		return t, nil
	}
	lo, hi := w.From().UnixMilli(), w.To().UnixMilli()
	err := s.snapshot(ctx, "insights", func(q queryer) error {
		// One range query per month: each sums a stretch of the covering
		// index. (A join with the months as a json_each table let the
		// planner scan every occurrence once per month.)
		for i := range t.Months {
			var n, resolved int
			var sum int64
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(ttr_ms), COALESCE(SUM(ttr_ms), 0)
				FROM insight_occurrences WHERE service = ? AND start_ms >= ? AND start_ms < ?`,
				w.Service, w.Bounds[i].UnixMilli(), w.Bounds[i+1].UnixMilli()).Scan(&n, &resolved, &sum); err != nil {
				return err
			}
			t.Months[i] = domain.MonthTally{Count: n, Resolved: resolved, TTRSum: msDuration(sum)}
		}
		factors, err := q.QueryContext(ctx, `SELECT factor, COUNT(*) FROM insight_factors
			WHERE service = ? AND at_ms >= ? AND at_ms < ? GROUP BY factor`, w.Service, lo, hi)
		if err != nil {
			return err
		}
		defer func() { _ = factors.Close() }()
		for factors.Next() {
			var k string
			var n int
			if err := factors.Scan(&k, &n); err != nil {
				return err
			}
			t.Factors[k] = n
		}
		if err := factors.Err(); err != nil {
			return err
		}
		// Overdue: due < today, that is due's end (midnight UTC after it)
		// at or before today's midnight UTC. Done on time: done before the
		// end of the due day in the organisation's zone, which lies within
		// 14 hours before and 12 hours after due_end_ms (UTC+14 to UTC-12):
		// earlier is on time, later is late in any zone, and the few items
		// done in between are decided in Go.
		today := w.Today.In(time.UTC).UnixMilli()
		if err := q.QueryRowContext(ctx, `SELECT
				COALESCE(SUM(state IN ('open', 'in_progress')), 0),
				COALESCE(SUM(state IN ('open', 'in_progress') AND due_end_ms <= ?), 0),
				COALESCE(SUM(state = 'done'), 0),
				COALESCE(SUM(state = 'done' AND done_at_ms < due_end_ms - ?), 0)
			FROM insight_items WHERE service = ? AND at_ms >= ? AND at_ms < ?`, today, zoneAhead, w.Service, lo, hi).
			Scan(&t.Actions.Open, &t.Actions.Overdue, &t.Actions.Done, &t.Actions.DoneOnTime); err != nil {
			return err
		}
		return doneNearDeadline(ctx, q, w, lo, hi, &t.Actions)
	})
	return t, err
}

// The furthest any zone is ahead of and behind UTC, in milliseconds.
const (
	zoneAhead  = 14 * 3600 * 1000
	zoneBehind = 12 * 3600 * 1000
)

// doneNearDeadline counts the done items finished close to the end of
// their due day by the day's end in the organisation's zone.
func doneNearDeadline(ctx context.Context, q queryer, w domain.InsightWindow, lo, hi int64, a *domain.ActionTally) error {
	rows, err := q.QueryContext(ctx, `SELECT due_end_ms, done_at_ms FROM insight_items
		WHERE service = ? AND at_ms >= ? AND at_ms < ? AND state = 'done'
		AND done_at_ms >= due_end_ms - ? AND done_at_ms < due_end_ms + ?`, w.Service, lo, hi, zoneAhead, zoneBehind)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var dueEnd, done int64
		if err := rows.Scan(&dueEnd, &done); err != nil {
			return err
		}
		due := domain.DateOf(time.UnixMilli(dueEnd).UTC()).AddDays(-1)
		at := time.UnixMilli(done)
		if (domain.InsightItem{State: domain.ActionDone, Due: &due, DoneAt: &at}).DoneOnTime(w.Loc) {
			a.DoneOnTime++
		}
	}
	return rows.Err()
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
