package demo

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/quality"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// backends are the stores the demo must seed: the embedded default and
// MongoDB (through the in-process FerretDB, or a real server when
// HINDSIGHT_TEST_MONGODB_URI is set).
var backends = []struct {
	name string
	open func(t *testing.T) (store.Store, error)
}{
	{"sqlite", func(t *testing.T) (store.Store, error) { return sqlite.Open(context.Background(), t.TempDir()) }},
	{"mongo", func(t *testing.T) (store.Store, error) { return mongo.Open(context.Background(), mongotest.Start(t)) }},
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := backends[0].open(t)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}

var seedNow = time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC) // a DST switch in Europe, on purpose

func TestSeedFreshStore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st, err := b.open(t)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Errorf("close store: %v", err)
				}
			})
			checkSeed(t, st)
		})
	}
}

func checkSeed(t *testing.T, st store.Store) {
	ctx := context.Background()
	sum, err := Seed(ctx, st, seedNow)
	if err != nil {
		t.Fatal(err)
	}

	if sum.Users != 3 || sum.Components != 7 || sum.Incidents != 5 || sum.RCAs != 3 || sum.Comments != 3 {
		t.Fatalf("summary = %+v", sum)
	}
	if len(sum.Password) < auth.MinPasswordLen {
		t.Fatalf("password %q is too short to sign in with", sum.Password)
	}

	// Counts as the store sees them.
	users, err := st.ListUsers(ctx)
	if err != nil || len(users) != 3 {
		t.Fatalf("users: %d, %v", len(users), err)
	}
	roles := map[domain.Role]bool{}
	for _, u := range users {
		roles[u.Role] = true
		if !auth.CheckPassword(u.PasswordHash, sum.Password) {
			t.Errorf("the printed password does not sign %s in", u.Email)
		}
	}
	for _, r := range []domain.Role{domain.RoleAdmin, domain.RoleAuthor, domain.RoleReviewer} {
		if !roles[r] {
			t.Errorf("no demo user with role %s", r)
		}
	}
	comps, err := st.ListComponents(ctx)
	if err != nil || len(comps) != 7 {
		t.Fatalf("components: %d, %v", len(comps), err)
	}
	groups := map[string]bool{}
	for _, c := range comps {
		groups[c.Group] = true
	}
	if len(groups) != 3 {
		t.Errorf("component groups = %v, want 3", groups)
	}
	incs, total, err := st.ListIncidents(ctx, store.IncidentFilter{})
	if err != nil || total != 5 || len(incs) != 5 {
		t.Fatalf("incidents: %d/%d, %v", len(incs), total, err)
	}
	for _, in := range incs {
		if in.Status != domain.StatusResolved || in.ResolvedAt == nil {
			t.Errorf("incident %q is not resolved", in.Title)
		}
		if len(in.Updates) < 3 || in.Updates[0].Status != domain.UpdateInvestigating || in.Updates[len(in.Updates)-1].Status != domain.UpdateResolved {
			t.Errorf("incident %q updates do not run from investigating to resolved: %+v", in.Title, in.Updates)
		}
		if len(in.Components) == 0 {
			t.Errorf("incident %q affects no component", in.Title)
		}
	}
	_, noRCA, err := st.ListIncidents(ctx, store.IncidentFilter{WithoutRCA: true})
	if err != nil || noRCA != 1 {
		t.Errorf("incidents without an RCA = %d, %v; want 1", noRCA, err)
	}

	// One RCA per built-in template, each valid, in the promised states.
	wantState := map[string]domain.RCAState{
		domain.TemplatePartner:    domain.StatePublished,
		domain.TemplateThirdParty: domain.StateInReview,
		domain.TemplateStandard:   domain.StateDraft,
	}
	for _, tpl := range domain.BuiltinTemplates() {
		id := sum.RCAIDs[tpl.Key]
		if id == "" {
			t.Fatalf("no RCA for template %s", tpl.Key)
		}
		r, err := st.GetRCA(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Validate(); err != nil {
			t.Errorf("rca %s does not validate: %v", tpl.Key, err)
		}
		if r.State != wantState[tpl.Key] {
			t.Errorf("rca %s state %s, want %s", tpl.Key, r.State, wantState[tpl.Key])
		}
		if r.Template != tpl.Key || len(r.Sections) != len(tpl.Sections) {
			t.Errorf("rca %s sections %d, template has %d", tpl.Key, len(r.Sections), len(tpl.Sections))
		}
		written := 0
		for _, s := range r.Sections {
			if s.Complete() {
				written++
			}
		}
		if written < 5 {
			t.Errorf("rca %s has only %d written sections", tpl.Key, written)
		}
		if len(r.Timeline) < 5 || len(r.ActionItems) < 2 {
			t.Errorf("rca %s: %d timeline entries, %d action items", tpl.Key, len(r.Timeline), len(r.ActionItems))
		}
		if !hasInternal(r) {
			t.Errorf("rca %s has no internal content", tpl.Key)
		}
		if (r.State == domain.StatePublished) != (r.PublishedAt != nil) {
			t.Errorf("rca %s: state %s with published_at %v", tpl.Key, r.State, r.PublishedAt)
		}
		m := domain.DeriveMetrics(r.Timeline, nil)
		if m.Start == nil || m.End == nil || m.TimeToDetect == nil {
			t.Errorf("rca %s: metrics incomplete: %+v", tpl.Key, m)
		}
	}

	// The recurring problem: two incidents days apart, one RCA, linked both ways.
	partner, err := st.GetRCA(ctx, sum.RCAIDs[domain.TemplatePartner])
	if err != nil {
		t.Fatal(err)
	}
	if len(partner.IncidentIDs) != 2 {
		t.Fatalf("partner RCA links %d incidents, want 2", len(partner.IncidentIDs))
	}
	var starts []time.Time
	var linkedIncidents []domain.Incident
	for _, id := range partner.IncidentIDs {
		in, err := st.GetIncident(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(in.RCAIDs, []string{partner.ID}) {
			t.Errorf("incident %q links RCAs %v, want [%s]", in.Title, in.RCAIDs, partner.ID)
		}
		starts = append(starts, in.StartedAt)
		linkedIncidents = append(linkedIncidents, in)
	}
	if gap := starts[1].Sub(starts[0]).Abs(); gap < 48*time.Hour {
		t.Errorf("the two incidents are %v apart, want days", gap)
	}
	// Two linked incidents are two occurrences (not four), and the
	// timeline marks the second as the recurrence.
	if m := domain.DeriveMetrics(partner.Timeline, linkedIncidents); len(m.Occurrences) != 2 || !m.Occurrences[1].Cycles[0].Recurred {
		t.Errorf("partner RCA: %d occurrences, want 2 with a recurrence: %+v", len(m.Occurrences), m.Occurrences)
	}
	linked, n, err := st.ListRCAs(ctx, store.RCAFilter{IncidentID: partner.IncidentIDs[1]})
	if err != nil || n != 1 || linked[0].ID != partner.ID {
		t.Errorf("RCAs linking the recurrence: %d, %v", n, err)
	}
	if partner.Translations["de"].Title == "" || partner.Section("summary").Translations["de"].Body == "" {
		t.Error("partner RCA has no German translation")
	}

	comments, err := st.ListComments(ctx, sum.RCAIDs[domain.TemplateThirdParty])
	if err != nil || len(comments) != 2 {
		t.Errorf("comments on the RCA in review: %d, %v", len(comments), err)
	}

	// Everything dates from before now.
	for _, in := range incs {
		if !in.StartedAt.Before(seedNow) || in.ResolvedAt.After(seedNow) {
			t.Errorf("incident %q is not in the past: %v..%v", in.Title, in.StartedAt, in.ResolvedAt)
		}
	}
}

func hasInternal(r domain.RCA) bool {
	for _, s := range r.Sections {
		if s.Visibility == domain.Internal && s.Complete() {
			return true
		}
	}
	for _, e := range r.Timeline {
		if e.Visibility == domain.Internal {
			return true
		}
	}
	for _, a := range r.ActionItems {
		if a.Visibility == domain.Internal {
			return true
		}
	}
	return false
}

func TestSeedRefusesNonEmptyStore(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		fill func(st store.Store) error
	}{
		{"a user", func(st store.Store) error {
			return st.CreateUser(ctx, &domain.User{Email: "real@example.com", Role: domain.RoleAdmin})
		}},
		{"a component", func(st store.Store) error {
			return st.CreateComponent(ctx, &domain.Component{Name: "Real API", Status: domain.ComponentOperational})
		}},
		{"an incident", func(st store.Store) error {
			in := domain.Incident{Title: "Real outage", StartedAt: seedNow.Add(-time.Hour)}
			in.Normalize()
			return st.CreateIncident(ctx, &in)
		}},
		{"an earlier demo", func(st store.Store) error {
			_, err := Seed(ctx, st, seedNow)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			if err := tt.fill(st); err != nil {
				t.Fatal(err)
			}
			before, err := st.CountUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Seed(ctx, st, seedNow)
			if !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("want ErrNotEmpty, got %v", err)
			}
			after, _ := st.CountUsers(ctx)
			if after != before {
				t.Fatalf("a refused seed wrote users: %d -> %d", before, after)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	empty, err := Empty(ctx, st)
	if err != nil || !empty {
		t.Fatalf("fresh store: empty=%v err=%v", empty, err)
	}
	if err := st.CreateComponent(ctx, &domain.Component{Name: "X", Status: domain.ComponentOperational}); err != nil {
		t.Fatal(err)
	}
	empty, err = Empty(ctx, st)
	if err != nil || empty {
		t.Fatalf("store with a component: empty=%v err=%v", empty, err)
	}
}

// A cancelled context surfaces as an error, not a panic or a half-seeded success.
func TestSeedCancelled(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Seed(ctx, st, seedNow); err == nil {
		t.Fatal("want an error from a cancelled context")
	}
}

// The demo shows the draft checklist at work: the published RCA passes
// every check; the one in review fails only the check its reviewer's comment
// asks about (an action item without a due date).
func TestSeedQualityChecklist(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	sum, err := Seed(ctx, st, seedNow)
	if err != nil {
		t.Fatal(err)
	}
	people := []string{"Demo Admin", "Noor Haddad", "Jonas Weber"}
	tests := []struct {
		template string
		failing  []string // check codes expected to fail
	}{
		{domain.TemplatePartner, nil},
		{domain.TemplateThirdParty, []string{quality.CheckActionOwners}},
		{domain.TemplateStandard, []string{quality.CheckActionOwners}},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			r, err := st.GetRCA(ctx, sum.RCAIDs[tt.template])
			if err != nil {
				t.Fatal(err)
			}
			tpl, _ := domain.BuiltinTemplate(r.Template)
			var incidents []domain.Incident
			for _, id := range r.IncidentIDs {
				in, err := st.GetIncident(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				incidents = append(incidents, in)
			}
			rep := quality.Run(quality.Input{RCA: r, Template: tpl, Incidents: incidents, People: people})
			var failing []string
			for _, c := range rep.Checks {
				if !c.OK {
					failing = append(failing, c.Code)
					t.Logf("%s: %+v", c.Code, c.Findings)
				}
			}
			if !slices.Equal(failing, tt.failing) {
				t.Fatalf("failing checks %v, want %v", failing, tt.failing)
			}
		})
	}
}

func TestPresent(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if ok, err := Present(ctx, st); err != nil || ok {
		t.Fatalf("fresh store: present=%v err=%v", ok, err)
	}
	if err := st.CreateUser(ctx, &domain.User{Email: "real@example.com", Role: domain.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := Present(ctx, st); ok {
		t.Fatal("a real user is not the demo")
	}
	st2 := openStore(t)
	if _, err := Seed(ctx, st2, seedNow); err != nil {
		t.Fatal(err)
	}
	if ok, err := Present(ctx, st2); err != nil || !ok {
		t.Fatalf("seeded store: present=%v err=%v", ok, err)
	}
}

// BenchmarkSeed measures `serve --demo`'s extra start-up time on SQLite
// (one argon2id hash included).
func BenchmarkSeed(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st, err := sqlite.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := Seed(ctx, st, seedNow); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
