package storetest

// Contract tests of lists at scale (area "scalesql"): summaries, every
// filter through ListRCASummaries and ListIncidentSummaries, search by
// audience with snippets, keyset cursors (also under concurrent inserts),
// tampered cursors and bulk creates.

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func summaryID(r store.RCASummary) string              { return r.ID }
func incidentSummaryID(r store.IncidentSummary) string { return r.ID }

func testRCASummaryFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	day := 24 * time.Hour
	mk := func(title string, state domain.RCAState, services, tags []string, date *time.Time, created time.Time, summary string, incidents ...string) domain.RCA {
		r := newRCA(t, title, incidents...)
		r.State = state
		r.AffectedServices, r.Tags = services, tags
		if date != nil { // a calendar day (metrics area)
			r.IncidentDate = ptr(domain.DateOf(date.UTC()))
		}
		r.CreatedAt, r.UpdatedAt = created, created
		r.Section("summary").Body = summary
		r.ActionItems = []domain.ActionItem{
			{Title: "Add an alert", State: domain.ActionOpen, Due: ptr(domain.DateOf(at(-10 * day))), Visibility: domain.External},
			{Title: "Rotate the key", State: domain.ActionOpen, Due: ptr(domain.DateOf(at(-9 * day))), Visibility: domain.Internal},
			{Title: "Done one", State: domain.ActionDone, Due: ptr(domain.DateOf(at(-9 * day))), Visibility: domain.External},
		}
		must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA "+title)
		return r
	}
	a := mk("Database failover", domain.StateDraft, []string{"Database"}, []string{"db", "failover"}, ptr(at(0)), at(1*time.Minute), "The primary failed over to the replica.", "inc-1")
	b := mk("CDN latency", domain.StateInReview, []string{"CDN", "Website"}, []string{"network"}, ptr(at(2*day)), at(2*time.Minute), "Latency rose in Frankfurt.", "inc-2")
	c := mk("Login errors", domain.StatePublished, []string{"Auth", "Database"}, []string{"db"}, nil, at(4*day), "Sessions were lost: a 100% failure rate.", "inc-1", "inc-3")
	d := mk("Webhook delays", domain.StateApproved, []string{"Webhooks"}, nil, ptr(at(6*day)), at(6*time.Minute), "Zeitüberschreitung beim Zustellen 🚨.")
	e := mk("Archived one", domain.StateArchived, nil, []string{"old"}, ptr(at(-30*day)), at(7*time.Minute), "")

	cases := []struct {
		name  string
		f     store.RCAFilter
		want  []string
		total int
	}{
		{"all, most recently updated first", store.RCAFilter{}, []string{c.ID, e.ID, d.ID, b.ID, a.ID}, 5},
		{"one state", store.RCAFilter{States: []domain.RCAState{domain.StateDraft}}, []string{a.ID}, 1},
		{"several states", store.RCAFilter{States: []domain.RCAState{domain.StatePublished, domain.StateApproved, domain.StateInReview}}, []string{c.ID, d.ID, b.ID}, 3},
		{"service", store.RCAFilter{Service: "Database"}, []string{c.ID, a.ID}, 2},
		{"service is exact", store.RCAFilter{Service: "Data"}, nil, 0},
		{"tag", store.RCAFilter{Tag: "db"}, []string{c.ID, a.ID}, 2},
		{"service and tag", store.RCAFilter{Service: "Database", Tag: "failover"}, []string{a.ID}, 1},
		{"incident", store.RCAFilter{IncidentID: "inc-1"}, []string{c.ID, a.ID}, 2},
		// Incident dates are calendar days, compared from their start in UTC.
		{"since", store.RCAFilter{Since: ptr(domain.DateOf(at(2 * day)).In(time.UTC))}, []string{c.ID, d.ID, b.ID}, 3},
		{"until", store.RCAFilter{Until: ptr(domain.DateOf(at(2 * day)).In(time.UTC))}, []string{e.ID, a.ID}, 2},
		{"query word", store.RCAFilter{Query: "frankfurt"}, []string{b.ID}, 1},
		{"query whole words", store.RCAFilter{Query: "cdn latency"}, []string{b.ID}, 1},
		{"query is no prefix", store.RCAFilter{Query: "cdn late"}, nil, 0},
		{"query words in a row", store.RCAFilter{Query: "failed over"}, []string{a.ID}, 1},
		{"query words not in a row", store.RCAFilter{Query: "primary replica"}, nil, 0},
		{"query in a service", store.RCAFilter{Query: "webhooks"}, []string{d.ID}, 1},
		{"query in an action item", store.RCAFilter{Query: "rotate the key", Sort: store.SortRecent}, []string{c.ID, e.ID, d.ID, b.ID, a.ID}, 5},
		{"query symbols only", store.RCAFilter{Query: "🚨"}, []string{d.ID}, 1},
		{"query with search syntax is text", store.RCAFilter{Query: `"replica" OR NEAR(x) *`}, nil, 0},
		{"query and filters", store.RCAFilter{Query: "sessions", Tag: "db", Service: "Auth", States: []domain.RCAState{domain.StatePublished}}, []string{c.ID}, 1},
		{"offset page", store.RCAFilter{Page: store.Page{Limit: 2, Offset: 2}}, []string{d.ID, b.ID}, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListRCASummaries(ctx, tc.f)
			must(t, err, "ListRCASummaries")
			wantIDs(t, "ListRCASummaries", got.Items, summaryID, tc.want...)
			if got.Total != tc.total {
				t.Fatalf("total %d, want %d", got.Total, tc.total)
			}
		})
	}

	// A summary carries the list's facts, not the text.
	got, err := s.ListRCASummaries(ctx, store.RCAFilter{IncidentID: "inc-3"})
	must(t, err, "ListRCASummaries")
	wantIDs(t, "summary of c", got.Items, summaryID, c.ID)
	sum := got.Items[0]
	if sum.Title != c.Title || sum.Slug != c.Slug || sum.State != c.State || sum.Version != 1 ||
		strings.Join(sum.AffectedServices, ",") != "Auth,Database" || strings.Join(sum.Tags, ",") != "db" ||
		strings.Join(sum.IncidentIDs, ",") != "inc-1,inc-3" || sum.Snippet != "" {
		t.Fatalf("summary: %+v", sum)
	}
	if n := sum.Overdue(at(0), nil); n != 2 {
		t.Fatalf("internal summary: %d overdue action items, want 2 (the done one does not count)", n)
	}
	got, err = s.ListRCASummaries(ctx, store.RCAFilter{IncidentID: "inc-3", Audience: domain.External})
	must(t, err, "ListRCASummaries external")
	if n := got.Items[0].Overdue(at(0), nil); n != 1 {
		t.Fatalf("external summary: %d overdue action items, want 1 (the internal one is not shown)", n)
	}

	// A write moves the RCA to the front and the search follows the text.
	_, err = s.SaveSection(ctx, b.ID, "summary", domain.SectionEdit{Body: "Rewritten: quorum lost.", BaseRevision: 1}, "u")
	must(t, err, "SaveSection")
	got, _ = s.ListRCASummaries(ctx, store.RCAFilter{Page: store.Page{Limit: 1}})
	wantIDs(t, "after a save", got.Items, summaryID, b.ID)
	got, _ = s.ListRCASummaries(ctx, store.RCAFilter{Query: "frankfurt"})
	wantIDs(t, "old text", got.Items, summaryID)
	got, _ = s.ListRCASummaries(ctx, store.RCAFilter{Query: "quorum"})
	wantIDs(t, "new text", got.Items, summaryID, b.ID)
	got, _ = s.ListRCASummaries(ctx, store.RCAFilter{Service: "CDN"})
	wantIDs(t, "service after a save", got.Items, summaryID, b.ID)

	// A deleted RCA leaves every list and the search.
	must(t, s.DeleteRCA(ctx, b.ID), "DeleteRCA")
	for _, f := range []store.RCAFilter{{}, {Service: "CDN"}, {Tag: "network"}, {Query: "quorum"}} {
		got, err := s.ListRCASummaries(ctx, f)
		must(t, err, "ListRCASummaries after delete")
		for _, it := range got.Items {
			if it.ID == b.ID {
				t.Fatalf("deleted RCA still listed by %+v", f)
			}
		}
	}
}

