package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestPublishButton(t *testing.T) {
	e := newUIEnv(t)
	in := e.incident("Payments down")
	rc := e.rca("Payments outage", in.ID)
	ctx := context.Background()
	r := e.getRCA(rc.ID)
	now := time.Now()
	if err := r.Transition(domain.StateInReview, "", domain.RoleAuthor, "", now); err != nil {
		t.Fatal(err)
	}
	if err := r.Transition(domain.StateApproved, e.users[domain.RoleReviewer].ID, domain.RoleReviewer, "", now); err != nil {
		t.Fatal(err)
	}
	if err := e.st.UpdateRCA(ctx, &r, "", "fixture"); err != nil {
		t.Fatal(err)
	}
	// Authors see no Publish button and cannot publish.
	author := e.as(domain.RoleAuthor)
	page := author.get("/rcas/"+rc.ID, http.StatusOK)
	mustNotContain(t, page.body, `id="publish"`)
	author.post("/rcas/"+rc.ID+"/publish", nil, http.StatusForbidden)

	reviewer := e.as(domain.RoleReviewer)
	page = reviewer.get("/rcas/"+rc.ID, http.StatusOK)
	mustContain(t, page.body, `id="publish"`)
	res := reviewer.post("/rcas/"+rc.ID+"/publish", nil, http.StatusSeeOther)
	page = reviewer.get(location(t, res), http.StatusOK)
	if got := e.getRCA(rc.ID); got.State != domain.StatePublished || got.PublishedAt == nil {
		t.Fatalf("after publish: state %s", got.State)
	}
	mustContain(t, page.body, "Published.")

	// Sending it back to draft goes through the same transition (with its
	// reason and its hooks) as the API.
	reviewer.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"draft"}, "comment": {"Wrong numbers"}}, http.StatusSeeOther)
	if got := e.getRCA(rc.ID); got.State != domain.StateDraft || got.PublishedAt != nil {
		t.Fatalf("after unpublish: state %s", got.State)
	}
	// Publishing a draft is refused with a message.
	res = reviewer.post("/rcas/"+rc.ID+"/publish", nil, http.StatusSeeOther)
	page = reviewer.get(location(t, res), http.StatusOK)
	mustContain(t, page.body, "That state change is not possible now.")
}
