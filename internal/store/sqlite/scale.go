package sqlite

// Lists at scale (area "scalesql"): summaries, side tables for the filters,
// FTS5 search with audience-aware rows, keyset cursors, bulk writes.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Search rows: every RCA has one rid (rca_search) and a row with that
// rowid in two FTS5 tables: rca_fts_ext holds the text an external reader
// may read, rca_fts_int all of it. An external search only looks at
// rca_fts_ext, so it can neither match nor show internal text.
//
// A rid is the RCA's updated_at in milliseconds, shifted left by ridSlots
// bits, plus a free slot: the FTS tables' rowid order is the recency order,
// so a search ordered by recency reads matches newest first and stops after
// one page instead of sorting every match. A write gives the RCA a new rid.
const ridBits = 12

// schemaV10 adds the side tables, indexes and search index of lists at scale.
var schemaV10 = []string{
	`CREATE TABLE rca_summaries (
		rca_id       TEXT PRIMARY KEY REFERENCES rcas (id) ON DELETE CASCADE,
		summary      TEXT NOT NULL,
		open_due_ext TEXT NOT NULL
	) STRICT, WITHOUT ROWID`,
	`CREATE TABLE rca_services (
		service    TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		rca_id     TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		PRIMARY KEY (service, updated_at, rca_id)
	) STRICT, WITHOUT ROWID`,
	`CREATE INDEX rca_services_rca ON rca_services (rca_id, service)`,
	`CREATE TABLE rca_tags (
		tag        TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		rca_id     TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		PRIMARY KEY (tag, updated_at, rca_id)
	) STRICT, WITHOUT ROWID`,
	`CREATE INDEX rca_tags_rca ON rca_tags (rca_id, tag)`,
	`DROP INDEX rcas_updated`,
	`CREATE INDEX rcas_recent ON rcas (updated_at, id)`,
	`CREATE INDEX rcas_state ON rcas (state, updated_at, id)`,
	`CREATE INDEX rcas_date ON rcas (date_key, updated_at, id)`,
	`CREATE TABLE rca_search (
		rid    INTEGER PRIMARY KEY,
		rca_id TEXT NOT NULL UNIQUE REFERENCES rcas (id) ON DELETE CASCADE
	) STRICT`,
	`CREATE VIRTUAL TABLE rca_fts_ext USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')`,
	`CREATE VIRTUAL TABLE rca_fts_int USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')`,
	`INSERT INTO rca_fts_ext (rca_fts_ext, rank) VALUES ('rank', 'bm25(10.0, 1.0)')`,
	`INSERT INTO rca_fts_int (rca_fts_int, rank) VALUES ('rank', 'bm25(10.0, 1.0)')`,
	`CREATE TRIGGER rca_search_gone AFTER DELETE ON rca_search BEGIN
		DELETE FROM rca_fts_ext WHERE rowid = OLD.rid;
		DELETE FROM rca_fts_int WHERE rowid = OLD.rid;
	END`,

	`ALTER TABLE incidents ADD COLUMN rca_count INTEGER NOT NULL DEFAULT 0`,
	`UPDATE incidents SET rca_count = (SELECT COUNT(*) FROM rca_incidents WHERE incident_id = incidents.id)`,
	`CREATE TRIGGER incident_rca_count AFTER INSERT ON incidents BEGIN
		UPDATE incidents SET rca_count = (SELECT COUNT(*) FROM rca_incidents WHERE incident_id = NEW.id) WHERE id = NEW.id;
	END`,
	`CREATE TRIGGER rca_link_added AFTER INSERT ON rca_incidents BEGIN
		UPDATE incidents SET rca_count = rca_count + 1 WHERE id = NEW.incident_id;
	END`,
	`CREATE TRIGGER rca_link_removed AFTER DELETE ON rca_incidents BEGIN
		UPDATE incidents SET rca_count = rca_count - 1 WHERE id = OLD.incident_id;
	END`,
	`DROP INDEX incidents_started`,
	`CREATE INDEX incidents_recent ON incidents (started_at, id)`,
	`CREATE INDEX incidents_status ON incidents (status, started_at, id)`,
	`CREATE INDEX incidents_open ON incidents (started_at, id) WHERE resolved = 0`,
	`CREATE INDEX incidents_no_rca ON incidents (started_at, id) WHERE rca_count = 0`,
	`CREATE TABLE incident_summaries (
		incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
		summary     TEXT NOT NULL
	) STRICT, WITHOUT ROWID`,
}