// testRCASearchAudience: an external search neither matches nor shows
// internal text; an internal one finds every kind of text, translations too.
func testRCASearchAudience(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	r := newRCA(t, "Payment outage")
	r.Section("summary").Body = "Card payments failed in Frankfurt for forty minutes."
	r.Section("summary").Translations = map[string]domain.SectionTranslation{"de": {Title: "Zusammenfassung", Body: "Kartenzahlungen schlugen fehl."}}
	root := r.Section("root_cause")
	root.Body = "The hsm-vendor certificate expired; see vault path secretpath."
	root.Visibility = domain.Internal
	r.Timeline = []domain.TimelineEntry{
		{At: base, Kind: domain.KindDetected, Text: "Pagerduty paged the oncall.", Visibility: domain.Internal},
		{At: base.Add(time.Minute), Kind: domain.KindResolved, Text: "Payments recovered.", Visibility: domain.External, Translations: map[string]string{"fr": "Paiements rétablis."}},
	}
	r.ActionItems = []domain.ActionItem{{Title: "Renew certificates automatically", State: domain.ActionOpen, Visibility: domain.Internal}}
	must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA")
	other := createRCA(t, s, "Unrelated")

	find := func(q string, aud domain.Visibility) store.RCAPage {
		t.Helper()
		p, err := s.ListRCASummaries(ctx, store.RCAFilter{Query: q, Audience: aud})
		must(t, err, "ListRCASummaries "+q)
		return p
	}
	for _, q := range []string{"secretpath", "pagerduty", "renew certificates", "hsm vendor"} {
		if p := find(q, domain.External); len(p.Items) != 0 || p.Total != 0 {
			t.Errorf("external search %q matched internal text: %+v", q, p.Items)
		}
		p := find(q, domain.Internal)
		wantIDs(t, "internal search "+q, p.Items, summaryID, r.ID)
		if !strings.Contains(p.Items[0].Snippet, store.SnippetOpen) {
			t.Errorf("internal search %q: no highlight in %q", q, p.Items[0].Snippet)
		}
		if p := find(q, ""); len(p.Items) != 1 {
			t.Errorf("search %q with no audience (internal): %d found", q, len(p.Items))
		}
	}
	for _, q := range []string{"frankfurt", "kartenzahlungen", "paiements", "payment outage", "recovered"} {
		p := find(q, domain.External)
		wantIDs(t, "external search "+q, p.Items, summaryID, r.ID)
		snip := p.Items[0].Snippet
		if !strings.Contains(snip, store.SnippetOpen) || !strings.Contains(snip, store.SnippetClose) {
			t.Errorf("external search %q: no highlight in %q", q, snip)
		}
		for _, secret := range []string{"secretpath", "Pagerduty", "Renew", "hsm"} {
			if strings.Contains(snip, secret) {
				t.Errorf("external snippet of %q shows internal text %q: %q", q, secret, snip)
			}
		}
	}
	// The highlight marks the match.
	p := find("frankfurt", domain.External)
	if !strings.Contains(p.Items[0].Snippet, store.SnippetOpen+"Frankfurt"+store.SnippetClose) {
		t.Errorf("snippet %q does not mark Frankfurt", p.Items[0].Snippet)
	}
	if p := find("unrelated", domain.External); len(p.Items) != 1 || p.Items[0].ID != other.ID {
		t.Errorf("title search: %+v", p.Items)
	}
	// A section made external becomes searchable externally.
	r.Section("root_cause").Visibility = domain.External
	must(t, s.UpdateRCA(ctx, &r, "u", "visibility"), "UpdateRCA")
	wantIDs(t, "after making it external", find("secretpath", domain.External).Items, summaryID, r.ID)
}

