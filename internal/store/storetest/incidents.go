package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func testIncidents(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	in := newIncident("Templates API Partial Service Disruption", at(0))
	in.Source = &domain.Source{System: "statuspage", ID: "sp-1", PageID: "page-9", URL: "https://status.example.com/incidents/sp-1", RawImpact: "maintenance", UpdatedAt: ptr(at(time.Hour))}
	in.RCAIDs = []string{"forged"} // never written through an incident
	in.Version = 9
	before := time.Now()
	must(t, s.CreateIncident(ctx, &in), "CreateIncident")
	after := time.Now()
	if in.ID == "" || in.Version != 1 {
		t.Fatalf("CreateIncident: id %q version %d", in.ID, in.Version)
	}
	within(t, "CreatedAt", in.CreatedAt, before, after)
	if len(in.RCAIDs) != 0 {
		// The caller's RCAIDs are ignored; what the pointer holds afterwards
		// is not part of the contract, but the stored record must not keep them.
		in.RCAIDs = nil
	}

	got, err := s.GetIncident(ctx, in.ID)
	must(t, err, "GetIncident")
	if len(got.RCAIDs) != 0 {
		t.Fatalf("GetIncident: RCAIDs %v written through the incident", got.RCAIDs)
	}
	wantEqual(t, "GetIncident", got, in)
	wantUTC(t, "StartedAt", got.StartedAt)
	wantUTC(t, "ResolvedAt", *got.ResolvedAt)

	bySrc, err := s.GetIncidentBySource(ctx, "statuspage", "sp-1")
	must(t, err, "GetIncidentBySource")
	if bySrc.ID != in.ID {
		t.Fatalf("GetIncidentBySource: id %q, want %q", bySrc.ID, in.ID)
	}
	_, err = s.GetIncidentBySource(ctx, "statuspage", "sp-2")
	wantErr(t, err, store.ErrNotFound, "GetIncidentBySource unknown id")
	_, err = s.GetIncidentBySource(ctx, "other", "sp-1")
	wantErr(t, err, store.ErrNotFound, "GetIncidentBySource other system")

	// Same source again is a duplicate; the same source id from another system is not.
	dup := newIncident("Again", at(time.Hour))
	dup.Source = &domain.Source{System: "statuspage", ID: "sp-1"}
	wantErr(t, s.CreateIncident(ctx, &dup), store.ErrDuplicate, "CreateIncident with a taken source")
	other := newIncident("Other system", at(2*time.Hour))
	other.Source = &domain.Source{System: "instatus", ID: "sp-1"}
	must(t, s.CreateIncident(ctx, &other), "CreateIncident same source id, other system")
	// Several incidents without a source are fine, and an empty Source is no source.
	plain1 := createIncident(t, s, "Manual one", at(3*time.Hour))
	createIncident(t, s, "Manual two", at(4*time.Hour))
	for i := range 2 {
		e := newIncident("Empty source", at(5*time.Hour))
		e.Source = &domain.Source{}
		must(t, s.CreateIncident(ctx, &e), fmt.Sprintf("CreateIncident with an empty Source #%d", i+1))
	}

	// Update.
	stale := got
	got.Title = "Templates API outage"
	got.AddUpdate(domain.IncidentUpdate{Status: domain.UpdateProgress, Body: "Post-incident note.", At: at(2 * time.Hour)})
	got.CreatedAt = at(-1000 * time.Hour)
	must(t, s.UpdateIncident(ctx, &got), "UpdateIncident")
	if got.Version != 2 {
		t.Fatalf("UpdateIncident: version %d, want 2", got.Version)
	}
	again, err := s.GetIncident(ctx, in.ID)
	must(t, err, "GetIncident after update")
	if again.Title != "Templates API outage" || len(again.Updates) != 3 || again.Version != 2 {
		t.Fatalf("GetIncident after update: title %q, %d updates, version %d", again.Title, len(again.Updates), again.Version)
	}
	sameInstant(t, "CreatedAt after update", again.CreatedAt, in.CreatedAt)
	// RCAIDs sent with an update are ignored too.
	forged := again
	forged.RCAIDs = []string{"forged"}
	must(t, s.UpdateIncident(ctx, &forged), "UpdateIncident with RCAIDs")
	again, _ = s.GetIncident(ctx, in.ID)
	if len(again.RCAIDs) != 0 || again.Version != 3 {
		t.Fatalf("UpdateIncident stored RCAIDs %v (version %d)", again.RCAIDs, again.Version)
	}
	stale.Title = "lost"
	wantErr(t, s.UpdateIncident(ctx, &stale), store.ErrConflict, "UpdateIncident stale")
	again, _ = s.GetIncident(ctx, in.ID)
	if again.Title != "Templates API outage" {
		t.Fatalf("a stale UpdateIncident changed the incident: %q", again.Title)
	}

	// Moving an incident onto a source another incident has is a duplicate.
	p, err := s.GetIncident(ctx, plain1.ID)
	must(t, err, "GetIncident plain")
	p.Source = &domain.Source{System: "statuspage", ID: "sp-1"}
	wantErr(t, s.UpdateIncident(ctx, &p), store.ErrDuplicate, "UpdateIncident onto a taken source")

	// Dropping the source frees it for another incident.
	p, _ = s.GetIncident(ctx, other.ID)
	p.Source = nil
	must(t, s.UpdateIncident(ctx, &p), "UpdateIncident dropping the source")
	_, err = s.GetIncidentBySource(ctx, "instatus", "sp-1")
	wantErr(t, err, store.ErrNotFound, "GetIncidentBySource after the source was dropped")
	taker := newIncident("Takes the freed source", at(6*time.Hour))
	taker.Source = &domain.Source{System: "instatus", ID: "sp-1"}
	must(t, s.CreateIncident(ctx, &taker), "CreateIncident with a freed source")
	bySrc, err = s.GetIncidentBySource(ctx, "instatus", "sp-1")
	must(t, err, "GetIncidentBySource freed source")
	if bySrc.ID != taker.ID {
		t.Fatalf("freed source points at %q, want %q", bySrc.ID, taker.ID)
	}

	unknown := newIncident("ghost", at(0))
	unknown.ID = "nope"
	unknown.Version = 1
	wantErr(t, s.UpdateIncident(ctx, &unknown), store.ErrNotFound, "UpdateIncident unknown")
	_, err = s.GetIncident(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetIncident unknown")

	must(t, s.DeleteIncident(ctx, in.ID), "DeleteIncident")
	_, err = s.GetIncident(ctx, in.ID)
	wantErr(t, err, store.ErrNotFound, "GetIncident after delete")
	_, err = s.GetIncidentBySource(ctx, "statuspage", "sp-1")
	wantErr(t, err, store.ErrNotFound, "GetIncidentBySource after delete")
	wantErr(t, s.DeleteIncident(ctx, in.ID), store.ErrNotFound, "DeleteIncident twice")
	// The source is free again.
	re := newIncident("Re-imported", at(0))
	re.Source = &domain.Source{System: "statuspage", ID: "sp-1"}
	must(t, s.CreateIncident(ctx, &re), "CreateIncident after the source's incident was deleted")
}

func testIncidentFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	// Five incidents a day apart; the newest is unresolved.
	var ids []string
	titles := []string{"Database failover", "CDN latency in EU", "Login errors", "cdn cache purge", "Webhook delays"}
	for i, title := range titles {
		in := newIncident(title, at(time.Duration(i)*24*time.Hour))
		if i == 4 {
			in.Status = domain.StatusMonitoring
			in.ResolvedAt = nil
		}
		must(t, s.CreateIncident(ctx, &in), "CreateIncident "+title)
		ids = append(ids, in.ID)
	}
	// The RCA links incidents 0 and 2.
	createRCA(t, s, "Failover RCA", ids[0], ids[2])

	cases := []struct {
		name  string
		f     store.IncidentFilter
		want  []string
		total int
	}{
		{"all, newest first", store.IncidentFilter{}, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, 5},
		{"status", store.IncidentFilter{Status: domain.StatusMonitoring}, []string{ids[4]}, 1},
		{"unresolved", store.IncidentFilter{Unresolved: true}, []string{ids[4]}, 1},
		{"without RCA", store.IncidentFilter{WithoutRCA: true}, []string{ids[4], ids[3], ids[1]}, 3},
		{"since inclusive", store.IncidentFilter{Since: ptr(at(2 * 24 * time.Hour))}, []string{ids[4], ids[3], ids[2]}, 3},
		{"until exclusive", store.IncidentFilter{Until: ptr(at(2 * 24 * time.Hour))}, []string{ids[1], ids[0]}, 2},
		{"since and until", store.IncidentFilter{Since: ptr(at(24 * time.Hour)), Until: ptr(at(3*24*time.Hour + time.Minute))}, []string{ids[3], ids[2], ids[1]}, 3},
		{"query is case-insensitive", store.IncidentFilter{Query: "CDN"}, []string{ids[3], ids[1]}, 2},
		{"query substring", store.IncidentFilter{Query: "fail"}, []string{ids[0]}, 1},
		{"query no match", store.IncidentFilter{Query: "zzz"}, nil, 0},
		{"query with LIKE wildcards is literal", store.IncidentFilter{Query: "%"}, nil, 0},
		{"query with regexp characters is literal", store.IncidentFilter{Query: ".*"}, nil, 0},
		{"page 1", store.IncidentFilter{Page: store.Page{Limit: 2}}, []string{ids[4], ids[3]}, 5},
		{"page 2", store.IncidentFilter{Page: store.Page{Limit: 2, Offset: 2}}, []string{ids[2], ids[1]}, 5},
		{"page past the end", store.IncidentFilter{Page: store.Page{Limit: 2, Offset: 10}}, nil, 5},
		{"filter and page", store.IncidentFilter{WithoutRCA: true, Page: store.Page{Limit: 1, Offset: 1}}, []string{ids[3]}, 3},
		{"combined", store.IncidentFilter{WithoutRCA: true, Query: "cdn", Since: ptr(at(2 * 24 * time.Hour))}, []string{ids[3]}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, total, err := s.ListIncidents(ctx, c.f)
			must(t, err, "ListIncidents")
			wantIDs(t, "ListIncidents", got, incidentID, c.want...)
			if total != c.total {
				t.Fatalf("total %d, want %d", total, c.total)
			}
		})
	}

	// Unresolved means "no resolved_at", whatever the status says: an
	// imported incident may claim "resolved" without an end time.
	odd := newIncident("Imported without an end", at(-24*time.Hour))
	odd.ResolvedAt = nil
	must(t, s.CreateIncident(ctx, &odd), "CreateIncident without resolved_at")
	un, total, err := s.ListIncidents(ctx, store.IncidentFilter{Unresolved: true})
	must(t, err, "ListIncidents unresolved")
	wantIDs(t, "unresolved incidents", un, incidentID, ids[4], odd.ID)
	if total != 2 {
		t.Fatalf("unresolved total %d", total)
	}

	// Listed incidents carry their RCA ids too.
	got, _, err := s.ListIncidents(ctx, store.IncidentFilter{Query: "Database failover"})
	must(t, err, "ListIncidents")
	if len(got) != 1 || len(got[0].RCAIDs) != 1 {
		t.Fatalf("ListIncidents: RCAIDs not filled: %+v", got)
	}
}