// migrateV10 builds the schema of lists at scale and indexes what is stored.
func migrateV10(ctx context.Context, tx *sql.Tx) error {
	if err := execAll(schemaV10)(ctx, tx); err != nil {
		return err
	}
	// The old search column is replaced by the FTS index.
	if _, err := tx.ExecContext(ctx, "UPDATE rcas SET search = ''"); err != nil {
		return err
	}
	after := ""
	for {
		list, err := listDocs[domain.RCA](ctx, tx, "SELECT doc FROM rcas WHERE id > ? ORDER BY id LIMIT 200", after)
		if err != nil || len(list) == 0 {
			if err != nil {
				return err
			}
			break
		}
		for i := range list {
			if err := indexRCA(ctx, tx, &list[i], true); err != nil {
				return err
			}
		}
		after = list[len(list)-1].ID
	}
	after = ""
	for {
		list, err := listDocs[domain.Incident](ctx, tx, "SELECT doc FROM incidents WHERE id > ? ORDER BY id LIMIT 200", after)
		if err != nil || len(list) == 0 {
			return err
		}
		for i := range list {
			if err := indexIncident(ctx, tx, &list[i]); err != nil {
				return err
			}
		}
		after = list[len(list)-1].ID
	}
}

// searchRow is the text one audience may search in an RCA.
func searchRow(r *domain.RCA, audience domain.Visibility) (title, body string) {
	return store.SearchText(r, func(v domain.Visibility) bool { return audience == domain.Internal || v == domain.External })
}

// summaryRow is the stored summary: the internal one, plus the due dates
// of the open external action items for the external one.
func summaryRow(r *domain.RCA) (summary, dueExt string, err error) {
	in := store.Summarize(r, domain.Internal)
	ext := store.Summarize(r, domain.External)
	if summary, err = encode(in); err != nil {
		return "", "", err
	}
	dueExt, err = encode(ext.OpenDue)
	return summary, dueExt, err
}

// indexRCA writes what lists and search read of r, inside tx: its summary,
// its service and tag rows and its two search rows. fresh says that r was
// just inserted (nothing to delete first).
func indexRCA(ctx context.Context, tx *sql.Tx, r *domain.RCA, fresh bool) error {
	summary, dueExt, err := summaryRow(r)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO rca_summaries (rca_id, summary, open_due_ext) VALUES (?, ?, ?)
		ON CONFLICT (rca_id) DO UPDATE SET summary = excluded.summary, open_due_ext = excluded.open_due_ext`,
		r.ID, summary, dueExt); err != nil {
		return err
	}
	if !fresh {
		for _, q := range []string{"DELETE FROM rca_services WHERE rca_id = ?", "DELETE FROM rca_tags WHERE rca_id = ?"} {
			if _, err := tx.ExecContext(ctx, q, r.ID); err != nil {
				return err
			}
		}
	}
	updated := ts(r.UpdatedAt)
	for _, v := range r.AffectedServices {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO rca_services (service, updated_at, rca_id) VALUES (?, ?, ?)", v, updated, r.ID); err != nil {
			return err
		}
	}
	for _, v := range r.Tags {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO rca_tags (tag, updated_at, rca_id) VALUES (?, ?, ?)", v, updated, r.ID); err != nil {
			return err
		}
	}
	if !fresh {
		if _, err := tx.ExecContext(ctx, "DELETE FROM rca_search WHERE rca_id = ?", r.ID); err != nil {
			return err
		}
	}
	base := r.UpdatedAt.UnixMilli() << ridBits
	var rid int64
	for slot := int64(0); ; slot++ {
		if slot >= 1<<ridBits {
			return fmt.Errorf("no free search slot at %s", ts(r.UpdatedAt))
		}
		res, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO rca_search (rid, rca_id) VALUES (?, ?)", base+slot, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			rid = base + slot
			break
		}
	}
	for _, aud := range []domain.Visibility{domain.External, domain.Internal} {
		title, body := searchRow(r, aud)
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+ftsTable(aud)+" (rowid, title, body) VALUES (?, ?, ?)", rid, title, body); err != nil {
			return err
		}
	}
	return nil
}

// ftsTable is the search table of an audience.
func ftsTable(aud domain.Visibility) string {
	if aud == domain.External {
		return "rca_fts_ext"
	}
	return "rca_fts_int"
}

// indexIncident writes the summary of in, inside tx.
func indexIncident(ctx context.Context, tx *sql.Tx, in *domain.Incident) error {
	sum := store.SummarizeIncident(in)
	sum.RCAIDs = nil // derived when listed
	doc, err := encode(sum)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO incident_summaries (incident_id, summary) VALUES (?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET summary = excluded.summary`, in.ID, doc)
	return err
}