// pageAll walks a list with cursors and returns the ids in order.
func pageAll(t *testing.T, next func(cursor string) ([]string, string), between func()) []string {
	t.Helper()
	var all []string
	cursor := ""
	for i := 0; ; i++ {
		if i > 1000 {
			t.Fatal("cursor paging does not end")
		}
		ids, nc := next(cursor)
		all = append(all, ids...)
		if nc == "" {
			return all
		}
		cursor = nc
		if between != nil {
			between()
		}
	}
}

func testListCursors(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	var want []string
	for i := range 11 {
		r := newRCA(t, fmt.Sprintf("Outage number %02d", i))
		r.Tags = []string{"paged"}
		// Three share an instant, so the id breaks the tie.
		r.CreatedAt = at(time.Duration(min(i, 8)) * time.Minute)
		r.UpdatedAt = r.CreatedAt
		must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA")
		want = append(want, r.ID)
	}
	full, err := s.ListRCASummaries(ctx, store.RCAFilter{Page: store.Page{Limit: 500}})
	must(t, err, "ListRCASummaries")
	if full.Next != "" {
		t.Fatalf("a page with room to spare has a next cursor")
	}
	order := make([]string, len(full.Items))
	for i, it := range full.Items {
		order[i] = it.ID
	}
	for _, f := range []store.RCAFilter{{}, {Tag: "paged"}, {Query: "outage"}, {Query: "outage", Sort: store.SortRelevance}} {
		f.Page.Limit = 3
		got := pageAll(t, func(c string) ([]string, string) {
			f.Cursor = c
			p, err := s.ListRCASummaries(ctx, f)
			must(t, err, "ListRCASummaries page")
			if p.Total != 11 {
				t.Fatalf("total %d on a cursor page, want 11", p.Total)
			}
			ids := make([]string, len(p.Items))
			for i, it := range p.Items {
				ids[i] = it.ID
			}
			return ids, p.Next
		}, nil)
		// (A search by recency may break ties of one instant its own way.)
		if f.Query == "" && strings.Join(got, ",") != strings.Join(order, ",") {
			t.Fatalf("filter %+v: cursor pages %v, want %v", f, got, order)
		}
		if strings.Join(sorted(got), ",") != strings.Join(sorted(want), ",") {
			t.Fatalf("filter %+v: cursor pages %v hold other records than %v", f, got, want)
		}
	}

	// Inserts while paging neither repeat nor skip a record. (A bounded
	// number: the in-process MongoDB peer serializes every write.)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 15 {
			select {
			case <-stop:
				return
			default:
			}
			r := newRCA(t, fmt.Sprintf("Outage inserted %d", i))
			r.Tags = []string{"paged"}
			r.CreatedAt, r.UpdatedAt = time.Time{}, time.Time{} // the store's clock: newer than all
			if err := s.CreateRCA(ctx, &r, "u"); err != nil {
				t.Errorf("concurrent CreateRCA: %v", err)
				return
			}
		}
	}()
	for _, f := range []store.RCAFilter{{Tag: "paged"}, {}} {
		f.Page.Limit = 2
		got := pageAll(t, func(c string) ([]string, string) {
			f.Cursor = c
			p, err := s.ListRCASummaries(ctx, f)
			must(t, err, "ListRCASummaries under inserts")
			ids := make([]string, len(p.Items))
			for i, it := range p.Items {
				ids[i] = it.ID
			}
			return ids, p.Next
		}, func() {
			r := newRCA(t, "Outage inserted between pages")
			r.Tags = []string{"paged"}
			must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA between pages")
		})
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Fatalf("filter %+v: %s listed twice under inserts", f, id)
			}
			seen[id] = true
		}
		for _, id := range want {
			if !seen[id] {
				t.Fatalf("filter %+v: %s skipped under inserts", f, id)
			}
		}
	}
	close(stop)
	wg.Wait()

	// Incidents page the same way.
	var incs []string
	for i := range 7 {
		in := createIncident(t, s, fmt.Sprintf("Incident %d", i), at(time.Duration(min(i, 4))*time.Hour))
		incs = append(incs, in.ID)
	}
	got := pageAll(t, func(c string) ([]string, string) {
		p, err := s.ListIncidentSummaries(ctx, store.IncidentFilter{Cursor: c, Page: store.Page{Limit: 2}})
		must(t, err, "ListIncidentSummaries")
		ids := make([]string, len(p.Items))
		for i, it := range p.Items {
			ids[i] = it.ID
		}
		return ids, p.Next
	}, func() { createIncident(t, s, "Incident later", at(time.Hour*24*365)) })
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for _, id := range incs {
		if seen[id] != 1 {
			t.Fatalf("incident %s listed %d times over cursor pages", id, seen[id])
		}
	}
}

