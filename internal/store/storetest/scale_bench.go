package storetest

// Scale benchmark (area "scalesql"): the list queries of the API and the
// dashboard against a store seeded once with `hindsight demo --rcas N`.

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// ScaleQuery is one list a benchmark times.
type ScaleQuery struct {
	Name string
	Run  func(ctx context.Context, s store.Store) (int, error) // returns the total
}

// ScaleQueries are the searches, every filter and a page 5,000 deep, as
// the dashboard asks them (25 a page). They fit data made by demo.SeedBulk.
func ScaleQueries(ctx context.Context, s store.Store) ([]ScaleQuery, error) {
	rcas := func(f store.RCAFilter) func(ctx context.Context, s store.Store) (int, error) {
		if f.Page.Limit == 0 {
			f.Page.Limit = 25
		}
		return func(ctx context.Context, s store.Store) (int, error) {
			p, err := s.ListRCASummaries(ctx, f)
			return p.Total, err
		}
	}
	incidents := func(f store.IncidentFilter) func(ctx context.Context, s store.Store) (int, error) {
		f.Page.Limit = 25
		return func(ctx context.Context, s store.Store) (int, error) {
			p, err := s.ListIncidentSummaries(ctx, f)
			return p.Total, err
		}
	}
	// A cursor 5,000 deep, walked to once.
	f := store.RCAFilter{Page: store.Page{Limit: 500}}
	for range 10 {
		p, err := s.ListRCASummaries(ctx, f)
		if err != nil {
			return nil, err
		}
		f.Cursor = p.Next
	}
	deep := f.Cursor
	one, err := s.ListRCASummaries(ctx, store.RCAFilter{Page: store.Page{Limit: 1}})
	if err != nil || len(one.Items) == 0 || len(one.Items[0].IncidentIDs) == 0 {
		return nil, err
	}
	newest := one.Items[0].UpdatedAt
	since, until := newest.AddDate(0, -3, 0), newest.AddDate(0, -2, 0)
	return []ScaleQuery{
		{"rcas/all", rcas(store.RCAFilter{})},
		{"rcas/search-word", rcas(store.RCAFilter{Query: "certificate"})},
		{"rcas/search-phrase", rcas(store.RCAFilter{Query: "replica that was several"})},
		{"rcas/search-external", rcas(store.RCAFilter{Query: "load balancer", Audience: domain.External})},
		{"rcas/search-relevance", rcas(store.RCAFilter{Query: "rate limited", Sort: store.SortRelevance})},
		{"rcas/search-cursor-page-2", searchPage2(ctx, s)},
		{"rcas/search-and-service", rcas(store.RCAFilter{Query: "timeouts", Service: "Payments"})},
		{"rcas/state", rcas(store.RCAFilter{States: []domain.RCAState{domain.StateDraft}})},
		{"rcas/states", rcas(store.RCAFilter{States: []domain.RCAState{domain.StateInReview, domain.StateApproved}})},
		{"rcas/service", rcas(store.RCAFilter{Service: "Payments"})},
		{"rcas/tag", rcas(store.RCAFilter{Tag: "dns"})},
		{"rcas/service-and-tag", rcas(store.RCAFilter{Service: "Search", Tag: "cache"})},
		{"rcas/incident", rcas(store.RCAFilter{IncidentID: one.Items[0].IncidentIDs[0]})},
		{"rcas/dates", rcas(store.RCAFilter{Since: &since, Until: &until})},
		{"rcas/offset-5000", rcas(store.RCAFilter{Page: store.Page{Limit: 25, Offset: 5000}})},
		{"rcas/cursor-5000", rcas(store.RCAFilter{Cursor: deep, Page: store.Page{Limit: 500}})},
		{"incidents/all", incidents(store.IncidentFilter{})},
		{"incidents/status", incidents(store.IncidentFilter{Status: domain.StatusResolved})},
		{"incidents/unresolved", incidents(store.IncidentFilter{Unresolved: true})},
		{"incidents/without-rca", incidents(store.IncidentFilter{WithoutRCA: true})},
		{"incidents/dates", incidents(store.IncidentFilter{Since: &since, Until: &until})},
		{"incidents/title", incidents(store.IncidentFilter{Query: "payments partial"})},
		{"incidents/offset-5000", incidents(store.IncidentFilter{Page: store.Page{Offset: 5000}})},
	}, nil
}

// searchPage2 times the second page of a search, through its cursor.
func searchPage2(ctx context.Context, s store.Store) func(ctx context.Context, s store.Store) (int, error) {
	f := store.RCAFilter{Query: "certificate", Page: store.Page{Limit: 25}}
	p, err := s.ListRCASummaries(ctx, f)
	f.Cursor = p.Next
	return func(ctx context.Context, s store.Store) (int, error) {
		if err != nil {
			return 0, err
		}
		p, err := s.ListRCASummaries(ctx, f)
		return p.Total, err
	}
}

// BenchScale times every ScaleQuery on s and reports the median and the
// 99th percentile of a call as ms/median and ms/p99.
func BenchScale(b *testing.B, s store.Store) {
	ctx := b.Context()
	qs, err := ScaleQueries(ctx, s)
	if err != nil || len(qs) == 0 {
		b.Fatalf("prepare the queries (is the store seeded with hindsight demo?): %v", err)
	}
	for _, q := range qs {
		b.Run(q.Name, func(b *testing.B) {
			var took []time.Duration
			total := 0
			for b.Loop() {
				start := time.Now()
				n, err := q.Run(ctx, s)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				total = n
			}
			slices.Sort(took)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(took[len(took)/2]), "ms/median")
			b.ReportMetric(ms(took[min(len(took)-1, len(took)*99/100)]), "ms/p99")
			b.ReportMetric(float64(total), "matches")
		})
	}
}