// ftsQuery turns what a person typed into an FTS5 query: the words as one
// phrase of whole words ("cdn latency" finds "CDN latency", "cdn late" does
// not: a prefix query reads every term it covers, too slow at scale). It is
// empty when the text has no word at all (only symbols or emoji).
func ftsQuery(q string) string {
	words := store.SearchWords(q)
	if len(words) == 0 {
		return ""
	}
	return `"` + strings.Join(words, " ") + `"`
}

// rcaList is a list query under construction.
type rcaList struct {
	from   string
	count  string // the FROM of the count, when it needs no RCA rows
	w      where
	k1, k2 string // the recent order's key columns
	match  string // the FTS5 query, when searching through the index
	fts    string // the audience's search table
	rank   bool   // order by relevance
	joined bool   // the search needs the RCA rows (filters)
}

// planRCAs picks the table that drives a list (the search index, the
// service or tag rows, or the RCAs with their indexes) and adds the filters.
func planRCAs(f store.RCAFilter) rcaList {
	aud := domain.Internal
	if f.Audience == domain.External {
		aud = domain.External
	}
	l := rcaList{from: "rcas r", k1: "r.updated_at", k2: "r.id", fts: ftsTable(aud)}
	q := strings.TrimSpace(f.Query)
	service, tag, incident := f.Service, f.Tag, f.IncidentID
	var filters where
	switch {
	case q != "":
		if l.match = ftsQuery(q); l.match != "" {
			l.rank = f.SortOrder() == store.SortRelevance
		} else {
			// Only symbols: no word to look up, so scan the audience's text.
			l.from = "rcas r JOIN rca_search m ON m.rca_id = r.id JOIN " + l.fts + " x ON x.rowid = m.rid"
			l.w.add("instr(x.title || char(10) || x.body, ?) > 0", q)
		}
	case incident != "":
		// Few RCAs link one incident: sorting them is cheap.
		l.from = "rca_incidents ri JOIN rcas r ON r.id = ri.rca_id"
		l.w.add("ri.incident_id = ?", incident)
		incident = ""
	case service != "":
		l.from, l.k1, l.k2 = "rca_services x JOIN rcas r ON r.id = x.rca_id", "x.updated_at", "x.rca_id"
		l.count = "rca_services x"
		l.w.add("x.service = ?", service)
		service = ""
	case tag != "":
		l.from, l.k1, l.k2 = "rca_tags x JOIN rcas r ON r.id = x.rca_id", "x.updated_at", "x.rca_id"
		l.count = "rca_tags x"
		l.w.add("x.tag = ?", tag)
		tag = ""
	}
	if len(f.States) > 0 {
		args := make([]any, len(f.States))
		for i, st := range f.States {
			args[i] = string(st)
		}
		filters.add("r.state IN ("+placeholders(len(args))+")", args...)
	}
	if service != "" {
		filters.add("EXISTS (SELECT 1 FROM rca_services s2 WHERE s2.rca_id = r.id AND s2.service = ?)", service)
	}
	if tag != "" {
		filters.add("EXISTS (SELECT 1 FROM rca_tags t2 WHERE t2.rca_id = r.id AND t2.tag = ?)", tag)
	}
	if incident != "" {
		filters.add("EXISTS (SELECT 1 FROM rca_incidents ri2 WHERE ri2.rca_id = r.id AND ri2.incident_id = ?)", incident)
	}
	if f.Since != nil {
		filters.add("r.date_key >= ?", ts(*f.Since))
	}
	if f.Until != nil {
		filters.add("r.date_key < ?", ts(*f.Until))
	}
	if l.match != "" {
		// The search table drives: its rowid order is the recency order.
		l.from, l.k1 = l.fts+" f", "f.rowid"
		l.w.add(l.fts+" MATCH ?", l.match)
		if len(filters.conds) > 0 {
			l.joined = true
			l.from += " JOIN rca_search m ON m.rid = f.rowid JOIN rcas r ON r.id = m.rca_id"
		}
	}
	if len(filters.conds) > 0 {
		l.count = "" // the filters read the RCA rows
	}
	l.w.conds = append(l.w.conds, filters.conds...)
	l.w.args = append(l.w.args, filters.args...)
	return l
}

