package app

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/quality"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// completeForReview fills every required section and gives the timeline a
// detection and a resolution, so the quality checks pass.
func completeForReview(t *testing.T, svc *Service, a policy.Actor, id string) domain.RCA {
	t.Helper()
	r, err := svc.EditRCA(context.Background(), a, id, "filled", func(r *domain.RCA) error {
		for i := range r.Sections {
			if r.Sections[i].Required {
				r.Sections[i].Body = "Written text for " + r.Sections[i].Key + "."
			}
		}
		at := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
		r.Timeline = []domain.TimelineEntry{
			{At: at, Kind: domain.KindDetected, Text: "Alert fired.", Visibility: domain.External},
			{At: at.Add(time.Hour), Kind: domain.KindResolved, Text: "Rolled back.", Visibility: domain.External},
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSubmitNeedsRequiredSectionsAndChecks: a submit with empty required
// sections is refused naming each failing section in the RCA's order;
// nothing changes; with an override reason it goes ahead and the reason is
// kept in the state history and the audit log.
func TestSubmitNeedsRequiredSectionsAndChecks(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	r, err := svc.CreateRCA(ctx, author, NewRCA{Title: "Queue backlog"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.ChangeState(ctx, author, r.ID, StateChange{To: domain.StateInReview, Version: r.Version})
	var sb *SubmitBlockedError
	if !errors.As(err, &sb) {
		t.Fatalf("empty draft submitted: %v", err)
	}
	var keys []string
	for _, s := range sb.Sections {
		keys = append(keys, s.Key)
	}
	var required []string
	for _, s := range r.Sections {
		if s.Required {
			required = append(required, s.Key)
		}
	}
	for _, k := range required {
		if !slices.Contains(keys, k) {
			t.Errorf("required section %s not listed in %v", k, keys)
		}
	}
	if tl := slices.Index(keys, "timeline"); tl < 0 || !slices.ContainsFunc(sb.Sections[tl].Checks, func(c CheckFailure) bool { return c.Check == quality.CheckDetection }) {
		t.Errorf("timeline without detection not listed: %+v", sb.Sections)
	}
	got, _ := st.GetRCA(ctx, r.ID)
	if got.State != domain.StateDraft || got.Version != r.Version {
		t.Fatalf("a refused submit changed the RCA: %s v%d", got.State, got.Version)
	}

	// With a reason it goes ahead; the reason is kept.
	got, err = svc.ChangeState(ctx, author, r.ID, StateChange{To: domain.StateInReview, Version: r.Version, OverrideReason: "  facts still coming from the vendor "})
	if err != nil {
		t.Fatal(err)
	}
	last := got.History[len(got.History)-1]
	if got.State != domain.StateInReview || last.OverrideReason != "facts still coming from the vendor" {
		t.Fatalf("override not recorded: %s %+v", got.State, last)
	}
	events, _, err := st.ListAudit(ctx, store.AuditFilter{Action: "rca.state", Target: "rca:" + r.ID})
	if err != nil || len(events) != 1 || events[0].Detail["override_reason"] != "facts still coming from the vendor" {
		t.Fatalf("audit: %v %+v", err, events)
	}

	// A complete draft needs no reason and records none.
	r2, _ := svc.CreateRCA(ctx, author, NewRCA{Title: "Disk full"})
	r2 = completeForReview(t, svc, author, r2.ID)
	got, err = svc.ChangeState(ctx, author, r2.ID, StateChange{To: domain.StateInReview, Version: r2.Version, OverrideReason: "not needed"})
	if err != nil {
		t.Fatal(err)
	}
	if h := got.History[len(got.History)-1]; h.OverrideReason != "" {
		t.Fatalf("an unneeded override was recorded: %+v", h)
	}
}

// TestApprovalNeedsResolvedCommentsAndNamesTheVersion: open comments stop
// an approval (named); once resolved, the approval records the version
// read; a stale version is a conflict.
func TestApprovalNeedsResolvedCommentsAndNamesTheVersion(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	r, _ := svc.CreateRCA(ctx, author, NewRCA{Title: "Queue backlog"})
	r = completeForReview(t, svc, author, r.ID)
	r, err := svc.ChangeState(ctx, author, r.ID, StateChange{To: domain.StateInReview, Version: r.Version})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := svc.AddComment(ctx, rev, r.ID, "summary", "Which partners?")
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.ChangeState(ctx, rev, r.ID, StateChange{To: domain.StateApproved, Version: r.Version})
	var ab *ApprovalBlockedError
	if !errors.As(err, &ab) || len(ab.Comments) != 1 || ab.Comments[0].ID != cm.ID {
		t.Fatalf("approval with an open comment: %v", err)
	}
	if got, _ := st.GetRCA(ctx, r.ID); got.State != domain.StateInReview {
		t.Fatalf("refused approval changed the state to %s", got.State)
	}
	if _, err := svc.ResolveComment(ctx, author, r.ID, cm.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeState(ctx, rev, r.ID, StateChange{To: domain.StateApproved, Version: r.Version - 1}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale approval: %v", err)
	}
	got, err := svc.ChangeState(ctx, rev, r.ID, StateChange{To: domain.StateApproved, Version: r.Version})
	if err != nil {
		t.Fatal(err)
	}
	if h := got.History[len(got.History)-1]; h.To != domain.StateApproved || h.Version != r.Version {
		t.Fatalf("approved version not recorded: %+v (read %d)", h, r.Version)
	}
}

// TestOfferedMatchesEveryState: across every state and role, the offer
// holds exactly the moves the workflow, the role and the policy allow;
// never publish on a published RCA, never submit on an approved one, and
// never approve for the RCA's own author.
func TestOfferedMatchesEveryState(t *testing.T) {
	admin := policy.Actor{UserID: "u-admin", Role: domain.RoleAdmin}
	other := policy.Actor{UserID: "u-reviewer-2", Role: domain.RoleReviewer}
	names := func(o Offer) []string {
		var out []string
		for _, m := range o.Moves {
			out = append(out, m.Name)
		}
		return out
	}
	tests := []struct {
		state domain.RCAState
		actor policy.Actor
		want  []string
		edit  bool
	}{
		{domain.StateDraft, author, []string{"submit", "archive"}, true},
		{domain.StateDraft, viewer, nil, false},
		{domain.StateInReview, author, []string{"send_back", "archive"}, true},
		{domain.StateInReview, other, []string{"approve", "send_back", "archive"}, true},
		{domain.StateInReview, rev, []string{"send_back", "archive"}, true}, // rev wrote it: no self-approval
		{domain.StateApproved, other, []string{"publish", "send_back", "archive"}, false},
		{domain.StateApproved, author, []string{"send_back"}, false},
		{domain.StatePublished, other, []string{"unpublish", "archive"}, false},
		{domain.StatePublished, author, nil, false},
		{domain.StatePublished, admin, []string{"unpublish", "archive"}, false},
		{domain.StateArchived, author, []string{"reopen"}, false},
		{domain.StateArchived, viewer, nil, false},
	}
	for _, tt := range tests {
		r := domain.RCA{ID: "r1", State: tt.state, CreatedBy: "u-reviewer", Authors: []string{"u-reviewer", "u-author"}}
		o := Offered(tt.actor, &r)
		got := names(o)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s as %s (%s): moves %v, want %v", tt.state, tt.actor.UserID, tt.actor.Role, got, tt.want)
		}
		if o.Edit != tt.edit {
			t.Errorf("%s as %s: edit %v, want %v", tt.state, tt.actor.UserID, o.Edit, tt.edit)
		}
		if tt.state == domain.StatePublished && o.Has(domain.StatePublished) {
			t.Errorf("publish offered on a published RCA")
		}
		// Every move offered is one the service accepts from this actor
		// (gates aside): one decision for the pages and the API.
		for _, m := range o.Moves {
			need, ok := domain.TransitionRole(tt.state, m.To)
			if !ok || !tt.actor.EffectiveRole().Allows(need) {
				t.Errorf("%s: offered %s the workflow refuses", tt.state, m.Name)
			}
		}
	}
}

// BenchmarkQueue: the signed-in user's queue over 1,000 RCAs (SQLite), a
// tenth in review assigned to the user and a tenth with an overdue action
// item they own.
func BenchmarkQueue(b *testing.B) {
	ctx := context.Background()
	svc, st := newService(b)
	me := domain.User{Email: "rev@example.com", Name: "Rev Person", Role: domain.RoleReviewer}
	if err := st.CreateUser(ctx, &me); err != nil {
		b.Fatal(err)
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	due := domain.NewDate(2020, 1, 1)
	rs := make([]domain.RCA, 1000)
	for i := range rs {
		r := domain.NewRCA("RCA", tpl, "en", nil, "u-author", time.Now())
		switch i % 10 {
		case 0:
			r.State, r.Reviewers = domain.StateInReview, []string{me.ID}
		case 1:
			r.ActionItems = []domain.ActionItem{{ID: "a", Title: "Fix", Owner: "Rev Person", Due: &due, State: domain.ActionOpen, Visibility: domain.External}}
		}
		rs[i] = r
	}
	if err := st.(store.ScaleStore).CreateRCAs(ctx, rs, "u-author"); err != nil {
		b.Fatal(err)
	}
	a := policy.Actor{UserID: me.ID, Role: domain.RoleReviewer}
	b.ResetTimer()
	for b.Loop() {
		q, err := svc.Queue(ctx, a, time.UTC)
		if err != nil || len(q) != 200 {
			b.Fatalf("%d items, %v", len(q), err)
		}
	}
}
