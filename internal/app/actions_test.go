package app

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/tracker"
)

func addUser(t *testing.T, st store.Store, id, name string) {
	t.Helper()
	u := domain.User{ID: id, Email: id + "@example.com", Name: name, Role: domain.RoleAuthor}
	if err := st.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
}

func rcaWithItems(t *testing.T, svc *Service, items ...domain.ActionItem) domain.RCA {
	t.Helper()
	ctx := context.Background()
	r, err := svc.CreateRCA(ctx, author, NewRCA{Title: "Disk full"})
	if err != nil {
		t.Fatal(err)
	}
	r, err = svc.EditRCA(ctx, author, r.ID, "items", func(r *domain.RCA) error {
		r.ActionItems = items
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestActionOwnersAreUsers: an owner_id must name a user (422 field
// action_items[i].owner_id), and an owner given only by id gets the user's
// name as its text; free-text owners stay allowed.
func TestActionOwnersAreUsers(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	addUser(t, st, "u-ana", "Ana Souza")
	r := rcaWithItems(t, svc, domain.ActionItem{Title: "Renew certs", OwnerID: "u-ana"},
		domain.ActionItem{Title: "Ask the vendor", Owner: "Bob at Vendor"})
	if r.ActionItems[0].Owner != "Ana Souza" || r.ActionItems[1].OwnerID != "" {
		t.Errorf("items = %+v", r.ActionItems)
	}
	if !OwnedBy(r.ActionItems[0], "u-ana") || OwnedBy(r.ActionItems[1], "") || OwnedBy(r.ActionItems[1], "Bob at Vendor") {
		t.Error("OwnedBy matches by owner_id only")
	}
	in := r
	in.ActionItems = slices.Clone(r.ActionItems)
	in.ActionItems[1].OwnerID = "u-nobody"
	_, err := svc.ReplaceRCA(ctx, author, r.ID, in)
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].Field != "action_items[1].owner_id" {
		t.Fatalf("unknown owner_id: err = %v, want a validation error naming action_items[1].owner_id", err)
	}
	if got, _ := st.GetRCA(ctx, r.ID); got.Version != r.Version {
		t.Error("a refused replace changed the RCA")
	}
}

// TestActionDoneAtIsServerOwned: done_at is set when an item becomes done,
// kept while it stays done (whatever a client sends), cleared when reopened.
func TestActionDoneAtIsServerOwned(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	t0 := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	now := t0
	svc.cfg.Now = func() time.Time { return now }
	r := rcaWithItems(t, svc, domain.ActionItem{Title: "Renew certs"})
	if r.ActionItems[0].DoneAt != nil {
		t.Fatal("an open item has done_at")
	}
	r, err := svc.SetActionState(ctx, author, r.ID, r.ActionItems[0].ID, domain.ActionDone)
	if err != nil || r.ActionItems[0].DoneAt == nil || !r.ActionItems[0].DoneAt.Equal(t0) {
		t.Fatalf("done: %+v %v", r.ActionItems, err)
	}
	now = t0.Add(time.Hour)
	in := r
	in.ActionItems = slices.Clone(r.ActionItems)
	forged := t0.Add(-48 * time.Hour)
	in.ActionItems[0].DoneAt = &forged
	in.ActionItems[0].Title = "Renew certificates"
	r, err = svc.ReplaceRCA(ctx, author, r.ID, in)
	if err != nil || !r.ActionItems[0].DoneAt.Equal(t0) {
		t.Fatalf("replace kept done_at? %v %v", r.ActionItems[0].DoneAt, err)
	}
	r, err = svc.SetActionState(ctx, author, r.ID, r.ActionItems[0].ID, domain.ActionOpen)
	if err != nil || r.ActionItems[0].DoneAt != nil {
		t.Fatalf("reopened: %+v %v", r.ActionItems[0], err)
	}
}

// TestSetActionStateOnLockedRCA: follow-through happens after review, so
// an approved RCA's item can be marked done (only its state changes); a
// viewer may not; an unknown item is not found; a bad state is 422.
func TestSetActionStateOnLockedRCA(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	r := rcaWithItems(t, svc, domain.ActionItem{Title: "Renew certs"})
	var err error
	for _, to := range []domain.RCAState{domain.StateInReview, domain.StateApproved} {
		actor := author
		if to == domain.StateApproved {
			actor = rev
		}
		// The sections are empty: the submit names its override reason (flow's gate).
		if r, err = svc.ChangeState(ctx, actor, r.ID, StateChange{To: to, Version: r.Version, OverrideReason: "items only"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.EditRCA(ctx, author, r.ID, "x", func(*domain.RCA) error { return nil }); !errors.Is(err, domain.ErrLocked) {
		t.Fatalf("approved RCA is not locked: %v", err)
	}
	item := r.ActionItems[0].ID
	if _, err := svc.SetActionState(ctx, viewer, r.ID, item, domain.ActionDone); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("viewer: err = %v, want forbidden", err)
	}
	if _, err := svc.SetActionState(ctx, author, r.ID, "nope", domain.ActionDone); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown item: err = %v", err)
	}
	var ve *domain.ValidationError
	if _, err := svc.SetActionState(ctx, author, r.ID, item, "finished"); !errors.As(err, &ve) {
		t.Errorf("bad state: err = %v", err)
	}
	got, err := svc.SetActionState(ctx, author, r.ID, item, domain.ActionDone)
	if err != nil || got.ActionItems[0].State != domain.ActionDone || got.State != domain.StateApproved || got.Version != r.Version+1 {
		t.Fatalf("done on approved: %+v %v", got, err)
	}
}

// TestListActionItemsAudienceAndOverdue: a viewer sees external items only;
// overdue uses the organisation's day; owner names come from users.
func TestListActionItemsAudienceAndOverdue(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	addUser(t, st, "u-ana", "Ana Souza")
	svc.cfg.Now = func() time.Time { return time.Date(2026, 4, 1, 23, 30, 0, 0, time.UTC) }
	due := domain.Date{Year: 2026, Month: 4, Day: 1}
	rcaWithItems(t, svc,
		domain.ActionItem{ID: "ext", Title: "Public fix", OwnerID: "u-ana", Due: &due, Visibility: domain.External},
		domain.ActionItem{ID: "int", Title: "Internal fix", Owner: "ops", Visibility: domain.Internal})
	ids := func(l ActionItemList) []string {
		var out []string
		for _, v := range l.Items {
			out = append(out, v.ID)
		}
		return out
	}
	l, err := svc.ListActionItems(ctx, viewer, ActionItemQuery{})
	if err != nil || !slices.Equal(ids(l), []string{"ext"}) {
		t.Fatalf("viewer: %v %v", ids(l), err)
	}
	if l.Items[0].OwnerName != "Ana Souza" {
		t.Errorf("owner name = %q", l.Items[0].OwnerName)
	}
	l, _ = svc.ListActionItems(ctx, author, ActionItemQuery{})
	if !slices.Equal(ids(l), []string{"ext", "int"}) {
		t.Errorf("author: %v", ids(l))
	}
	// 23:30 UTC on April 1st is April 2nd in Berlin: the item due April 1st is overdue there only.
	if l, _ := svc.ListActionItems(ctx, author, ActionItemQuery{Overdue: true}); len(l.Items) != 0 {
		t.Errorf("overdue in UTC: %v", ids(l))
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if l, _ := svc.ListActionItems(ctx, author, ActionItemQuery{Overdue: true, Zone: berlin}); !slices.Equal(ids(l), []string{"ext"}) || !l.Items[0].Overdue {
		t.Errorf("overdue in Berlin: %v", ids(l))
	}
	if _, err := svc.ListActionItems(ctx, policy.Actor{}, ActionItemQuery{}); err == nil {
		t.Error("anonymous lists action items")
	}
}

// TestTrackerHookMarksDone: a signed GitHub issue-closed delivery marks the
// linked items done with the tracker as actor (revision and audit log); the
// same delivery again is a replay; a bad signature changes nothing.
func TestTrackerHookMarksDone(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	admin := policy.Actor{UserID: "u-admin", Role: domain.RoleAdmin}
	const url = "https://github.com/acme/payments/issues/42"
	r := rcaWithItems(t, svc, domain.ActionItem{Title: "Renew certs", TrackerURL: url}, domain.ActionItem{Title: "Other"})
	if _, err := svc.CreateTrackerHook(ctx, author, domain.TrackerHook{Name: "gh", Kind: "github", Secret: "0123456789abcdef"}); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("author creates a hook: %v", err)
	}
	var ve *domain.ValidationError
	if _, err := svc.CreateTrackerHook(ctx, admin, domain.TrackerHook{Name: "gh", Kind: "bitbucket", Secret: "short"}); !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Errorf("bad hook: %v", err)
	}
	h, err := svc.CreateTrackerHook(ctx, admin, domain.TrackerHook{Name: "gh", Kind: "github", Secret: "0123456789abcdef"})
	if err != nil || !h.HasSecret || h.Secret != "" {
		t.Fatalf("create hook: %+v %v", h, err)
	}
	if _, err := svc.CreateTrackerHook(ctx, admin, domain.TrackerHook{Name: "gh", Kind: "gitlab", Secret: "0123456789abcdef"}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate name: %v", err)
	}
	body := []byte(`{"action":"closed","issue":{"html_url":"` + url + `","number":42,"state":"closed"}}`)
	hdr := http.Header{}
	hdr.Set("X-GitHub-Event", "issues")
	hdr.Set("X-GitHub-Delivery", "d-1")
	hdr.Set("X-Hub-Signature-256", tracker.Sign("wrong-secret-0000", body))
	if _, err := svc.ReceiveTrackerHook(ctx, "gh", hdr, body); !errors.Is(err, tracker.ErrSignature) {
		t.Fatalf("bad signature: %v", err)
	}
	hdr.Set("X-Hub-Signature-256", tracker.Sign("0123456789abcdef", body))
	if _, err := svc.ReceiveTrackerHook(ctx, "nope", hdr, body); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown hook: %v", err)
	}
	res, err := svc.ReceiveTrackerHook(ctx, "gh", hdr, body)
	if err != nil || len(res.Done) != 1 || res.Done[0].ID != r.ActionItems[0].ID {
		t.Fatalf("hook: %+v %v", res, err)
	}
	got, _ := st.GetRCA(ctx, r.ID)
	if got.ActionItems[0].State != domain.ActionDone || got.ActionItems[0].DoneAt == nil || got.ActionItems[1].State != domain.ActionOpen {
		t.Errorf("items after hook: %+v", got.ActionItems)
	}
	revs, _ := st.ListRevisions(ctx, r.ID)
	if revs[0].Author != "tracker:gh" {
		t.Errorf("revision author = %q", revs[0].Author)
	}
	ev, _, _ := st.ListAudit(ctx, store.AuditFilter{Actor: "tracker:gh"})
	if len(ev) != 1 || ev[0].Detail["tracker_url"] != url || ev[0].Detail["delivery"] != "d-1" {
		t.Errorf("audit = %+v", ev)
	}
	if _, err := svc.ReceiveTrackerHook(ctx, "gh", hdr, body); !errors.Is(err, ErrReplay) {
		t.Errorf("replay: %v", err)
	}
	hdr.Set("X-GitHub-Delivery", "d-2")
	res, err = svc.ReceiveTrackerHook(ctx, "gh", hdr, body)
	if err != nil || len(res.Done) != 0 || len(res.Already) != 1 {
		t.Errorf("second close: %+v %v", res, err)
	}
	// Updates check the version; a new secret replaces the old one.
	if _, err := svc.UpdateTrackerHook(ctx, admin, "gh", domain.TrackerHook{Kind: "github", Version: 7}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale update: %v", err)
	}
	if _, err := svc.UpdateTrackerHook(ctx, admin, "gh", domain.TrackerHook{Kind: "github", Version: 1, Secret: "fedcba9876543210"}); err != nil {
		t.Fatal(err)
	}
	hdr.Set("X-GitHub-Delivery", "d-3")
	if _, err := svc.ReceiveTrackerHook(ctx, "gh", hdr, body); !errors.Is(err, tracker.ErrSignature) {
		t.Errorf("old secret after rotation: %v", err)
	}
	if err := svc.DeleteTrackerHook(ctx, admin, "gh"); err != nil {
		t.Fatal(err)
	}
	if l, _ := svc.TrackerHooks(ctx, admin); len(l) != 0 {
		t.Errorf("hooks after delete: %v", l)
	}
}

// TestOwnsActionItemUsesOwnerID: "My work" decides by owner_id when an item
// has one (OwnedBy), whatever its owner text says; items with only a text
// still match by name.
func TestOwnsActionItemUsesOwnerID(t *testing.T) {
	ana := domain.User{ID: "u-ana", Email: "ana@example.com", Name: "Ana"}
	bob := domain.User{ID: "u-bob", Email: "bob@example.com", Name: "Bob"}
	given := domain.ActionItem{OwnerID: "u-ana", Owner: "Bob"}
	if !OwnsActionItem(ana, given) || OwnsActionItem(bob, given) {
		t.Error("an item given to a user is matched by its owner text")
	}
	legacy := domain.ActionItem{Owner: "bob"}
	if !OwnsActionItem(bob, legacy) || OwnsActionItem(ana, legacy) {
		t.Error("an item with only an owner text lost its name match")
	}
}
