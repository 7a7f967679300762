package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestPageActionItems: the /action-items page lists items across RCAs with
// the API's filters (viewers: external items only), names bad filters, and
// marks an item done from the list, back to the same filters.
func TestPageActionItems(t *testing.T) {
	e := newUIEnv(t)
	past := domain.Date{Year: 2020, Month: 5, Day: 1}
	authorID := e.users[domain.RoleAuthor].ID
	r := actionFixture(t, e.st, "Checkout outage", authorID,
		domain.ActionItem{ID: "c1", Title: "Re-resolve the endpoint", OwnerID: authorID, Due: &past, State: domain.ActionOpen, Visibility: domain.External,
			TrackerURL: "https://github.com/acme/checkout/issues/9"},
		domain.ActionItem{ID: "c2", Title: "Private follow-up", Owner: "SRE", State: domain.ActionOpen, Visibility: domain.Internal})

	v := e.as(domain.RoleViewer)
	page := v.get("/action-items", http.StatusOK)
	mustContain(t, page.body, "Re-resolve the endpoint", "Checkout outage", "https://github.com/acme/checkout/issues/9", "overdue")
	mustNotContain(t, page.body, "Private follow-up", "Mark done")

	a := e.as(domain.RoleAuthor)
	page = a.get("/action-items?overdue=true&sort=title", http.StatusOK)
	mustContain(t, page.body, "Re-resolve the endpoint", "Mark done", `aria-sort="ascending"`)
	mustNotContain(t, page.body, "Private follow-up")
	page = a.get("/action-items?state=closed&sort=owner", http.StatusBadRequest)
	mustContain(t, page.body, `role="alert"`)

	res := a.post("/action-items/state", url.Values{"rca": {r.ID}, "item": {"c1"}, "state": {"done"}, "back": {"overdue=true&sort=title"}}, http.StatusSeeOther)
	if loc := location(t, res); loc != "/action-items?overdue=true&sort=title" {
		t.Errorf("back to %q", loc)
	}
	got := e.getRCA(r.ID)
	if got.ActionItems[0].State != domain.ActionDone || got.ActionItems[0].DoneAt == nil {
		t.Errorf("item after the form: %+v", got.ActionItems[0])
	}
	// An address elsewhere is not followed.
	res = a.post("/action-items/state", url.Values{"rca": {r.ID}, "item": {"c2"}, "state": {"done"}, "back": {"//evil.example/x"}}, http.StatusSeeOther)
	if loc := location(t, res); loc != "/action-items" {
		t.Errorf("back to %q", loc)
	}

	// Every language renders the page from its own catalog.
	for _, lang := range []string{"de", "fr", "es", "pt-BR"} {
		c := e.as(domain.RoleAuthor)
		c.lang = lang
		body := c.get("/action-items", http.StatusOK).body
		if strings.Contains(body, "actions.page.") || strings.Contains(body, "Overdue only") {
			t.Errorf("%s: untranslated text on the page", lang)
		}
	}
}

// TestPageActionOwnerPicker: the editor's action item form offers the users
// as owners; the chosen user is stored as owner_id (and the owner text is
// that user's name); a forged id is refused and nothing changes.
func TestPageActionOwnerPicker(t *testing.T) {
	e := newUIEnv(t)
	r := e.rca("Disk full")
	a := e.as(domain.RoleAuthor)
	reviewer := e.users[domain.RoleReviewer]
	page := a.get("/rcas/"+r.ID+"/edit?section=preventive_measures", http.StatusOK)
	mustContain(t, page.body, `name="owner_id"`, `<option value="`+reviewer.ID+`"`, "Someone outside Hindsight")
	a.post("/rcas/"+r.ID+"/actions", url.Values{"title": {"Alert on disk"}, "owner_id": {reviewer.ID}, "owner": {"typed text"}, "state": {"open"}}, http.StatusSeeOther)
	got := e.getRCA(r.ID)
	if len(got.ActionItems) != 1 || got.ActionItems[0].OwnerID != reviewer.ID || got.ActionItems[0].Owner != reviewer.DisplayName() {
		t.Fatalf("items = %+v", got.ActionItems)
	}
	res := a.post("/rcas/"+r.ID+"/actions", url.Values{"title": {"Forged"}, "owner_id": {"no-such-user"}, "state": {"open"}}, 0)
	if res.status < 400 {
		t.Errorf("forged owner: status %d", res.status)
	}
	if got := e.getRCA(r.ID); len(got.ActionItems) != 1 {
		t.Errorf("a refused form added an item: %+v", got.ActionItems)
	}
	a.post("/rcas/"+r.ID+"/actions", url.Values{"title": {"Ask the vendor"}, "owner": {"Bob at Vendor"}, "state": {"open"}}, http.StatusSeeOther)
	if got := e.getRCA(r.ID); got.ActionItems[1].Owner != "Bob at Vendor" || got.ActionItems[1].OwnerID != "" {
		t.Errorf("free-text owner: %+v", got.ActionItems[1])
	}
}
