package storetest

// Area collab (issue 12): presence in a document, the document counter and
// anchored, threaded comments.

import (
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func testPresence(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	r := createRCA(t, s, "Present")
	other := createRCA(t, s, "Elsewhere")
	now := time.Now().UTC().Truncate(time.Millisecond)

	a := domain.Presence{RCAID: r.ID, Client: "client-aaaa", UserID: "u-a", Section: "summary", Until: now.Add(time.Minute)}
	b := domain.Presence{RCAID: r.ID, Client: "client-bbbb", UserID: "u-b", Until: now.Add(time.Minute)}
	must(t, s.TouchPresence(ctx, a), "TouchPresence a")
	must(t, s.TouchPresence(ctx, b), "TouchPresence b")
	must(t, s.TouchPresence(ctx, domain.Presence{RCAID: other.ID, Client: "client-cccc", UserID: "u-c", Until: now.Add(time.Minute)}), "TouchPresence other")
	wantErr(t, s.TouchPresence(ctx, domain.Presence{RCAID: "nope", Client: "client-dddd", UserID: "u", Until: now.Add(time.Minute)}), store.ErrNotFound, "TouchPresence unknown RCA")
	wantInvalid(t, s.TouchPresence(ctx, domain.Presence{RCAID: r.ID, Client: "short", UserID: "u", Until: now.Add(time.Minute)}), "client", "TouchPresence with a bad client")

	list, err := s.ListPresence(ctx, r.ID, now)
	must(t, err, "ListPresence")
	if len(list) != 2 || list[0].Client != "client-aaaa" || list[0].Section != "summary" || list[1].UserID != "u-b" {
		t.Fatalf("ListPresence: %+v", list)
	}
	sameInstant(t, "presence Until", list[0].Until, a.Until)

	// Moving to another section replaces the client's presence.
	a.Section = "root_cause"
	must(t, s.TouchPresence(ctx, a), "TouchPresence again")
	list, _ = s.ListPresence(ctx, r.ID, now)
	if len(list) != 2 || list[0].Section != "root_cause" {
		t.Fatalf("ListPresence after a move: %+v", list)
	}
	// A lapsed presence is not listed.
	list, _ = s.ListPresence(ctx, r.ID, now.Add(2*time.Minute))
	if len(list) != 0 {
		t.Fatalf("ListPresence lists lapsed presences: %+v", list)
	}
	must(t, s.LeavePresence(ctx, r.ID, "client-bbbb"), "LeavePresence")
	must(t, s.LeavePresence(ctx, r.ID, "client-bbbb"), "LeavePresence twice")
	list, _ = s.ListPresence(ctx, r.ID, now)
	if len(list) != 1 || list[0].Client != "client-aaaa" {
		t.Fatalf("ListPresence after leaving: %+v", list)
	}
	must(t, s.DeleteRCA(ctx, r.ID), "DeleteRCA")
	list, _ = s.ListPresence(ctx, r.ID, now)
	if len(list) != 0 {
		t.Fatalf("DeleteRCA left presences: %+v", list)
	}
	list, _ = s.ListPresence(ctx, other.ID, now)
	if len(list) != 1 {
		t.Fatalf("DeleteRCA removed another RCA's presence: %+v", list)
	}
}

// testDocChanges: unlike Changes, the document counter moves with every
// write co-authors must see, drafts' autosaves first.
func testDocChanges(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	last, err := s.DocChanges(ctx)
	must(t, err, "DocChanges")
	moved := func(what string) {
		t.Helper()
		n, err := s.DocChanges(ctx)
		must(t, err, "DocChanges")
		if n == last {
			t.Fatalf("the document counter did not move after %s", what)
		}
		last = n
	}
	r := createRCA(t, s, "Counted")
	moved("CreateRCA")
	r2, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "typing", BaseRevision: 1}, "u")
	must(t, err, "SaveSection")
	moved("a draft's SaveSection")
	r2.Title = "Counted, renamed"
	must(t, s.UpdateRCA(ctx, &r2, "u", "edit"), "UpdateRCA")
	moved("a draft's UpdateRCA")
	cm := domain.Comment{RCAID: r.ID, AuthorID: "u", Body: "why?"}
	must(t, s.AddComment(ctx, &cm), "AddComment")
	moved("AddComment")
	must(t, s.ResolveComment(ctx, r.ID, cm.ID, at(0)), "ResolveComment")
	moved("ResolveComment")
	must(t, s.TouchPresence(ctx, domain.Presence{RCAID: r.ID, Client: "client-aaaa", UserID: "u", Until: time.Now().Add(time.Minute)}), "TouchPresence")
	moved("TouchPresence")
	must(t, s.LeavePresence(ctx, r.ID, "client-aaaa"), "LeavePresence")
	moved("LeavePresence")
	must(t, s.DeleteRCA(ctx, r.ID), "DeleteRCA")
	moved("DeleteRCA")
}

