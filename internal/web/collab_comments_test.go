package web

import (
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
