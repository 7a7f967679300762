package storetest

// Action items at scale (area "actions", issue 14): the list across RCAs
// against a store seeded once with `hindsight demo --rcas N` (2-3 items an
// RCA, owners by name, due a month after the incident).

import (
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// BenchActionItems times one page (50) of each list the API and the page
// ask, and reports the median and 99th percentile as ms/median and ms/p99.
func BenchActionItems(b *testing.B, s store.Store) {
	ctx := b.Context()
	today := domain.DateOf(time.Now().UTC())
	open := []domain.ActionState{domain.ActionOpen}
	first, err := s.ListActionItems(ctx, store.ActionItemFilter{})
	if err != nil || len(first.Items) == 0 {
		b.Fatalf("is the store seeded with hindsight demo? %v", err)
	}
	deep := store.ActionItemFilter{Limit: 500}
	for range 10 {
		p, err := s.ListActionItems(ctx, deep)
		if err != nil {
			b.Fatal(err)
		}
		deep.Cursor = p.Next
	}
	deep.Limit = 50
	qs := []struct {
		name string
		f    store.ActionItemFilter
	}{
		{"all-by-due", store.ActionItemFilter{}},
		{"all-by-due-desc", store.ActionItemFilter{Sort: store.SortDueDesc}},
		{"all-by-title", store.ActionItemFilter{Sort: store.SortTitle}},
		{"open", store.ActionItemFilter{States: open}},
		{"overdue", store.ActionItemFilter{OverdueBefore: &today}},
		{"overdue-external", store.ActionItemFilter{OverdueBefore: &today, Audience: domain.External}},
		{"owner-overdue", store.ActionItemFilter{Owner: "Chen", OverdueBefore: &today}},
		{"owner-open-by-title", store.ActionItemFilter{Owner: "Chen", States: open, Sort: store.SortTitle}},
		{"cursor-5000", deep},
	}
	for _, q := range qs {
		b.Run(q.name, func(b *testing.B) {
			var took []time.Duration
			rows := 0
			for b.Loop() {
				start := time.Now()
				p, err := s.ListActionItems(ctx, q.f)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				rows = len(p.Items)
			}
			slices.Sort(took)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(took[len(took)/2]), "ms/median")
			b.ReportMetric(ms(took[min(len(took)-1, len(took)*99/100)]), "ms/p99")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
