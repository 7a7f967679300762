package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestWritePageWithoutJavaScript: the document editor is, without
// JavaScript, one plain form per section in template order, each with its
// guidance; a save lands back on the page at that section. Viewers cannot
// open it, and the page lets CodeMirror's stylesheet in by nonce only.
func TestWritePageWithoutJavaScript(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	page := c.get("/rcas/"+rc.ID+"/write", http.StatusOK)
	last := -1
	for _, s := range rc.Sections {
		at := strings.Index(page.body, `<form class="doc-form" method="post" action="/rcas/`+rc.ID+`/sections/`+s.Key+`"`)
		if at < 0 || at < last {
			t.Fatalf("section %s: form missing or out of order", s.Key)
		}
		last = at
	}
	mustContain(t, page.body, "In three or four sentences", `name="from" value="write"`, `id="b-summary" name="body"`)
	csp := page.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "style-src 'self' 'nonce-") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("CSP = %q", csp)
	}
	rev := strconv.FormatInt(rc.Section("summary").Revision, 10)
	r := c.post("/rcas/"+rc.ID+"/sections/summary", url.Values{"body": {"Queues backed up for an hour."}, "base_revision": {rev}, "from": {"write"}}, http.StatusSeeOther)
	if got := location(t, r); got != "/rcas/"+rc.ID+"/write#s-summary" {
		t.Errorf("redirect = %q", got)
	}
	if got := e.getRCA(rc.ID); got.Section("summary").Body != "Queues backed up for an hour." {
		t.Errorf("summary = %q", got.Section("summary").Body)
	}
	e.as(domain.RoleViewer).get("/rcas/"+rc.ID+"/write", http.StatusForbidden)
	c.get("/rcas/nosuchid/write", http.StatusNotFound)
}
