package mongo

// Lists at scale (area "scalesql"): filters that match the indexes, keyset
// cursors, summaries through projections, text search, bulk writes.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// searchFields splits r's searchable text: what an external reader may
// search, and the rest.
func searchFields(r *domain.RCA) (ext, internalOnly string) {
	t, b := store.SearchText(r, func(v domain.Visibility) bool { return v == domain.External })
	_, bi := store.SearchText(r, func(v domain.Visibility) bool { return v == domain.Internal })
	return t + "\n" + b, bi
}

// ensureTextIndex creates the text index on the search fields. A server
// without text indexes (FerretDB, the in-process test peer) refuses it;
// searches then match a regular expression over the same fields.
func (s *Store) ensureTextIndex(ctx context.Context) error {
	m := mongo.IndexModel{
		Keys: bson.D{{Key: "search_ext", Value: "text"}, {Key: "search_int", Value: "text"}},
		// "none": words as written, no stemming or stop words, like SQLite's
		// tokenizer.
		Options: options.Index().SetName("rca_text").SetDefaultLanguage("none").SetLanguageOverride("no_language_field"),
	}
	_, err := s.c(colRCAs).Indexes().CreateOne(ctx, m)
	if err != nil && unreachable(err) {
		return wrap("create text index on rcas", err)
	}
	s.textIndex = err == nil
	return nil
}

// wordsPattern is the expression a search matches: the words in a row, as
// whole words ("cdn latency" finds "CDN latency"); a query without words is
// plain text.
func wordsPattern(q string) string {
	words := store.SearchWords(q)
	if len(words) == 0 {
		return regexp.QuoteMeta(q)
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = regexp.QuoteMeta(w)
	}
	return `(^|[^\p{L}\p{N}])` + strings.Join(quoted, `[^\p{L}\p{N}]+`) + `([^\p{L}\p{N}]|$)`
}

// searchFilter matches q in the text the audience may read.
func (s *Store) searchFilter(q string, audience domain.Visibility) bson.D {
	re := bson.D{{Key: "$regex", Value: wordsPattern(q)}, {Key: "$options", Value: "i"}}
	var f bson.D
	if words := store.SearchWords(q); s.textIndex && len(words) > 0 {
		// The index finds the candidates; the expression then holds them to
		// the same rule as without it, and to the audience's text.
		f = append(f, bson.E{Key: "$text", Value: bson.D{{Key: "$search", Value: `"` + strings.Join(words, " ") + `"`}}})
	}
	if audience == domain.External {
		return append(f, bson.E{Key: "search_ext", Value: re})
	}
	return append(f, bson.E{Key: "$or", Value: bson.A{bson.D{{Key: "search_ext", Value: re}}, bson.D{{Key: "search_int", Value: re}}}})
}

// rcaFilter is the query of an RCA filter.
func (s *Store) rcaFilter(f store.RCAFilter) bson.D {
	filter := bson.D{}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		filter = append(filter, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: states}}})
	}
	if f.Service != "" {
		filter = append(filter, bson.E{Key: "affected_services", Value: f.Service})
	}
	if f.Tag != "" {
		filter = append(filter, bson.E{Key: "tags", Value: f.Tag})
	}
	if f.IncidentID != "" {
		filter = append(filter, bson.E{Key: "incident_ids", Value: f.IncidentID})
	}
	date := bson.D{}
	if f.Since != nil {
		date = append(date, bson.E{Key: "$gte", Value: ms(*f.Since)})
	}
	if f.Until != nil {
		date = append(date, bson.E{Key: "$lt", Value: ms(*f.Until)})
	}
	if len(date) > 0 {
		filter = append(filter, bson.E{Key: "sort_date", Value: date})
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		filter = append(filter, s.searchFilter(q, f.Audience)...)
	}
	return filter
}

// after is the keyset condition "after (t, id)" in the order key desc, _id desc.
func after(key string, t time.Time, id string) bson.E {
	return bson.E{Key: "$or", Value: bson.A{
		bson.D{{Key: key, Value: bson.D{{Key: "$lt", Value: t}}}},
		bson.D{{Key: key, Value: t}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: id}}}},
	}}
}

// withAfter adds the keyset condition to filter, keeping a $or already in it.
func withAfter(filter bson.D, cond bson.E) bson.D {
	return bson.D{{Key: "$and", Value: bson.A{filter, bson.D{cond}}}}
}

