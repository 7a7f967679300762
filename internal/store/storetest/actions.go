package storetest

// Action items across RCAs (area "actions", issue 14).

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func day(s string) *domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func actionIDs(items []store.ActionItemRow) []string {
	out := make([]string, len(items))
	for i, a := range items {
		out[i] = a.ID
	}
	return out
}

func testActionItems(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	done := at(0)
	a := newRCA(t, "Payments outage")
	a.ActionItems = []domain.ActionItem{
		{ID: "a1", Title: "Renew certificates", OwnerID: "u-ana", Owner: "Ana", Due: day("2026-03-01"), State: domain.ActionOpen, Visibility: domain.Internal, TrackerURL: "https://github.com/acme/pay/issues/7"},
		{ID: "a2", Title: "Alert on expiry", Owner: "Vendor Bob", Due: day("2026-04-01"), State: domain.ActionInProgress, Visibility: domain.External},
		{ID: "a3", Title: "Write runbook", OwnerID: "u-ana", State: domain.ActionDone, Visibility: domain.External, DoneAt: &done},
	}
	must(t, s.CreateRCA(ctx, &a, "u"), "CreateRCA a")
	b := newRCA(t, "Search slow")
	b.ActionItems = []domain.ActionItem{
		{ID: "b1", Title: "Add index", OwnerID: "u-li", Due: day("2026-02-01"), State: domain.ActionOpen, Visibility: domain.External, TrackerURL: "https://github.com/acme/pay/issues/7"},
		{ID: "b2", Title: "Cap queries", Owner: "Ana", Due: day("2026-05-01"), State: domain.ActionWontDo, Visibility: domain.External},
	}
	must(t, s.CreateRCA(ctx, &b, "u"), "CreateRCA b")
	createRCA(t, s, "No items")

	list := func(f store.ActionItemFilter) []string {
		t.Helper()
		p, err := s.ListActionItems(ctx, f)
		must(t, err, fmt.Sprintf("ListActionItems %+v", f))
		return actionIDs(p.Items)
	}
	want := func(what string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	want("all by due", list(store.ActionItemFilter{}), "b1", "a1", "a2", "b2", "a3")
	want("all by -due", list(store.ActionItemFilter{Sort: store.SortDueDesc}), "a3", "b2", "a2", "a1", "b1")
	want("all by title", list(store.ActionItemFilter{Sort: store.SortTitle}), "b1", "a2", "b2", "a1", "a3")
	want("open", list(store.ActionItemFilter{States: []domain.ActionState{domain.ActionOpen}}), "b1", "a1")
	want("overdue on 2026-03-15", list(store.ActionItemFilter{OverdueBefore: day("2026-03-15")}), "b1", "a1")
	want("overdue on 2026-06-01", list(store.ActionItemFilter{OverdueBefore: day("2026-06-01")}), "b1", "a1", "a2")
	want("owner user", list(store.ActionItemFilter{Owner: "u-ana"}), "a1", "a3")
	want("owner text", list(store.ActionItemFilter{Owner: "Ana"}), "b2") // a1's text "Ana" names user u-ana
	want("rca", list(store.ActionItemFilter{RCAID: b.ID}), "b1", "b2")
	want("external", list(store.ActionItemFilter{Audience: domain.External}), "b1", "a2", "b2", "a3")
	want("owner and overdue", list(store.ActionItemFilter{Owner: "u-ana", OverdueBefore: day("2026-03-15")}), "a1")

	// Rows carry what the list shows.
	p, err := s.ListActionItems(ctx, store.ActionItemFilter{RCAID: a.ID})
	must(t, err, "ListActionItems rca a")
	r0 := p.Items[0]
	if r0.RCAID != a.ID || r0.RCATitle != "Payments outage" || r0.RCASlug != a.Slug || r0.OwnerID != "u-ana" || r0.Owner != "Ana" ||
		r0.Due == nil || r0.Due.String() != "2026-03-01" || r0.State != domain.ActionOpen || r0.Visibility != domain.Internal ||
		r0.TrackerURL != "https://github.com/acme/pay/issues/7" || r0.DoneAt != nil {
		t.Errorf("row a1 = %+v", r0)
	}
	if last := p.Items[2]; last.DoneAt == nil || !last.DoneAt.Equal(done) || last.Due != nil {
		t.Errorf("row a3 = %+v, want done_at %v and no due", last, done)
	}

	// Keyset pages of two walk every sort without repeats or gaps.
	for _, sort := range []string{store.SortDue, store.SortDueDesc, store.SortTitle} {
		f := store.ActionItemFilter{Sort: sort}
		all := list(f)
		var walked []string
		f.Limit = 2
		for range 10 {
			p, err := s.ListActionItems(ctx, f)
			must(t, err, "page "+sort)
			walked = append(walked, actionIDs(p.Items)...)
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
		}
		want("paged "+sort, walked, all...)
	}
	// A cursor of another filter is refused.
	p, err = s.ListActionItems(ctx, store.ActionItemFilter{Limit: 1})
	must(t, err, "first page")
	if _, err := s.ListActionItems(ctx, store.ActionItemFilter{Limit: 1, Sort: store.SortTitle, Cursor: p.Next}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("cursor of another sort: err = %v, want ErrBadCursor", err)
	}

	// Every write keeps the list: an update, a section save, a delete, an import.
	a.ActionItems[0].State = domain.ActionDone
	a.ActionItems[0].DoneAt = &done
	a.Title = "Payments outage (card)"
	must(t, s.UpdateRCA(ctx, &a, "u", "done"), "UpdateRCA")
	want("open after update", list(store.ActionItemFilter{States: []domain.ActionState{domain.ActionOpen}}), "b1")
	p, err = s.ListActionItems(ctx, store.ActionItemFilter{RCAID: a.ID})
	must(t, err, "after update")
	if p.Items[0].RCATitle != "Payments outage (card)" {
		t.Errorf("rca title after update = %q", p.Items[0].RCATitle)
	}
	_, err = s.SaveSection(ctx, a.ID, "summary", domain.SectionEdit{Body: "x", Visibility: domain.External, BaseRevision: a.Section("summary").Revision}, "u")
	must(t, err, "SaveSection")
	want("after section save", list(store.ActionItemFilter{RCAID: a.ID}), "a1", "a2", "a3")

	rows, err := s.ActionItemsByTracker(ctx, "https://github.com/acme/pay/issues/7")
	must(t, err, "ActionItemsByTracker")
	want("by tracker", actionIDs(rows), tracked(a.ID, b.ID)...)
	if rows, err := s.ActionItemsByTracker(ctx, ""); err != nil || len(rows) != 0 {
		t.Errorf("by empty tracker url: %v %v", rows, err)
	}

	must(t, s.DeleteRCA(ctx, b.ID), "DeleteRCA")
	want("after delete", list(store.ActionItemFilter{}), "a1", "a2", "a3")

	if imp, ok := s.(store.Importer); ok {
		c := b
		c.ID, c.Slug = domain.NewID(), "imported-search"
		c.ActionItems = []domain.ActionItem{{ID: "c1", Title: "Imported", State: domain.ActionOpen, Visibility: domain.External, Due: day("2026-01-01")}}
		must(t, imp.ImportRCA(ctx, c, nil), "ImportRCA")
		want("after import", list(store.ActionItemFilter{States: []domain.ActionState{domain.ActionOpen}}), "c1")
	}

	// Bulk creates are listed too.
	bulk := newRCA(t, "Bulk")
	bulk.ActionItems = []domain.ActionItem{{ID: "d1", Title: "Bulk item", State: domain.ActionOpen, Visibility: domain.External, OwnerID: "u-bulk"}}
	must(t, s.CreateRCAs(ctx, []domain.RCA{bulk}, "u"), "CreateRCAs")
	want("after bulk", list(store.ActionItemFilter{Owner: "u-bulk"}), "d1")
}

// tracked is the two tracked items in the list's tie-break order (rca id,
// then item id).
func tracked(a, b string) []string {
	if a < b {
		return []string{"a1", "b1"}
	}
	return []string{"b1", "a1"}
}

func testClaims(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	must(t, s.Claim(ctx, "hook:gh", "d-1", at(0)), "Claim")
	if err := s.Claim(ctx, "hook:gh", "d-1", at(1)); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("second claim: err = %v, want ErrDuplicate", err)
	}
	must(t, s.Claim(ctx, "hook:gl", "d-1", at(0)), "same key, other scope")
	must(t, s.Unclaim(ctx, "hook:gh", "d-1"), "Unclaim")
	must(t, s.Unclaim(ctx, "hook:gh", "never"), "Unclaim unknown")
	must(t, s.Claim(ctx, "hook:gh", "d-1", at(2*time.Second)), "claim after unclaim")
	// Parallel claims: exactly one wins.
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- s.Claim(ctx, "digest:2026-03-14", "u-ana", at(0)) }()
	}
	won := 0
	for range 8 {
		err := <-errs
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrDuplicate):
			t.Errorf("parallel claim: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d parallel claims won, want 1", won)
	}
	list, err := s.ListClaims(ctx, "", "", 2)
	must(t, err, "ListClaims")
	if len(list) != 2 || list[0].Scope != "digest:2026-03-14" || list[1].Scope != "hook:gh" || list[1].Key != "d-1" || !list[1].At.Equal(at(2*time.Second)) {
		t.Errorf("claims page 1 = %+v", list)
	}
	list, err = s.ListClaims(ctx, list[1].Scope, list[1].Key, 10)
	must(t, err, "ListClaims page 2")
	if len(list) != 1 || list[0].Scope != "hook:gl" {
		t.Errorf("claims page 2 = %+v", list)
	}
}
