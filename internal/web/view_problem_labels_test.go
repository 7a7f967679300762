package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestErrorsNameFieldsAsLabelled: an empty timeline entry's error names the
// field "What happened" (its label), not "Text"; an action item's names
// "Action", not "Title" (issue 12) — in German too.
func TestErrorsNameFieldsAsLabelled(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)
	r := c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"UTC"}, "kind": {"note"}, "text": {" "}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "What happened: This field is required.")
	mustNotContain(t, r.body, "Text: This field is required.")
	r = c.post("/rcas/"+rc.ID+"/actions", url.Values{"title": {""}, "state": {"open"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Action: This field is required.")
	mustNotContain(t, r.body, "Title: This field is required.")
	r = c.post("/rcas/"+rc.ID+"/timeline?lang=de", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"UTC"}, "kind": {"note"}, "text": {""}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Was passiert ist: ")
}