// rcaSummaryDoc is the projection of an RCA a list reads.
type rcaSummaryDoc struct {
	ID               string     `bson:"_id"`
	Slug             string     `bson:"slug"`
	Title            string     `bson:"title"`
	Template         string     `bson:"template"`
	Language         string     `bson:"language"`
	State            string     `bson:"state"`
	Version          int64      `bson:"version"`
	IncidentIDs      []string   `bson:"incident_ids"`
	IncidentDate     *time.Time `bson:"incident_date"`
	AffectedServices []string   `bson:"affected_services"`
	Severity         string     `bson:"severity"`
	Tags             []string   `bson:"tags"`
	Authors          []string   `bson:"authors"`
	ActionItems      []struct {
		Due        *time.Time `bson:"due"`
		State      string     `bson:"state"`
		Visibility string     `bson:"visibility"`
	} `bson:"action_items"`
	CreatedAt   time.Time  `bson:"created_at"`
	UpdatedAt   time.Time  `bson:"updated_at"`
	PublishedAt *time.Time `bson:"published_at"`
	SearchExt   string     `bson:"search_ext"`
	SearchInt   string     `bson:"search_int"`
}

var rcaSummaryProjection = bson.D{
	{Key: "slug", Value: 1}, {Key: "title", Value: 1}, {Key: "template", Value: 1}, {Key: "language", Value: 1},
	{Key: "state", Value: 1}, {Key: "version", Value: 1}, {Key: "incident_ids", Value: 1}, {Key: "incident_date", Value: 1},
	{Key: "affected_services", Value: 1}, {Key: "severity", Value: 1}, {Key: "tags", Value: 1}, {Key: "authors", Value: 1},
	{Key: "action_items.due", Value: 1}, {Key: "action_items.state", Value: 1}, {Key: "action_items.visibility", Value: 1},
	{Key: "created_at", Value: 1}, {Key: "updated_at", Value: 1}, {Key: "published_at", Value: 1},
}

func (d rcaSummaryDoc) summary(audience domain.Visibility) store.RCASummary {
	r := domain.RCA{
		ID: d.ID, Slug: d.Slug, Title: d.Title, Template: d.Template, Language: d.Language, State: domain.RCAState(d.State),
		Version: d.Version, IncidentIDs: d.IncidentIDs, IncidentDate: docDate(d.IncidentDate), AffectedServices: d.AffectedServices,
		Severity: domain.Severity(d.Severity), Tags: d.Tags, Authors: d.Authors,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, PublishedAt: d.PublishedAt,
	}
	for _, a := range d.ActionItems {
		r.ActionItems = append(r.ActionItems, domain.ActionItem{Due: docDate(a.Due), State: domain.ActionState(a.State), Visibility: domain.Visibility(a.Visibility)})
	}
	return store.Summarize(&r, audience)
}

const (
	rcaListName      = "rcas"
	incidentListName = "incidents"
	snippetWidth     = 120
)

