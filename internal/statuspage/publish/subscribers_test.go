package publish

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// subs: planning is per component, once per RCA, and only for active
// subscribers.
func TestPlanSubscribers(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	api, search := domain.Component{Name: "API"}, domain.Component{Name: "Search"}
	for _, c := range []*domain.Component{&api, &search} {
		if err := st.CreateComponent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	in := domain.Incident{Title: "API down", Impact: domain.ImpactMajor, Status: domain.StatusResolved, StartedAt: time.Now().Add(-time.Hour),
		Components: []domain.AffectedComponent{{ComponentID: api.ID, Status: domain.ComponentMajorOutage}}}
	if err := st.CreateIncident(ctx, &in); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	failed := now
	subs := map[string]*domain.Subscriber{
		"all":     {Email: "all@example.com", Confirmed: true},
		"api":     {Email: "api@example.com", Confirmed: true, Components: []string{api.ID}},
		"search":  {Email: "search@example.com", Confirmed: true, Components: []string{search.ID}},
		"pending": {Email: "pending@example.com"},
		"failed":  {Email: "failed@example.com", Confirmed: true, FailedAt: &failed},
	}
	for _, s := range subs {
		s.Kind = domain.SubscriberEmail
		if err := st.CreateSubscriber(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	r := domain.RCA{ID: "r1", State: domain.StatePublished, Version: 3, IncidentIDs: []string{in.ID}}
	plan, err := PlanSubscribers(ctx, st, r, nil, Options{}, now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range plan {
		id, _ := SubscriberOf(d.TargetID)
		got[id] = true
		if d.Event != EventPublished || d.RCAVersion != 3 {
			t.Errorf("delivery %+v", d)
		}
	}
	if len(got) != 2 || !got[subs["all"].ID] || !got[subs["api"].ID] {
		t.Fatalf("planned %v, want all@ and api@", got)
	}
	// Once only: with a previous subscriber delivery nothing, unless asked.
	again, _ := PlanSubscribers(ctx, st, r, plan, Options{}, now)
	asked, _ := PlanSubscribers(ctx, st, r, plan, Options{Notify: true}, now)
	if len(again) != 0 || len(asked) != 2 || asked[0].Event != EventUpdated {
		t.Fatalf("again %d, asked %d %+v", len(again), len(asked), asked)
	}
	// A draft tells no one.
	r.State = domain.StateDraft
	if none, _ := PlanSubscribers(ctx, st, r, nil, Options{Notify: true}, now); len(none) != 0 {
		t.Fatalf("a draft planned %d", len(none))
	}
}

// BenchmarkPublishSubscribers: the atomic publish write with one delivery
// per subscriber (benchSubscribers of them), on SQLite.
func BenchmarkPublishSubscribers(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	for i := range benchSubscribers {
		s := domain.Subscriber{Kind: domain.SubscriberEmail, Email: fmt.Sprintf("r%05d@example.com", i), Confirmed: true}
		if err := st.CreateSubscriber(ctx, &s); err != nil {
			b.Fatal(err)
		}
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := domain.NewRCA(fmt.Sprintf("Outage %d", i), tpl, "en", []string{}, "u1", time.Now())
		if err := st.CreateRCA(ctx, &r, "u1"); err != nil {
			b.Fatal(err)
		}
		r.State = domain.StatePublished
		b.StartTimer()
		ds, err := PublishWith(ctx, st, &r, "u1", "published", EventPublished, time.Now(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) != benchSubscribers {
			b.Fatalf("%d deliveries", len(ds))
		}
	}
}

// benchSubscribers is kept small enough that the one-by-one setup stays
// quick on a loaded machine.
const benchSubscribers = 2000