// rcaHit is one listed RCA before its summary is read.
type rcaHit struct {
	id, updated string
	rid         int64
	rank        float64
}

// pageRCAs reads the ids of one page and the total, inside q. With a
// cursor, the page starts after it; else at p.Offset.
func pageRCAs(ctx context.Context, q queryer, l rcaList, cur *store.Cursor, p store.Page) ([]rcaHit, int, error) {
	hits, total, _, _, err := pageRCAsAt(ctx, q, l, cur, p)
	return hits, total, err
}

// Search costs are bounded: a search counts at most searchCountCap matches
// (the total is then a lower bound), and a relevance order ranks the
// relevanceWindow newest matches (the rest follow no rank).
var (
	searchCountCap  = 1000
	relevanceWindow = 100
)

// pageRCAsAt is pageRCAs that also says whether the total is capped and
// which rowid a relevance page is bounded by.
func pageRCAsAt(ctx context.Context, q queryer, l rcaList, cur *store.Cursor, p store.Page) (hits []rcaHit, total int, capped bool, floor int64, err error) {
	if l.match != "" {
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+l.from+l.w.String()+" LIMIT ?)",
			append(l.w.args[:len(l.w.args):len(l.w.args)], searchCountCap+1)...).Scan(&total)
		if total > searchCountCap {
			total, capped = searchCountCap, true
		}
	} else {
		from := l.from
		if l.count != "" {
			from = l.count
		}
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+l.w.String(), l.w.args...).Scan(&total)
	}
	if err != nil {
		return nil, 0, false, 0, err
	}
	if l.rank {
		if cur != nil {
			floor = cur.Floor
		} else {
			err := q.QueryRowContext(ctx, "SELECT f.rowid FROM "+l.from+l.w.String()+" ORDER BY f.rowid DESC LIMIT 1 OFFSET ?",
				append(l.w.args[:len(l.w.args):len(l.w.args)], relevanceWindow-1)...).Scan(&floor)
			if errors.Is(err, sql.ErrNoRows) {
				floor = math.MinInt64
			} else if err != nil {
				return nil, 0, false, 0, err
			}
		}
	}
	w := l.w
	w.conds = w.conds[:len(w.conds):len(w.conds)]
	w.args = w.args[:len(w.args):len(w.args)]
	var query string
	switch {
	case l.match != "":
		order := "f.rowid DESC"
		if l.rank {
			w.add("f.rowid >= ?", floor)
		}
		if cur != nil && l.rank {
			w.add("(f.rank > ? OR (f.rank = ? AND f.rowid > ?))", cur.Rank, cur.Rank, cur.Seq)
		} else if cur != nil {
			w.add("f.rowid < ?", cur.Seq)
		}
		rank := "0.0"
		if l.rank {
			order, rank = "f.rank, f.rowid", "f.rank"
		}
		query = "SELECT f.rowid, " + rank + " FROM " + l.from + w.String() + " ORDER BY " + order
	default:
		if cur != nil {
			w.add("("+l.k1+", "+l.k2+") < (?, ?)", ts(cur.Time), cur.ID)
		}
		query = "SELECT r.id, r.updated_at FROM " + l.from + w.String() + " ORDER BY " + l.k1 + " DESC, " + l.k2 + " DESC"
	}
	query += " LIMIT ?"
	args := append(w.args, p.Limit)
	if cur == nil && p.Offset > 0 {
		query += " OFFSET ?"
		args = append(args, p.Offset)
	}
	hits, err = queryAll(ctx, q, func(r scanner) (rcaHit, error) {
		var h rcaHit
		if l.match != "" {
			return h, r.Scan(&h.rid, &h.rank)
		}
		return h, r.Scan(&h.id, &h.updated)
	}, query, args...)
	if err != nil || l.match == "" {
		return hits, total, capped, floor, err
	}
	for i := range hits {
		if err := q.QueryRowContext(ctx, "SELECT m.rca_id, r.updated_at FROM rca_search m JOIN rcas r ON r.id = m.rca_id WHERE m.rid = ?",
			hits[i].rid).Scan(&hits[i].id, &hits[i].updated); err != nil {
			return nil, 0, false, 0, err
		}
	}
	return hits, total, capped, floor, nil
}