// ListRCASummaries returns one page of RCA summaries, most recently updated
// first (MongoDB has no relevance order here), with snippets when searching.
func (s *Store) ListRCASummaries(ctx context.Context, f store.RCAFilter) (store.RCAPage, error) {
	f.Page = f.Page.Clamp()
	filter := s.rcaFilter(f)
	q := strings.TrimSpace(f.Query)
	opts := options.Find().SetSort(bson.D{{Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(f.Page.Limit))
	proj := rcaSummaryProjection
	if q != "" {
		proj = append(append(bson.D{}, proj...), bson.E{Key: "search_ext", Value: 1})
		if f.Audience != domain.External {
			proj = append(proj, bson.E{Key: "search_int", Value: 1})
		}
	}
	opts.SetProjection(proj)
	page := filter
	if f.Cursor != "" {
		c, err := store.DecodeCursor(f.Cursor, rcaListName, f.Key())
		if err != nil {
			return store.RCAPage{}, err
		}
		page = withAfter(filter, after("updated_at", c.Time, c.ID))
	} else if f.Page.Offset > 0 {
		opts.SetSkip(int64(f.Page.Offset))
	}
	total, err := s.c(colRCAs).CountDocuments(ctx, filter)
	if err != nil {
		return store.RCAPage{}, wrap("count rcas", err)
	}
	docs, err := findAll(ctx, s.c(colRCAs), "list rca summaries", page, opts, func(d rcaSummaryDoc) rcaSummaryDoc { return d })
	if err != nil {
		return store.RCAPage{}, err
	}
	out := store.RCAPage{Items: make([]store.RCASummary, 0, len(docs)), Total: int(total)}
	for _, d := range docs {
		sum := d.summary(f.Audience)
		if q != "" {
			if sum.Snippet = store.MakeSnippet(d.SearchExt, q, snippetWidth); sum.Snippet == "" && f.Audience != domain.External {
				sum.Snippet = store.MakeSnippet(d.SearchInt, q, snippetWidth)
			}
		}
		out.Items = append(out.Items, sum)
	}
	if len(docs) == f.Page.Limit {
		last := docs[len(docs)-1]
		out.Next = store.EncodeCursor(store.Cursor{List: rcaListName, Filter: f.Key(), Time: last.UpdatedAt, ID: last.ID})
	}
	return out, nil
}

// incidentFilter is the query of an incident filter.
func (s *Store) incidentFilter(ctx context.Context, f store.IncidentFilter) (bson.D, error) {
	filter := bson.D{}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.Unresolved {
		filter = append(filter, bson.E{Key: "resolved_at", Value: nil})
	}
	started := bson.D{}
	if f.Since != nil {
		started = append(started, bson.E{Key: "$gte", Value: ms(*f.Since)})
	}
	if f.Until != nil {
		started = append(started, bson.E{Key: "$lt", Value: ms(*f.Until)})
	}
	if len(started) > 0 {
		filter = append(filter, bson.E{Key: "started_at", Value: started})
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		filter = append(filter, bson.E{Key: "title", Value: containsFold(q)})
	}
	if f.WithoutRCA {
		linked, err := s.c(colRCAs).Distinct(ctx, "incident_ids", bson.D{}).Raw()
		if err != nil {
			return nil, wrap("list incidents", err)
		}
		vals, err := linked.Values()
		if err != nil {
			return nil, wrap("list incidents", err)
		}
		ids := make([]string, 0, len(vals))
		for _, v := range vals {
			if sv, ok := v.StringValueOK(); ok {
				ids = append(ids, sv)
			}
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: ids}}})
	}
	return filter, nil
}

// incidentSummaryDoc is the projection of an incident a list reads.
type incidentSummaryDoc struct {
	ID         string     `bson:"_id"`
	Title      string     `bson:"title"`
	Impact     string     `bson:"impact"`
	Status     string     `bson:"status"`
	StartedAt  time.Time  `bson:"started_at"`
	ResolvedAt *time.Time `bson:"resolved_at"`
	Components []struct {
		ComponentID string `bson:"component_id"`
	} `bson:"components"`
	UpdateCount int       `bson:"update_count"`
	CreatedAt   time.Time `bson:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at"`
}