func testBadCursors(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	for i := range 3 {
		createRCA(t, s, fmt.Sprintf("Cursor %d", i))
		createIncident(t, s, fmt.Sprintf("Cursor %d", i), at(time.Duration(i)*time.Hour))
	}
	p, err := s.ListRCASummaries(ctx, store.RCAFilter{Page: store.Page{Limit: 1}})
	must(t, err, "ListRCASummaries")
	ip, err := s.ListIncidentSummaries(ctx, store.IncidentFilter{Page: store.Page{Limit: 1}})
	must(t, err, "ListIncidentSummaries")
	if p.Next == "" || ip.Next == "" {
		t.Fatal("no next cursor on a full first page")
	}
	flip := func(c string, i int) string {
		b := []byte(c)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	bad := map[string]store.RCAFilter{
		"garbage":            {Cursor: "not a cursor"},
		"changed body":       {Cursor: flip(p.Next, 3)},
		"changed signature":  {Cursor: flip(p.Next, len(p.Next)-2)},
		"another filter":     {Cursor: p.Next, Tag: "x"},
		"another sort":       {Cursor: p.Next, Query: "cursor"},
		"another audience":   {Cursor: p.Next, Audience: domain.External},
		"an incident cursor": {Cursor: ip.Next},
		"empty signature":    {Cursor: strings.Split(p.Next, ".")[0] + "."},
	}
	for name, f := range bad {
		if _, err := s.ListRCASummaries(ctx, f); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("RCA cursor %s: %v, want ErrBadCursor", name, err)
		}
	}
	for name, f := range map[string]store.IncidentFilter{
		"rca cursor": {Cursor: p.Next}, "changed": {Cursor: flip(ip.Next, 2)}, "other filter": {Cursor: ip.Next, Unresolved: true},
	} {
		if _, err := s.ListIncidentSummaries(ctx, f); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("incident cursor %s: %v, want ErrBadCursor", name, err)
		}
	}
	// The good ones still work.
	if _, err := s.ListRCASummaries(ctx, store.RCAFilter{Cursor: p.Next, Page: store.Page{Limit: 1}}); err != nil {
		t.Fatalf("good cursor: %v", err)
	}
}

func testIncidentSummaryFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	day := 24 * time.Hour
	mk := func(title string, status domain.IncidentStatus, start time.Time, resolved bool) domain.Incident {
		in := newIncident(title, start)
		in.Status = status
		if !resolved {
			in.ResolvedAt = nil
			in.Updates = in.Updates[:1]
		}
		must(t, s.CreateIncident(ctx, &in), "CreateIncident")
		return in
	}
	i0 := mk("Database failover", domain.StatusResolved, at(0), true)
	i1 := mk("CDN errors", domain.StatusResolved, at(day), true)
	i2 := mk("Login failing", domain.StatusInvestigating, at(2*day), false)
	i3 := mk("CDN slow", domain.StatusMonitoring, at(3*day), false)
	r := createRCA(t, s, "Explains two", i0.ID, i2.ID)

	cases := []struct {
		name  string
		f     store.IncidentFilter
		want  []string
		total int
	}{
		{"all, newest first", store.IncidentFilter{}, []string{i3.ID, i2.ID, i1.ID, i0.ID}, 4},
		{"status", store.IncidentFilter{Status: domain.StatusInvestigating}, []string{i2.ID}, 1},
		{"unresolved", store.IncidentFilter{Unresolved: true}, []string{i3.ID, i2.ID}, 2},
		{"since", store.IncidentFilter{Since: ptr(at(day))}, []string{i3.ID, i2.ID, i1.ID}, 3},
		{"until", store.IncidentFilter{Until: ptr(at(day))}, []string{i0.ID}, 1},
		{"without rca", store.IncidentFilter{WithoutRCA: true}, []string{i3.ID, i1.ID}, 2},
		{"query", store.IncidentFilter{Query: "cdn"}, []string{i3.ID, i1.ID}, 2},
		{"combined", store.IncidentFilter{Query: "cdn", WithoutRCA: true, Unresolved: true}, []string{i3.ID}, 1},
		{"offset", store.IncidentFilter{Page: store.Page{Limit: 1, Offset: 2}}, []string{i1.ID}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListIncidentSummaries(ctx, tc.f)
			must(t, err, "ListIncidentSummaries")
			wantIDs(t, "ListIncidentSummaries", got.Items, incidentSummaryID, tc.want...)
			if got.Total != tc.total {
				t.Fatalf("total %d, want %d", got.Total, tc.total)
			}
		})
	}
	got, err := s.ListIncidentSummaries(ctx, store.IncidentFilter{Query: "database"})
	must(t, err, "ListIncidentSummaries")
	sum := got.Items[0]
	if sum.Title != i0.Title || sum.UpdateCount != 2 || strings.Join(sum.RCAIDs, ",") != r.ID ||
		strings.Join(sum.Components, ",") != "c-api" || sum.Status != domain.StatusResolved || sum.ResolvedAt == nil {
		t.Fatalf("incident summary: %+v", sum)
	}
	// Unlinking frees the incident again.
	must(t, s.DeleteRCA(ctx, r.ID), "DeleteRCA")
	got, _ = s.ListIncidentSummaries(ctx, store.IncidentFilter{WithoutRCA: true})
	wantIDs(t, "without rca after delete", got.Items, incidentSummaryID, i3.ID, i2.ID, i1.ID, i0.ID)
}