const rcaListName = "rcas"

// ListRCASummaries returns one page of RCA summaries, with snippets when
// searching, the total and the cursor of the next page.
func (s *Store) ListRCASummaries(ctx context.Context, f store.RCAFilter) (store.RCAPage, error) {
	f.Page = f.Page.Clamp()
	var cur *store.Cursor
	if f.Cursor != "" {
		c, err := store.DecodeCursor(f.Cursor, rcaListName, f.Key())
		if err != nil {
			return store.RCAPage{}, err
		}
		cur = &c
	}
	l := planRCAs(f)
	out := store.RCAPage{Items: []store.RCASummary{}}
	err := s.snapshot(ctx, "list rca summaries", func(q queryer) error {
		hits, total, capped, floor, err := pageRCAsAt(ctx, q, l, cur, f.Page)
		if err != nil {
			return err
		}
		out.Total, out.TotalCapped = total, capped
		for _, h := range hits {
			var doc, dueExt string
			if err := q.QueryRowContext(ctx, "SELECT summary, open_due_ext FROM rca_summaries WHERE rca_id = ?", h.id).Scan(&doc, &dueExt); err != nil {
				return err
			}
			var sum store.RCASummary
			if err := decode(doc, &sum); err != nil {
				return err
			}
			if f.Audience == domain.External {
				sum.OpenDue = nil
				if err := decode(dueExt, &sum.OpenDue); err != nil {
					return err
				}
			}
			if l.match != "" {
				if err := q.QueryRowContext(ctx, "SELECT snippet("+l.fts+", -1, ?, ?, '…', 16) FROM "+l.fts+" WHERE "+l.fts+" MATCH ? AND rowid = ?",
					store.SnippetOpen, store.SnippetClose, l.match, h.rid).Scan(&sum.Snippet); err != nil {
					return err
				}
			}
			out.Items = append(out.Items, sum)
		}
		if len(hits) == f.Page.Limit {
			last := hits[len(hits)-1]
			t, err := parseTS(last.updated)
			if err != nil {
				return err
			}
			out.Next = store.EncodeCursor(store.Cursor{List: rcaListName, Filter: f.Key(), Time: t, Rank: last.rank, Seq: last.rid, Floor: floor, ID: last.id})
		}
		return nil
	})
	return out, err
}