// ListIncidentSummaries returns one page of incident summaries, newest
// started first.
func (s *Store) ListIncidentSummaries(ctx context.Context, f store.IncidentFilter) (store.IncidentPage, error) {
	f.Page = f.Page.Clamp()
	filter, err := s.incidentFilter(ctx, f)
	if err != nil {
		return store.IncidentPage{}, err
	}
	opts := options.Find().SetSort(bson.D{{Key: "started_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(f.Page.Limit)).
		SetProjection(bson.D{{Key: "updates", Value: 0}, {Key: "source", Value: 0}})
	page := filter
	if f.Cursor != "" {
		c, err := store.DecodeCursor(f.Cursor, incidentListName, f.Key())
		if err != nil {
			return store.IncidentPage{}, err
		}
		page = withAfter(filter, after("started_at", c.Time, c.ID))
	} else if f.Page.Offset > 0 {
		opts.SetSkip(int64(f.Page.Offset))
	}
	total, err := s.c(colIncidents).CountDocuments(ctx, filter)
	if err != nil {
		return store.IncidentPage{}, wrap("count incidents", err)
	}
	docs, err := findAll(ctx, s.c(colIncidents), "list incident summaries", page, opts, func(d incidentSummaryDoc) incidentSummaryDoc { return d })
	if err != nil {
		return store.IncidentPage{}, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	links, err := s.linkedRCAs(ctx, ids...)
	if err != nil {
		return store.IncidentPage{}, err
	}
	out := store.IncidentPage{Items: make([]store.IncidentSummary, 0, len(docs)), Total: int(total)}
	for _, d := range docs {
		sum := store.IncidentSummary{ID: d.ID, Title: d.Title, Impact: domain.Impact(d.Impact), Status: domain.IncidentStatus(d.Status),
			StartedAt: d.StartedAt, ResolvedAt: d.ResolvedAt, Components: []string{}, UpdateCount: d.UpdateCount,
			RCAIDs: links[d.ID], CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
		if sum.RCAIDs == nil {
			sum.RCAIDs = []string{}
		}
		for _, c := range d.Components {
			sum.Components = append(sum.Components, c.ComponentID)
		}
		out.Items = append(out.Items, sum)
	}
	if len(docs) == f.Page.Limit {
		last := docs[len(docs)-1]
		out.Next = store.EncodeCursor(store.Cursor{List: incidentListName, Filter: f.Key(), Time: last.StartedAt, ID: last.ID})
	}
	return out, nil
}

// CreateRCAs stores new RCAs like CreateRCA, many per round trip. Slugs
// are made unique like CreateRCA does; a batch whose insert meets a taken
// slug falls back to one CreateRCA per RCA.
func (s *Store) CreateRCAs(ctx context.Context, rs []domain.RCA, author string) error {
	const batch = 500
	now := s.clock()
	for start := 0; start < len(rs); start += batch {
		part := rs[start:min(start+batch, len(rs))]
		docs := make([]any, 0, len(part))
		revs := make([]any, 0, len(part))
		for i := range part {
			r := &part[i]
			c := cloneRCA(r)
			c.Normalize()
			if err := c.Validate(); err != nil {
				return fmt.Errorf("mongo: create rcas: rca %d: %w", start+i, err)
			}
			if c.ID == "" {
				c.ID = domain.NewID()
			}
			if c.CreatedBy == "" {
				c.CreatedBy = author
			}
			c.Version = 1
			stamp(&c.CreatedAt, &c.UpdatedAt, now)
			d := toRCADoc(&c)
			if err := checkSize(&d); err != nil {
				return err
			}
			*r = d.domain()
			docs = append(docs, d)
			revs = append(revs, newRevision(&d, author, "created"))
		}
		if _, err := s.c(colRCAs).InsertMany(ctx, docs, options.InsertMany().SetOrdered(true)); err != nil {
			if !isDuplicate(err) {
				return wrap("create rcas", err)
			}
			// Some slug (or id) was taken: the ones before it are stored;
			// store the rest one by one, with CreateRCA's slug rule.
			for i := range part {
				if ok, err := exists(ctx, s.c(colRCAs), part[i].ID); err != nil {
					return wrap("create rcas", err)
				} else if ok {
					if err := s.putRevision(ctx, ptrDoc(toRCADoc(&part[i])), author, "created"); err != nil {
						return err
					}
					continue
				}
				if err := s.CreateRCA(ctx, &part[i], author); err != nil {
					return err
				}
			}
			continue
		}
		if _, err := s.c(colRevisions).InsertMany(ctx, revs); err != nil {
			return wrap("create rca revisions", err)
		}
	}
	return nil
}

func ptrDoc(d rcaDoc) *rcaDoc { return &d }

// CreateIncidents stores new incidents like CreateIncident, many per round
// trip.
func (s *Store) CreateIncidents(ctx context.Context, list []domain.Incident) error {
	const batch = 500
	now := s.clock()
	for start := 0; start < len(list); start += batch {
		part := list[start:min(start+batch, len(list))]
		docs := make([]any, 0, len(part))
		for i := range part {
			n := cloneIncident(&part[i])
			n.Normalize()
			if err := n.Validate(); err != nil {
				return fmt.Errorf("mongo: create incidents: incident %d: %w", start+i, err)
			}
			if n.ID == "" {
				n.ID = domain.NewID()
			}
			n.Version = 1
			stamp(&n.CreatedAt, &n.UpdatedAt, now)
			d := toIncidentDoc(&n)
			if err := checkDocSize("incident", d.ID, d); err != nil {
				return err
			}
			part[i] = d.domain()
			docs = append(docs, d)
		}
		if _, err := s.c(colIncidents).InsertMany(ctx, docs); err != nil {
			return wrap("create incidents", err)
		}
	}
	return nil
}