// testCommentThreads: a comment keeps its quoted passage and its thread.
func testCommentThreads(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	r := createRCA(t, s, "Threads")
	root := domain.Comment{RCAID: r.ID, SectionKey: "root_cause", AuthorID: "u-rev", Body: "Which config?", Quote: "a configuration «component»", CreatedAt: at(time.Minute)}
	must(t, s.AddComment(ctx, &root), "AddComment root")
	reply := domain.Comment{RCAID: r.ID, SectionKey: "root_cause", AuthorID: "u-author", Body: "The feature flags.", ParentID: root.ID, CreatedAt: at(2 * time.Minute)}
	must(t, s.AddComment(ctx, &reply), "AddComment reply")
	list, err := s.ListComments(ctx, r.ID)
	must(t, err, "ListComments")
	wantEqual(t, "threaded comments", list, []domain.Comment{root, reply})
}

// testTranslationSource: a translation remembers the source revision it
// was written against, so a later change of the source marks it outdated
// (both stores keep the revisions).
func testTranslationSource(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	r := createRCA(t, s, "Translated")
	save := func(e domain.SectionEdit) domain.Section {
		t.Helper()
		cur, err := s.GetRCA(ctx, r.ID)
		must(t, err, "GetRCA")
		e.BaseRevision = cur.Section("summary").Revision
		got, err := s.SaveSection(ctx, r.ID, "summary", e, "u")
		must(t, err, "SaveSection")
		back, err := s.GetRCA(ctx, got.ID)
		must(t, err, "GetRCA")
		return *back.Section("summary")
	}
	sec := save(domain.SectionEdit{Body: "The cache was cold."})
	if sec.SourceRevision != sec.Revision {
		t.Fatalf("source revision %d after a body change at revision %d", sec.SourceRevision, sec.Revision)
	}
	de := map[string]domain.SectionTranslation{"de": {Body: "Der Cache war kalt."}}
	sec = save(domain.SectionEdit{Body: "The cache was cold.", Translations: de})
	if sec.Translations["de"].SourceRevision != sec.SourceRevision || sec.TranslationOutdated("de") {
		t.Fatalf("fresh translation: %+v (section source %d)", sec.Translations["de"], sec.SourceRevision)
	}
	// The source changes; the translation, sent back unchanged, is outdated.
	sec = save(domain.SectionEdit{Body: "The cache was cold after the deploy.", Translations: de})
	if !sec.TranslationOutdated("de") {
		t.Fatalf("translation not outdated after the source changed: %+v, source %d", sec.Translations["de"], sec.SourceRevision)
	}
	sec = save(domain.SectionEdit{Body: "The cache was cold after the deploy.", Translations: map[string]domain.SectionTranslation{"de": {Body: "Der Cache war nach dem Deploy kalt."}}})
	if sec.TranslationOutdated("de") {
		t.Fatal("an updated translation is still outdated")
	}
}
