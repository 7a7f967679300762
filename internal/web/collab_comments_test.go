package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestCommentsAnchoredAndThreaded: a comment quotes a passage of its
// section (a passage the section does not hold is refused and stores
// nothing), a reply joins its thread whatever comment of it it names, and
// resolving any comment of a thread resolves the thread; answers carry the
// author's name.
func TestCommentsAnchoredAndThreaded(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Commented", "standard")
	sec := r.Section("root_cause")
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID+"/sections/root_cause",
		map[string]any{"body": "A configuration component was not updated in the release.", "visibility": "external", "base_revision": sec.Revision}, 200, nil)
	path := "/api/v1/rcas/" + r.ID + "/comments"

	w := e.as(domain.RoleReviewer, "POST", path, map[string]any{"section_key": "root_cause", "body": "Which one?", "quote": "not in the text"})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "quote") {
		t.Fatalf("a quote the section lacks: %d %s", w.Code, w.Body.String())
	}
	w = e.as(domain.RoleReviewer, "POST", path, map[string]any{"body": "Which one?", "quote": "configuration"})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "quote") {
		t.Fatalf("a quote without a section: %d %s", w.Code, w.Body.String())
	}
	var root commentAnswer
	e.must(domain.RoleReviewer, "POST", path, map[string]any{"section_key": "root_cause", "body": "Which one?", "quote": "configuration component"}, 201, &root)
	if root.Quote != "configuration component" || root.AuthorName != "reviewer" || root.ParentID != "" {
		t.Fatalf("anchored comment: %+v", root)
	}
	var reply, reply2 commentAnswer
	e.must(domain.RoleAuthor, "POST", path, map[string]any{"body": "The feature flags.", "parent_id": root.ID}, 201, &reply)
	if reply.ParentID != root.ID || reply.SectionKey != "root_cause" || reply.AuthorName != "author" {
		t.Fatalf("reply: %+v", reply)
	}
	// Replying to a reply joins the same thread.
	e.must(domain.RoleReviewer, "POST", path, map[string]any{"body": "Thanks.", "parent_id": reply.ID}, 201, &reply2)
	if reply2.ParentID != root.ID {
		t.Fatalf("reply to a reply: parent %q, want %q", reply2.ParentID, root.ID)
	}
	w = e.as(domain.RoleReviewer, "POST", path, map[string]any{"body": "Orphan.", "parent_id": "nope"})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "parent_id") {
		t.Fatalf("reply to nothing: %d %s", w.Code, w.Body.String())
	}

	var resolved commentAnswer
	e.must(domain.RoleReviewer, "POST", path+"/"+reply2.ID+"/resolve", nil, 200, &resolved)
	if resolved.ID != root.ID || resolved.ResolvedAt == nil {
		t.Fatalf("resolving a reply resolves the thread: %+v", resolved)
	}
	var list struct {
		Items []commentAnswer `json:"items"`
	}
	e.must(domain.RoleViewer, "GET", path, nil, 200, &list)
	if len(list.Items) != 3 || list.Items[0].Quote != "configuration component" || list.Items[1].AuthorName != "author" {
		t.Fatalf("list: %+v", list.Items)
	}
}

// TestCommentWhileReading: on the RCA page a reviewer quotes a passage as
// the page shows it (Markdown marks gone), starts a thread and replies, all
// without JavaScript; the thread shows its quote and reply and resolves in
// place.
func TestCommentWhileReading(t *testing.T) {
	e := newUIEnv(t)
	r := e.rca("Read and commented")
	cur := e.getRCA(r.ID)
	if _, err := e.st.SaveSection(t.Context(), r.ID, "root_cause", domain.SectionEdit{Body: "The **connection pool** was capped at 5.", BaseRevision: cur.Section("root_cause").Revision}, e.users[domain.RoleAuthor].ID); err != nil {
		t.Fatal(err)
	}
	rev := e.as(domain.RoleReviewer)
	rev.get("/rcas/"+r.ID, http.StatusOK)
	res := rev.post("/rcas/"+r.ID+"/comments", url.Values{"section": {"root_cause"}, "quote": {"connection pool was capped"}, "body": {"Who set 5?"}}, http.StatusSeeOther)
	if loc := location(t, res); !strings.HasPrefix(loc, "/rcas/"+r.ID+"#cm-") {
		t.Fatalf("back to %q", loc)
	}
	cms, _ := e.st.ListComments(t.Context(), r.ID)
	if len(cms) != 1 || cms[0].Quote != "connection pool was capped" {
		t.Fatalf("stored: %+v", cms)
	}
	rev.post("/rcas/"+r.ID+"/comments", url.Values{"section": {"root_cause"}, "parent": {cms[0].ID}, "body": {"Found it: the migration."}, "from": {"write"}}, http.StatusSeeOther)
	page := rev.get("/rcas/"+r.ID, http.StatusOK).body
	mustContain(t, page, `<blockquote class="quote"><span class="sr-only">Quoted: </span>connection pool was capped</blockquote>`,
		"Found it: the migration.", `action="/rcas/`+r.ID+`/comments/`+cms[0].ID+`/resolve"`)
	// A quote the section does not hold is refused and stores nothing.
	rev.post("/rcas/"+r.ID+"/comments", url.Values{"section": {"root_cause"}, "quote": {"not there"}, "body": {"?"}}, http.StatusSeeOther)
	if cms, _ := e.st.ListComments(t.Context(), r.ID); len(cms) != 2 {
		t.Fatalf("a bad quote stored a comment: %d", len(cms))
	}
	rev.post("/rcas/"+r.ID+"/comments/"+cms[0].ID+"/resolve", nil, http.StatusSeeOther)
	page = rev.get("/rcas/"+r.ID, http.StatusOK).body
	mustContain(t, page, `class="thread resolved" id="cm-`+cms[0].ID+`"`)
}