// listRCADocs is ListRCAs: the same plan, whole documents, offset pages.
func (s *Store) listRCADocs(ctx context.Context, f store.RCAFilter) ([]domain.RCA, int, error) {
	f.Page = f.Page.Clamp()
	f.Sort = store.SortRecent
	l := planRCAs(f)
	list := []domain.RCA{}
	var total int
	err := s.snapshot(ctx, "list rcas", func(q queryer) error {
		hits, n, err := pageRCAs(ctx, q, l, nil, f.Page)
		if err != nil {
			return err
		}
		total = n
		for _, h := range hits {
			r, err := getDoc[domain.RCA](ctx, q, "SELECT doc FROM rcas WHERE id = ?", h.id)
			if err != nil {
				return err
			}
			list = append(list, r)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

const incidentListName = "incidents"

// incidentWhere is the condition of an incident filter.
func incidentWhere(f store.IncidentFilter) where {
	var w where
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	if f.Unresolved {
		w.add("resolved = 0")
	}
	if f.Since != nil {
		w.add("started_at >= ?", ts(*f.Since))
	}
	if f.Until != nil {
		w.add("started_at < ?", ts(*f.Until))
	}
	if f.WithoutRCA {
		w.add("rca_count = 0")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.add("instr(title_lc, ?) > 0", strings.ToLower(q))
	}
	return w
}

// ListIncidentSummaries returns one page of incident summaries, newest
// started first, the total and the cursor of the next page.
func (s *Store) ListIncidentSummaries(ctx context.Context, f store.IncidentFilter) (store.IncidentPage, error) {
	f.Page = f.Page.Clamp()
	w := incidentWhere(f)
	var cur *store.Cursor
	if f.Cursor != "" {
		c, err := store.DecodeCursor(f.Cursor, incidentListName, f.Key())
		if err != nil {
			return store.IncidentPage{}, err
		}
		cur = &c
	}
	out := store.IncidentPage{Items: []store.IncidentSummary{}}
	err := s.snapshot(ctx, "list incident summaries", func(q queryer) error {
		var err error
		if out.Total, err = count(ctx, q, "incidents", &w); err != nil {
			return err
		}
		pw := w
		if cur != nil {
			pw.conds = append(pw.conds[:len(pw.conds):len(pw.conds)], "(started_at, id) < (?, ?)")
			pw.args = append(pw.args[:len(pw.args):len(pw.args)], ts(cur.Time), cur.ID)
		}
		query := "SELECT id, started_at FROM incidents" + pw.String() + " ORDER BY started_at DESC, id DESC LIMIT ?"
		args := append(pw.args[:len(pw.args):len(pw.args)], f.Page.Limit)
		if cur == nil && f.Page.Offset > 0 {
			query += " OFFSET ?"
			args = append(args, f.Page.Offset)
		}
		type hit struct{ id, started string }
		hits, err := queryAll(ctx, q, func(r scanner) (hit, error) {
			var h hit
			return h, r.Scan(&h.id, &h.started)
		}, query, args...)
		if err != nil {
			return err
		}
		for _, h := range hits {
			sum, err := getDoc[store.IncidentSummary](ctx, q, "SELECT summary FROM incident_summaries WHERE incident_id = ?", h.id)
			if err != nil {
				return err
			}
			if sum.RCAIDs, err = rcaIDsOf(ctx, q, h.id); err != nil {
				return err
			}
			out.Items = append(out.Items, sum)
		}
		if len(hits) == f.Page.Limit {
			last := hits[len(hits)-1]
			t, err := parseTS(last.started)
			if err != nil {
				return err
			}
			out.Next = store.EncodeCursor(store.Cursor{List: incidentListName, Filter: f.Key(), Time: t, ID: last.id})
		}
		return nil
	})
	return out, err
}

// bulkBatch is how many records one transaction of a bulk write holds.
const bulkBatch = 500

// CreateRCAs stores new RCAs like CreateRCA, bulkBatch per transaction.
func (s *Store) CreateRCAs(ctx context.Context, rs []domain.RCA, author string) error {
	return createInBatches(ctx, s, rs, "rca", func(n *domain.RCA, now time.Time) error {
		stampNew(&n.ID, &n.CreatedAt, &n.UpdatedAt, &n.Version, now)
		n.Normalize()
		return n.Validate()
	}, func(ctx context.Context, tx *sql.Tx, n *domain.RCA) error {
		slug, err := freeSlug(ctx, tx, n.Slug)
		if err != nil {
			return err
		}
		n.Slug = slug
		return putRCA(ctx, tx, n, true, author, "created")
	})
}

// CreateIncidents stores new incidents like CreateIncident, bulkBatch per
// transaction.
func (s *Store) CreateIncidents(ctx context.Context, list []domain.Incident) error {
	return createInBatches(ctx, s, list, "incident", func(n *domain.Incident, now time.Time) error {
		stampNew(&n.ID, &n.CreatedAt, &n.UpdatedAt, &n.Version, now)
		n.Normalize()
		return n.Validate()
	}, insertIncident)
}

// createInBatches readies every record of list with prepare (stamping and
// validating it) and stores them with put, bulkBatch per transaction. A
// record that fails prepare stops the write before its batch is stored.
func createInBatches[T any](ctx context.Context, s *Store, list []T, what string,
	prepare func(*T, time.Time) error, put func(context.Context, *sql.Tx, *T) error) error {
	now := s.now()
	for start := 0; start < len(list); start += bulkBatch {
		batch := list[start:min(start+bulkBatch, len(list))]
		for i := range batch {
			if err := prepare(&batch[i], now); err != nil {
				return fmt.Errorf("sqlite: create %ss: %s %d: %w", what, what, start+i, err)
			}
		}
		err := s.tx(ctx, "create "+what+"s", func(tx *sql.Tx) error {
			for i := range batch {
				if err := put(ctx, tx, &batch[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// stampNew gives a new record of a bulk create what CreateRCA and
// CreateIncident give one: an id when empty, times when zero, version 1.
func stampNew(id *string, created, updated *time.Time, version *int64, now time.Time) {
	if *id == "" {
		*id = domain.NewID()
	}
	*created = orNow(*created, now)
	*updated = orNow(*updated, *created)
	*version = 1
}
