package web

import (
	"net/http"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// An approved or published RCA is what reviewers signed off: its content
// cannot change until it moves back to draft, through any API route.
func TestLockedRCARefusesContentChanges(t *testing.T) {
	e := newEnv(t)
	inc := e.incident("Checkout timeouts")
	r := e.rca("Checkout timeouts", "partner")
	id := r.ID
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+id+"/sections/summary", map[string]any{"body": "First text.", "base_revision": 1}, 200, nil)
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas/"+id+"/state", map[string]any{"to": "in_review", "override_reason": "test: an unfinished draft"}, 200, nil)
	// in review: reviewers' comments are still addressed in place
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+id+"/sections/summary", map[string]any{"body": "Second text.", "base_revision": 2}, 200, nil)

	for _, to := range []string{"approved", "published"} {
		e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+id+"/state", map[string]any{"to": to}, 200, nil)
		var cur domain.RCA
		e.must(domain.RoleViewer, "GET", "/api/v1/rcas/"+id, nil, 200, &cur)
		before := e.snapshot()
		for name, call := range map[string]func() int{
			"section save": func() int {
				return e.as(domain.RoleAdmin, "PUT", "/api/v1/rcas/"+id+"/sections/summary", map[string]any{"body": "sneaky", "base_revision": cur.Section("summary").Revision}).Code
			},
			"replace": func() int {
				next := cur
				next.Title = "sneaky"
				return e.as(domain.RoleAdmin, "PUT", "/api/v1/rcas/"+id, next).Code
			},
			"restore": func() int { return e.as(domain.RoleAdmin, "POST", "/api/v1/rcas/"+id+"/restore/1", nil).Code },
			"link": func() int {
				return e.as(domain.RoleAdmin, "POST", "/api/v1/rcas/"+id+"/incidents", map[string]any{"incident_id": inc.ID}).Code
			},
		} {
			w := e.as(domain.RoleAdmin, "GET", "/api/v1/rcas/"+id, nil)
			if w.Code != http.StatusOK {
				t.Fatal(w.Body.String())
			}
			if code := call(); code != http.StatusConflict {
				t.Errorf("%s on a %s RCA: status %d, want 409", name, to, code)
			}
		}
		w := e.as(domain.RoleAdmin, "PUT", "/api/v1/rcas/"+id+"/sections/summary", map[string]any{"body": "sneaky", "base_revision": cur.Section("summary").Revision})
		if ae := decodeErr(t, w); ae.Error.Code != "locked" {
			t.Errorf("error code %q, want locked", ae.Error.Code)
		}
		if after := e.snapshot(); after != before {
			t.Fatalf("a refused edit of a %s RCA changed something", to)
		}
	}

	// Back to draft with a reason, and it is editable again.
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+id+"/state", map[string]any{"to": "draft", "comment": "Partner asked for more detail."}, 200, nil)
	var cur domain.RCA
	e.must(domain.RoleViewer, "GET", "/api/v1/rcas/"+id, nil, 200, &cur)
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+id+"/sections/summary", map[string]any{"body": "Third text.", "base_revision": cur.Section("summary").Revision}, 200, nil)
}