func testBulkCreates(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	var incs []domain.Incident
	for i := range 3 {
		incs = append(incs, newIncident(fmt.Sprintf("Bulk %d", i), at(time.Duration(i)*time.Hour)))
	}
	must(t, s.CreateIncidents(ctx, incs), "CreateIncidents")
	var rs []domain.RCA
	for range 3 {
		rs = append(rs, newRCA(t, "Same title", incs[0].ID))
	}
	must(t, s.CreateRCAs(ctx, rs, "u-bulk"), "CreateRCAs")
	slugs := map[string]bool{}
	for _, r := range rs {
		got, err := s.GetRCA(ctx, r.ID)
		must(t, err, "GetRCA")
		if got.Version != 1 || got.Slug != r.Slug {
			t.Fatalf("bulk RCA: version %d slug %q (returned %q)", got.Version, got.Slug, r.Slug)
		}
		slugs[got.Slug] = true
		revs, err := s.ListRevisions(ctx, r.ID)
		must(t, err, "ListRevisions")
		if len(revs) != 1 || revs[0].Note != "created" {
			t.Fatalf("bulk RCA revisions: %+v", revs)
		}
	}
	if len(slugs) != 3 {
		t.Fatalf("bulk slugs not unique: %v", slugs)
	}
	in, err := s.GetIncident(ctx, incs[0].ID)
	must(t, err, "GetIncident")
	if len(in.RCAIDs) != 3 || in.Version != 1 || len(in.Updates) != 2 {
		t.Fatalf("bulk incident: %+v", in)
	}
	got, err := s.ListRCASummaries(ctx, store.RCAFilter{Query: "same title"})
	must(t, err, "ListRCASummaries")
	if got.Total != 3 {
		t.Fatalf("bulk RCAs not searchable: %d", got.Total)
	}
	// A bad record is refused with a validation error.
	bad := []domain.RCA{newRCA(t, "")}
	var ve *domain.ValidationError
	if err := s.CreateRCAs(ctx, bad, "u"); !errors.As(err, &ve) {
		t.Fatalf("CreateRCAs with an invalid RCA: %v", err)
	}
}

// testManyIncidentUpdates: an incident with 10,000 updates is stored, read,
// updated and listed (as a summary, without its updates); one more is a
// validation error that stores nothing.
func testManyIncidentUpdates(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	in := newIncident("Long incident", base)
	in.Updates = nil
	for i := range domain.MaxIncidentUpdates - 1 {
		in.Updates = append(in.Updates, domain.IncidentUpdate{Status: domain.UpdateProgress,
			Body: fmt.Sprintf("Update %d: still working on the replication backlog.", i), At: base.Add(time.Duration(i) * time.Minute)})
	}
	must(t, s.CreateIncident(ctx, &in), "CreateIncident with many updates")
	got, err := s.GetIncident(ctx, in.ID)
	must(t, err, "GetIncident")
	if len(got.Updates) != domain.MaxIncidentUpdates-1 || got.Updates[1234].Body != in.Updates[1234].Body {
		t.Fatalf("read back %d updates", len(got.Updates))
	}
	got.AddUpdate(domain.IncidentUpdate{Status: domain.UpdateResolved, Body: "Resolved.", At: base.Add(200 * 24 * time.Hour)})
	must(t, s.UpdateIncident(ctx, &got), "UpdateIncident to 10,000 updates")
	page, err := s.ListIncidentSummaries(ctx, store.IncidentFilter{})
	must(t, err, "ListIncidentSummaries")
	if len(page.Items) != 1 || page.Items[0].UpdateCount != domain.MaxIncidentUpdates {
		t.Fatalf("summary: %+v", page.Items)
	}
	more := got
	more.AddUpdate(domain.IncidentUpdate{Status: domain.UpdateProgress, Body: "One too many.", At: base.Add(201 * 24 * time.Hour)})
	var ve *domain.ValidationError
	if err := s.UpdateIncident(ctx, &more); !errors.As(err, &ve) {
		t.Fatalf("UpdateIncident past the limit: %v", err)
	}
	again, err := s.GetIncident(ctx, in.ID)
	must(t, err, "GetIncident")
	if len(again.Updates) != domain.MaxIncidentUpdates || again.Version != got.Version {
		t.Fatalf("a refused update changed the incident: %d updates, version %d", len(again.Updates), again.Version)
	}
}
