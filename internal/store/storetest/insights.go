package storetest

// Area "insights" (issue 14): both stores answer the same insight sums,
// checked against hand-computed figures, and keep them current through
// RCA writes (single, bulk, import) and incident changes.

import (
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// InsightFixture stores the hand-computed insights fixture in s and
// answers its window (August to November 2024, Europe/Berlin, today
// 2024-11-15). Its figures, all services:
//
//	months Aug 0; Sep 3 (3 resolved, TTR 30+60+120 min); Oct 0;
//	       Nov 2 (1 resolved, 60 min): I3 starts 2024-10-31 23:30 UTC, which is November in Berlin
//	factors deploy, config_change, capacity, third_party, monitoring_gap: 1 each
//	        (RCA C names deploy too, but its only occurrence is in July)
//	actions open 4, overdue 2, done 3, done on time 2
//
// RCA A is one recurring problem over three incidents (three occurrences).
// It answers the RCAs by letter and the incidents by number.
func InsightFixture(t testing.TB, s store.Store) (domain.InsightWindow, map[string]domain.RCA, map[string]domain.Incident) {
	t.Helper()
	ctx := ctxOf(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	must(t, err, "load zone")
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	day := func(y int, m time.Month, d int) *domain.Date { v := domain.NewDate(y, m, d); return &v }
	incident := func(title string, start, end time.Time) domain.Incident {
		in := newIncident(title, start)
		in.ResolvedAt = &end
		in.Updates = []domain.IncidentUpdate{{ID: "u1", Status: domain.UpdateResolved, Body: "Fixed.", At: end}}
		in.Components[0].From, in.Components[0].To = &start, &end
		return in
	}
	incs := map[string]domain.Incident{
		"1": incident("Checkout errors", utc(2024, 9, 3, 10, 0), utc(2024, 9, 3, 10, 30)),
		"2": incident("Checkout errors again", utc(2024, 9, 10, 8, 0), utc(2024, 9, 10, 9, 0)),
		"3": incident("Checkout errors a third time", utc(2024, 10, 31, 23, 30), utc(2024, 11, 1, 0, 30)),
		"4": incident("Old outage", utc(2024, 7, 15, 6, 0), utc(2024, 7, 15, 7, 0)),
	}
	list := []domain.Incident{incs["1"], incs["2"], incs["3"], incs["4"]}
	must(t, s.CreateIncidents(ctx, list), "CreateIncidents")
	for i, k := range []string{"1", "2", "3", "4"} {
		incs[k] = list[i]
	}
	item := func(id string, st domain.ActionState, due *domain.Date, done *time.Time) domain.ActionItem {
		return domain.ActionItem{ID: id, Title: "Item " + id, Owner: "sam", Due: due, State: st, DoneAt: done, Visibility: domain.Internal}
	}
	entry := func(id string, kind domain.TimelineKind, at time.Time) domain.TimelineEntry {
		return domain.TimelineEntry{ID: id, At: at, Kind: kind, Text: string(kind), Visibility: domain.External}
	}
	rcas := map[string]domain.RCA{}
	a := newRCA(t, "Checkout keeps failing", incs["1"].ID, incs["2"].ID, incs["3"].ID)
	a.AffectedServices, a.ContributingFactors = []string{"api", "web"}, []string{"deploy", "config_change"}
	a.ActionItems = []domain.ActionItem{
		item("a1", domain.ActionOpen, day(2024, 11, 1), nil),
		item("a2", domain.ActionInProgress, day(2024, 12, 1), nil),
		item("a3", domain.ActionDone, day(2024, 10, 1), ptr(utc(2024, 10, 1, 21, 30))), // 23:30 in Berlin: on time
		item("a4", domain.ActionDone, day(2024, 10, 2), ptr(utc(2024, 10, 2, 22, 30))), // 00:30 the next day in Berlin: late
		item("a5", domain.ActionWontDo, day(2024, 9, 1), nil),
	}
	must(t, s.CreateRCA(ctx, &a, "u-author"), "CreateRCA A")
	rcas["A"] = a

	b := newRCA(t, "Database full")
	b.AffectedServices, b.ContributingFactors = []string{"db"}, []string{"capacity"}
	b.Timeline = []domain.TimelineEntry{
		entry("b1", domain.KindImpactStart, utc(2024, 9, 20, 12, 0)),
		entry("b2", domain.KindDetected, utc(2024, 9, 20, 12, 10)),
		entry("b3", domain.KindResolved, utc(2024, 9, 20, 14, 0)),
	}
	b.ActionItems = []domain.ActionItem{
		item("b1", domain.ActionDone, day(2024, 9, 30), ptr(utc(2024, 9, 25, 9, 0))),
		item("b2", domain.ActionOpen, nil, nil),
	}
	c := newRCA(t, "July outage", incs["4"].ID)
	c.AffectedServices, c.ContributingFactors = []string{"api"}, []string{"deploy"}
	c.ActionItems = []domain.ActionItem{item("c1", domain.ActionOpen, day(2024, 7, 1), nil)}
	bulk := []domain.RCA{b, c}
	must(t, s.CreateRCAs(ctx, bulk, "u-author"), "CreateRCAs B, C")
	rcas["B"], rcas["C"] = bulk[0], bulk[1]

	d := newRCA(t, "Slow partner API")
	d.AffectedServices, d.ContributingFactors = []string{"api"}, []string{"third_party"}
	d.Timeline = []domain.TimelineEntry{entry("d1", domain.KindImpactStart, utc(2024, 11, 5, 10, 0))}
	must(t, s.CreateRCA(ctx, &d, "u-author"), "CreateRCA D")
	rcas["D"] = d

	e := newRCA(t, "Alert never fired")
	e.CreatedAt, e.UpdatedAt = utc(2024, 8, 15, 9, 0), utc(2024, 8, 15, 9, 0)
	e.AffectedServices, e.ContributingFactors = []string{"web"}, []string{"monitoring_gap"}
	e.ActionItems = []domain.ActionItem{item("e1", domain.ActionOpen, day(2024, 8, 20), nil)}
	must(t, s.CreateRCA(ctx, &e, "u-author"), "CreateRCA E")
	rcas["E"] = e

	bounds, _, err := domain.InsightMonths(domain.NewDate(2024, 8, 1), domain.NewDate(2024, 11, 30), berlin)
	must(t, err, "InsightMonths")
	return domain.InsightWindow{Bounds: bounds, Today: domain.NewDate(2024, 11, 15), Loc: berlin}, rcas, incs
}

func month(n, resolved, minutes int) domain.MonthTally {
	return domain.MonthTally{Count: n, Resolved: resolved, TTRSum: time.Duration(minutes) * time.Minute}
}

func testInsights(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	w, rcas, incs := InsightFixture(t, s)
	check := func(what string, w domain.InsightWindow, want domain.InsightTally) {
		t.Helper()
		got, err := s.Insights(ctx, w)
		must(t, err, "Insights "+what)
		wantEqual(t, "insights "+what, got, want)
		// Whatever a store precomputes, it answers what the one model gives
		// for the RCAs and incidents as stored now.
		wantEqual(t, "insights "+what+" (recomputed from the stored RCAs)", got, recompute(t, s, w))
	}
	all := domain.InsightTally{
		Months:  []domain.MonthTally{month(0, 0, 0), month(3, 3, 210), month(0, 0, 0), month(2, 1, 60)},
		Factors: map[string]int{"deploy": 1, "config_change": 1, "capacity": 1, "third_party": 1, "monitoring_gap": 1},
		Actions: domain.ActionTally{Open: 4, Overdue: 2, Done: 3, DoneOnTime: 2},
	}
	check("all services", w, all)

	api := w
	api.Service = "api"
	check("service api", api, domain.InsightTally{
		Months:  []domain.MonthTally{month(0, 0, 0), month(2, 2, 90), month(0, 0, 0), month(2, 1, 60)},
		Factors: map[string]int{"deploy": 1, "config_change": 1, "third_party": 1},
		Actions: domain.ActionTally{Open: 2, Overdue: 1, Done: 2, DoneOnTime: 1},
	})
	none := w
	none.Service = "nothing-here"
	check("unknown service", none, domain.InsightTally{Months: make([]domain.MonthTally, 4), Factors: map[string]int{}})

	// An incident an RCA links changes: its occurrence follows.
	i2 := incs["2"]
	i2.ResolvedAt = ptr(i2.StartedAt.Add(90 * time.Minute))
	must(t, s.UpdateIncident(ctx, &i2), "UpdateIncident 2")
	all.Months[1] = month(3, 3, 240)
	check("after an incident update", w, all)

	// A deleted incident is no occurrence any more.
	must(t, s.DeleteIncident(ctx, incs["1"].ID), "DeleteIncident 1")
	all.Months[1] = month(2, 2, 210)
	check("after an incident delete", w, all)

	// An RCA update (a factor added, an item done) is counted at once.
	b, err := s.GetRCA(ctx, rcas["B"].ID)
	must(t, err, "GetRCA B")
	b.ContributingFactors = append(b.ContributingFactors, "deploy")
	b.ActionItems[1].State, b.ActionItems[1].DoneAt = domain.ActionDone, ptr(time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC))
	must(t, s.UpdateRCA(ctx, &b, "u-author", "factors"), "UpdateRCA B")
	all.Factors["deploy"] = 2
	all.Actions.Open, all.Actions.Done = 3, 4 // done without a due day: done, not "on time"
	check("after an RCA update", w, all)

	// A deleted RCA counts no more.
	must(t, s.DeleteRCA(ctx, rcas["D"].ID), "DeleteRCA D")
	all.Months[3] = month(1, 1, 60)
	delete(all.Factors, "third_party")
	check("after an RCA delete", w, all)

	// An imported RCA (store copy) counts like a created one.
	if imp, ok := s.(store.Importer); ok {
		f := rcas["E"]
		f.ID, f.Slug, f.Title = domain.NewID(), "imported-e", "Imported"
		f.Version = 1
		must(t, imp.ImportRCA(ctx, f, nil), "ImportRCA")
		all.Factors["monitoring_gap"] = 2
		all.Actions.Open, all.Actions.Overdue = 4, 3
		check("after an import", w, all)
	}

	// One month, a window of one day.
	one := w
	one.Bounds, _, err = domain.InsightMonths(domain.NewDate(2024, 9, 20), domain.NewDate(2024, 9, 20), w.Loc)
	must(t, err, "InsightMonths")
	check("one day", one, domain.InsightTally{
		Months:  []domain.MonthTally{month(1, 1, 120)},
		Factors: map[string]int{"capacity": 1, "deploy": 1},
		Actions: domain.ActionTally{Done: 2, DoneOnTime: 1},
	})
}

// recompute sums the window over every stored RCA and the incidents it
// links with the domain's own tally.
func recompute(t testing.TB, s store.Store, w domain.InsightWindow) domain.InsightTally {
	t.Helper()
	ctx := ctxOf(t)
	rs, _, err := s.ListRCAs(ctx, store.RCAFilter{Page: store.Page{Limit: 500}})
	must(t, err, "ListRCAs")
	tally := domain.NewInsightTally(w)
	for _, r := range rs {
		var linked []domain.Incident
		for _, id := range r.IncidentIDs {
			if in, err := s.GetIncident(ctx, id); err == nil {
				linked = append(linked, in)
			}
		}
		tally.Add(w, domain.InsightFactsOf(&r, linked))
	}
	return tally
}

// BenchInsights times Insights on a store seeded with `hindsight demo
// --rcas N` (five years of RCAs): the last 12 months, the whole 60, and
// both for one service, reporting ms/median and ms/p99 of a call.
func BenchInsights(b *testing.B, s store.Store) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	today := domain.DateOf(time.Now().In(berlin))
	window := func(months int, service string) domain.InsightWindow {
		from := domain.NewDate(today.Year, today.Month, 1).AddMonths(1 - months)
		bounds, _, err := domain.InsightMonths(from, today, berlin)
		if err != nil {
			b.Fatal(err)
		}
		return domain.InsightWindow{Bounds: bounds, Service: service, Today: today, Loc: berlin}
	}
	for _, q := range []struct {
		name string
		w    domain.InsightWindow
	}{
		{"12-months", window(12, "")},
		{"60-months", window(60, "")},
		{"12-months-service", window(12, "Payments")},
		{"60-months-service", window(60, "Payments")},
	} {
		b.Run(q.name, func(b *testing.B) {
			var took []time.Duration
			occurrences := 0
			for b.Loop() {
				start := time.Now()
				t, err := s.Insights(b.Context(), q.w)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				occurrences = 0
				for _, m := range t.Months {
					occurrences += m.Count
				}
			}
			slices.Sort(took)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(took[len(took)/2]), "ms/median")
			b.ReportMetric(ms(took[min(len(took)-1, len(took)*99/100)]), "ms/p99")
			b.ReportMetric(float64(occurrences), "occurrences")
		})
	}
}
