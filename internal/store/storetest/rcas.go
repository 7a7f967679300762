package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// fullRCA is an RCA with every field set, to prove the whole document round-trips.
func fullRCA(t testing.TB) domain.RCA {
	r := newRCA(t, "Templates API Partial Service Disruption")
	r.IncidentIDs = []string{"inc-a", "inc-b"}
	r.IncidentDate = ptr(domain.DateOf(at(0)))
	r.DurationOverride = "~1 hour"
	r.FactOverrides = map[string]domain.FactOverride{"duration": {Text: "~1 hour", Translations: map[string]string{"de": "ca. 1 Stunde"}}}
	r.AffectedServices = []string{"Templates API", "Partners API"}
	r.Severity = domain.Sev2
	r.Tags = []string{"database", "config"}
	r.Reviewers = []string{"u-reviewer"}
	r.Section("summary").Body = "Between 09:26 and 10:13 UTC, **template rendering** failed for some partners."
	r.Section("summary").Translations = map[string]domain.SectionTranslation{"de": {Title: "Zusammenfassung", Body: "Zwischen 09:26 und 10:13 UTC schlug das Rendern fehl."}}
	r.Section("root_cause").Body = "A configuration component was not updated in the release."
	r.Section("root_cause").Visibility = domain.Internal
	r.Timeline = []domain.TimelineEntry{
		{ID: "t1", At: at(0), Kind: domain.KindImpactStart, Text: "Errors start.", Visibility: domain.External},
		{ID: "t2", At: at(4 * time.Minute), Kind: domain.KindDetected, Text: "Alert fires.", Visibility: domain.Internal, Translations: map[string]string{"de": "Alarm."}},
		{ID: "t3", At: at(47 * time.Minute), Kind: domain.KindResolved, Text: "Rolled back.", Visibility: domain.External},
		{ID: "t4", Precision: domain.PrecisionNone, Kind: domain.KindNote, Text: "An untimed line.", Visibility: domain.External},
		{ID: "t5", Precision: domain.PrecisionDay, Day: ptr(domain.NewDate(2026, 3, 15)), Kind: domain.KindNote, Text: "A date-only line.", Visibility: domain.External},
	}
	r.ActionItems = []domain.ActionItem{
		{ID: "a1", Title: "Add config check to CI", Owner: "team-platform", Due: ptr(domain.NewDate(2026, 4, 1)), State: domain.ActionInProgress, TrackerURL: "https://tracker.example.com/PLAT-12", Visibility: domain.External, Translations: map[string]string{"fr": "Ajouter un contrôle"}},
	}
	r.Translations = map[string]domain.RCATranslation{"de": {Title: "Teilweiser Ausfall der Templates-API"}}
	r.History = []domain.StateChange{
		{From: domain.StateDraft, To: domain.StateInReview, By: "u-author", At: at(time.Hour), Comment: "ready", OverrideReason: "blameless check misreads a service name"}, // flow
		{From: domain.StateInReview, To: domain.StateApproved, By: "u-reviewer", At: at(2 * time.Hour), Version: 7},                                                         // flow
		{From: domain.StateApproved, To: domain.StatePublished, By: "u-reviewer", At: at(3 * time.Hour)},
	}
	r.State = domain.StatePublished
	r.PublishedAt = ptr(at(3 * time.Hour))
	r.Normalize()
	return r
}

func testRCAs(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	r := fullRCA(t)
	r.Version = 42 // ignored: a new RCA is version 1
	must(t, s.CreateRCA(ctx, &r, "u-author"), "CreateRCA")
	if r.Version != 1 {
		t.Fatalf("CreateRCA: version %d, want 1", r.Version)
	}
	if r.ID == "" || r.Slug != "templates-api-partial-service-disruption" {
		t.Fatalf("CreateRCA: id %q slug %q", r.ID, r.Slug)
	}
	sameInstant(t, "CreatedAt kept", r.CreatedAt, base)

	got, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA")
	wantEqual(t, "GetRCA", got, r)
	wantUTC(t, "CreatedAt", got.CreatedAt)
	wantUTC(t, "PublishedAt", *got.PublishedAt)

	// What a read returns is the caller's: changing it changes nothing stored.
	got.Sections[0].Body = "scribbled"
	got.Tags[0] = "scribbled"
	got.Translations["de"] = domain.RCATranslation{Title: "scribbled"}
	got, err = s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA again")
	wantEqual(t, "GetRCA after changing an earlier result", got, r)
	wantUTC(t, "Timeline[0].At", got.Timeline[0].At)

	bySlug, err := s.GetRCABySlug(ctx, r.Slug)
	must(t, err, "GetRCABySlug")
	wantEqual(t, "GetRCABySlug", bySlug, r)

	_, err = s.GetRCA(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetRCA unknown")
	_, err = s.GetRCABySlug(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetRCABySlug unknown")

	// A created RCA with no times gets the store's clock.
	bare := newRCA(t, "Bare")
	bare.CreatedAt, bare.UpdatedAt = time.Time{}, time.Time{}
	before := time.Now()
	must(t, s.CreateRCA(ctx, &bare, "u-author"), "CreateRCA without times")
	after := time.Now()
	within(t, "CreatedAt", bare.CreatedAt, before, after)
	sameInstant(t, "UpdatedAt", bare.UpdatedAt, bare.CreatedAt)

	// Update replaces the whole document and bumps the version.
	got.Title = "Templates API outage"
	got.Tags = []string{"database"}
	got.ActionItems[0].State = domain.ActionDone
	got.Timeline = got.Timeline[:2]
	before = time.Now()
	must(t, s.UpdateRCA(ctx, &got, "u-editor", "edited"), "UpdateRCA")
	after = time.Now()
	if got.Version != 2 {
		t.Fatalf("UpdateRCA: version %d, want 2", got.Version)
	}
	within(t, "UpdatedAt", got.UpdatedAt, before, after)
	again, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA after update")
	wantEqual(t, "GetRCA after update", again, got)
	if len(again.Timeline) != 2 || again.ActionItems[0].State != domain.ActionDone {
		t.Fatalf("UpdateRCA did not replace the lists: %+v", again)
	}

	// CreatedAt and CreatedBy belong to the store once written.
	again.CreatedAt = at(-1000 * time.Hour)
	again.CreatedBy = "u-impostor"
	must(t, s.UpdateRCA(ctx, &again, "u-editor", "again"), "UpdateRCA 3")
	third, _ := s.GetRCA(ctx, r.ID)
	sameInstant(t, "CreatedAt after update", third.CreatedAt, base)
	if third.CreatedBy != "u-author" {
		t.Fatalf("UpdateRCA changed CreatedBy to %q", third.CreatedBy)
	}

	wantErr(t, s.DeleteRCA(ctx, "nope"), store.ErrNotFound, "DeleteRCA unknown")
	must(t, s.DeleteRCA(ctx, r.ID), "DeleteRCA")
	_, err = s.GetRCA(ctx, r.ID)
	wantErr(t, err, store.ErrNotFound, "GetRCA after delete")
	_, err = s.GetRCABySlug(ctx, r.Slug)
	wantErr(t, err, store.ErrNotFound, "GetRCABySlug after delete")
	wantErr(t, s.DeleteRCA(ctx, r.ID), store.ErrNotFound, "DeleteRCA twice")
	revs, err := s.ListRevisions(ctx, r.ID)
	must(t, err, "ListRevisions after delete")
	if len(revs) != 0 {
		t.Fatalf("ListRevisions after delete: %d revisions left", len(revs))
	}
	_, err = s.GetRevision(ctx, r.ID, 1)
	wantErr(t, err, store.ErrNotFound, "GetRevision after delete")
	gone := third
	wantErr(t, s.UpdateRCA(ctx, &gone, "u", "n"), store.ErrNotFound, "UpdateRCA after delete")

	// The slug is free again.
	re := newRCA(t, "Templates API Partial Service Disruption")
	must(t, s.CreateRCA(ctx, &re, "u-author"), "CreateRCA reusing a deleted slug")
	if re.Slug != "templates-api-partial-service-disruption" {
		t.Fatalf("slug after delete: %q", re.Slug)
	}
}

func testRCASlugs(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	want := []string{"database-outage", "database-outage-2", "database-outage-3", "database-outage-4"}
	var ids []string
	for i, w := range want {
		title := "Database outage"
		if i == 3 {
			title = "Database   OUTAGE!" // a different title with the same slug
		}
		r := createRCA(t, s, title)
		if r.Slug != w {
			t.Fatalf("CreateRCA #%d: slug %q, want %q", i+1, r.Slug, w)
		}
		ids = append(ids, r.ID)
	}
	for i, w := range want {
		r, err := s.GetRCABySlug(ctx, w)
		must(t, err, "GetRCABySlug "+w)
		if r.ID != ids[i] || r.Slug != w {
			t.Fatalf("GetRCABySlug %s: id %q slug %q", w, r.ID, r.Slug)
		}
	}

	// An explicit slug that is taken gets a suffix too; an empty one comes from the title.
	r := newRCA(t, "Something else")
	r.Slug = "database-outage-2"
	must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA with a taken explicit slug")
	if r.Slug != "database-outage-2-2" {
		t.Fatalf("explicit taken slug became %q, want database-outage-2-2", r.Slug)
	}
	e := newRCA(t, "From the title")
	e.Slug = ""
	must(t, s.CreateRCA(ctx, &e, "u"), "CreateRCA with an empty slug")
	if e.Slug != "from-the-title" {
		t.Fatalf("empty slug became %q", e.Slug)
	}

	// Renaming onto another RCA's slug is a duplicate and changes nothing
	// else the update carried; onto a free one is fine.
	first, err := s.GetRCA(ctx, ids[0])
	must(t, err, "GetRCA")
	first.Slug = "database-outage-3"
	first.Title = "Renamed"
	first.IncidentIDs = []string{"inc-new"}
	wantErr(t, s.UpdateRCA(ctx, &first, "u", "rename"), store.ErrDuplicate, "UpdateRCA onto a taken slug")
	first, _ = s.GetRCA(ctx, ids[0])
	if first.Slug != "database-outage" || first.Version != 1 || first.Title != "Database outage" || len(first.IncidentIDs) != 0 {
		t.Fatalf("failed rename changed the RCA: slug %q version %d title %q incidents %v", first.Slug, first.Version, first.Title, first.IncidentIDs)
	}
	if revs, _ := s.ListRevisions(ctx, ids[0]); len(revs) != 1 {
		t.Fatalf("failed rename wrote a revision: %d revisions", len(revs))
	}
	if linked, _, _ := s.ListRCAs(ctx, store.RCAFilter{IncidentID: "inc-new"}); len(linked) != 0 {
		t.Fatal("failed rename linked an incident")
	}
	first.Slug = "db-outage-march"
	must(t, s.UpdateRCA(ctx, &first, "u", "rename"), "UpdateRCA onto a free slug")
	_, err = s.GetRCABySlug(ctx, "database-outage")
	wantErr(t, err, store.ErrNotFound, "old slug after rename")
	got, err := s.GetRCABySlug(ctx, "db-outage-march")
	must(t, err, "GetRCABySlug new slug")
	if got.ID != ids[0] {
		t.Fatalf("new slug points at %q", got.ID)
	}
	// Keeping its own slug is not a duplicate, and an empty slug keeps the
	// stored one rather than following the new title.
	got.Title = "Database outage in March"
	must(t, s.UpdateRCA(ctx, &got, "u", "retitle"), "UpdateRCA keeping its slug")
	got.Slug = ""
	got.Title = "Completely new title"
	must(t, s.UpdateRCA(ctx, &got, "u", "retitle"), "UpdateRCA with an empty slug")
	if got.Slug != "db-outage-march" {
		t.Fatalf("UpdateRCA with an empty slug returned slug %q", got.Slug)
	}
	if again, err := s.GetRCABySlug(ctx, "db-outage-march"); err != nil || again.Title != "Completely new title" {
		t.Fatalf("after an update with an empty slug: %v", err)
	}
	// The freed slug can be taken by a new RCA, unsuffixed.
	n := createRCA(t, s, "Database outage")
	if n.Slug != "database-outage" {
		t.Fatalf("freed slug: got %q", n.Slug)
	}
}

func testRCAVersions(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	r := createRCA(t, s, "Version checks")
	a, b := r, r
	a.Title = "Version checks (a)"
	must(t, s.UpdateRCA(ctx, &a, "u-a", "a"), "UpdateRCA a")

	b.Title = "Version checks (b)"
	err := s.UpdateRCA(ctx, &b, "u-b", "b")
	wantErr(t, err, store.ErrConflict, "UpdateRCA from a stale version")
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("UpdateRCA stale: %T is not a *store.ConflictError", err)
	}
	if ce.Current.Version != 2 || ce.Current.Title != "Version checks (a)" {
		t.Fatalf("ConflictError.Current: version %d title %q, want 2 and a's title", ce.Current.Version, ce.Current.Title)
	}
	wantEqual(t, "ConflictError.Current", ce.Current, a)
	got, _ := s.GetRCA(ctx, r.ID)
	if got.Title != "Version checks (a)" || got.Version != 2 {
		t.Fatalf("a stale UpdateRCA changed the RCA: %q v%d", got.Title, got.Version)
	}
	revs, err := s.ListRevisions(ctx, r.ID)
	must(t, err, "ListRevisions")
	if len(revs) != 2 {
		t.Fatalf("a failed update wrote a revision: %d revisions", len(revs))
	}

	// A version from the future is stale too, and so is none at all.
	c := got
	c.Version = 99
	wantErr(t, s.UpdateRCA(ctx, &c, "u", "future"), store.ErrConflict, "UpdateRCA with a future version")
	c.Version = 0
	wantErr(t, s.UpdateRCA(ctx, &c, "u", "none"), store.ErrConflict, "UpdateRCA without a version")

	// UpdateRCA bumps the revision of changed sections only, so open section
	// edits of a changed section conflict and others do not.
	got.Section("summary").Body = "Rewritten through a whole-RCA save."
	must(t, s.UpdateRCA(ctx, &got, "u-a", "whole"), "UpdateRCA changing summary")
	stored, _ := s.GetRCA(ctx, r.ID)
	if rev := stored.Section("summary").Revision; rev != 2 {
		t.Fatalf("summary revision after a whole-RCA change: %d, want 2", rev)
	}
	if rev := stored.Section("impact").Revision; rev != 1 {
		t.Fatalf("impact revision after a whole-RCA save that did not change it: %d, want 1", rev)
	}
	_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "stale", BaseRevision: 1}, "u-b")
	wantErr(t, err, store.ErrConflict, "SaveSection after UpdateRCA changed the section")
	_, err = s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "fine", BaseRevision: 1}, "u-b")
	must(t, err, "SaveSection of a section UpdateRCA did not change")

	// Client-sent section revisions do not override the store's: a forged
	// high revision is replaced by the stored one (+1 when the text changed).
	cur, _ := s.GetRCA(ctx, r.ID)
	cur.Section("resolution").Revision = 50
	cur.Section("resolution").Body = "Rolled back."
	must(t, s.UpdateRCA(ctx, &cur, "u-a", "forged"), "UpdateRCA with a forged section revision")
	cur, _ = s.GetRCA(ctx, r.ID)
	if rev := cur.Section("resolution").Revision; rev != 2 {
		t.Fatalf("resolution revision: %d, want 2", rev)
	}
}

func testSaveSection(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	r := createRCA(t, s, "Section saves")
	if r.Section("summary").Revision != 1 || r.Section("root_cause").Revision != 1 {
		t.Fatal("fixture: sections do not start at revision 1")
	}

	// Two co-authors on different sections, both from the same base.
	before := time.Now()
	got1, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "Summary by Ana.", BaseRevision: 1}, "u-ana")
	must(t, err, "SaveSection summary")
	after := time.Now()
	if got1.Version != 2 || got1.Section("summary").Body != "Summary by Ana." || got1.Section("summary").Revision != 2 {
		t.Fatalf("SaveSection summary returned version %d, section %+v", got1.Version, *got1.Section("summary"))
	}
	if got1.Section("summary").UpdatedBy != "u-ana" || got1.Section("summary").UpdatedAt == nil {
		t.Fatalf("SaveSection did not record who and when: %+v", *got1.Section("summary"))
	}
	within(t, "section UpdatedAt", *got1.Section("summary").UpdatedAt, before, after)
	within(t, "RCA UpdatedAt", got1.UpdatedAt, before, after)
	title := "Root cause (third party)"
	got2, err := s.SaveSection(ctx, r.ID, "root_cause", domain.SectionEdit{Title: &title, Body: "Upstream rate limit.", Visibility: domain.Internal, BaseRevision: 1,
		Translations: map[string]domain.SectionTranslation{"de": {Title: "Ursache", Body: "Ratenlimit beim Anbieter."}}}, "u-ben")
	must(t, err, "SaveSection root_cause from the same base")
	if got2.Version != 3 {
		t.Fatalf("second save: version %d, want 3", got2.Version)
	}
	if got2.Section("summary").Body != "Summary by Ana." {
		t.Fatal("the second save lost the first save's section")
	}
	stored, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA")
	wantEqual(t, "GetRCA after two saves", stored, got2)
	rc := stored.Section("root_cause")
	if rc.Title != title || rc.Visibility != domain.Internal || rc.Translations["de"].Body != "Ratenlimit beim Anbieter." || rc.Revision != 2 {
		t.Fatalf("root_cause after save: %+v", *rc)
	}
	// Untouched sections keep their revision.
	if stored.Section("impact").Revision != 1 {
		t.Fatalf("impact revision %d, want 1", stored.Section("impact").Revision)
	}

	// Two co-authors on the same section from the same base: the second conflicts.
	_, err = s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "Impact by Ana.", BaseRevision: 1}, "u-ana")
	must(t, err, "SaveSection impact (first)")
	_, err = s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "Impact by Ben.", BaseRevision: 1}, "u-ben")
	wantErr(t, err, store.ErrConflict, "SaveSection impact from a stale base")
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("SaveSection stale: %T is not a *store.ConflictError", err)
	}
	if ce.Current.Section("impact") == nil || ce.Current.Section("impact").Body != "Impact by Ana." || ce.Current.Version != 4 {
		t.Fatalf("ConflictError.Current does not hold the first save: version %d", ce.Current.Version)
	}
	stored, _ = s.GetRCA(ctx, r.ID)
	if stored.Section("impact").Body != "Impact by Ana." || stored.Version != 4 {
		t.Fatalf("a stale save changed the RCA: %q v%d", stored.Section("impact").Body, stored.Version)
	}
	// A base revision from the future is stale too, and so is none at all.
	_, err = s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "x", BaseRevision: 9}, "u-ben")
	wantErr(t, err, store.ErrConflict, "SaveSection from a future base")
	_, err = s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "x"}, "u-ben")
	wantErr(t, err, store.ErrConflict, "SaveSection without a base revision")
	// Retrying from the current revision works.
	_, err = s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "Impact by Ana and Ben.", BaseRevision: 2}, "u-ben")
	must(t, err, "SaveSection retry from the current revision")

	// Unknown RCA and unknown section.
	_, err = s.SaveSection(ctx, "nope", "summary", domain.SectionEdit{Body: "x", BaseRevision: 1}, "u")
	wantErr(t, err, store.ErrNotFound, "SaveSection unknown RCA")
	_, err = s.SaveSection(ctx, r.ID, "no_such_section", domain.SectionEdit{Body: "x", BaseRevision: 1}, "u")
	wantErr(t, err, domain.ErrUnknownSection, "SaveSection unknown section")
	stored, _ = s.GetRCA(ctx, r.ID)
	if stored.Version != 5 {
		t.Fatalf("version after failed saves: %d, want 5", stored.Version)
	}
	revs, _ := s.ListRevisions(ctx, r.ID)
	if len(revs) != 5 {
		t.Fatalf("%d revisions after 1 create and 4 saves (and failed ones), want 5", len(revs))
	}
}

func testRevisions(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	r := newRCA(t, "Revisions")
	r.Section("summary").Body = "First words."
	t0 := time.Now()
	must(t, s.CreateRCA(ctx, &r, "u-creator"), "CreateRCA")
	v1 := r

	_, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "Second words.", BaseRevision: 1}, "u-ana")
	must(t, err, "SaveSection")
	v2, _ := s.GetRCA(ctx, r.ID)

	v3 := v2
	v3.Title = "Revisions, renamed"
	must(t, s.UpdateRCA(ctx, &v3, "u-ben", "state in_review"), "UpdateRCA")
	t1 := time.Now()

	infos, err := s.ListRevisions(ctx, r.ID)
	must(t, err, "ListRevisions")
	want := []store.RevisionInfo{
		{RCAID: r.ID, Version: 3, Author: "u-ben", Note: "state in_review", At: v3.UpdatedAt, FirstAt: v3.UpdatedAt, Saves: 1},
		{RCAID: r.ID, Version: 2, Author: "u-ana", Note: "section summary", At: v2.UpdatedAt, FirstAt: v2.UpdatedAt, Saves: 1},
		{RCAID: r.ID, Version: 1, Author: "u-creator", Note: "created", At: v1.UpdatedAt, FirstAt: v1.UpdatedAt, Saves: 1},
	}
	wantEqual(t, "ListRevisions (newest first)", infos, want)
	for _, in := range infos {
		wantUTC(t, "revision At", in.At)
	}
	within(t, "revision 3 At", infos[0].At, t0, t1)

	for _, c := range []struct {
		version int64
		want    domain.RCA
	}{{1, v1}, {2, v2}, {3, v3}} {
		rev, err := s.GetRevision(ctx, r.ID, c.version)
		must(t, err, "GetRevision")
		wantEqual(t, "revision info", rev.RevisionInfo, want[3-c.version])
		wantEqual(t, "revision snapshot", rev.Snapshot, c.want)
		if rev.Snapshot.Version != c.version {
			t.Fatalf("snapshot %d has version %d", c.version, rev.Snapshot.Version)
		}
	}
	old, _ := s.GetRevision(ctx, r.ID, 1)
	if old.Snapshot.Section("summary").Body != "First words." || old.Snapshot.Title != "Revisions" {
		t.Fatal("revision 1 does not hold the first text")
	}

	_, err = s.GetRevision(ctx, r.ID, 4)
	wantErr(t, err, store.ErrNotFound, "GetRevision unknown version")
	_, err = s.GetRevision(ctx, "nope", 1)
	wantErr(t, err, store.ErrNotFound, "GetRevision unknown RCA")
	none, err := s.ListRevisions(ctx, "nope")
	must(t, err, "ListRevisions unknown RCA")
	if len(none) != 0 {
		t.Fatalf("ListRevisions unknown RCA: %d revisions", len(none))
	}

	// Revisions belong to their RCA only.
	other := createRCA(t, s, "Other")
	oi, _ := s.ListRevisions(ctx, other.ID)
	if len(oi) != 1 || oi[0].RCAID != other.ID || oi[0].Version != 1 {
		t.Fatalf("other RCA's revisions: %+v", oi)
	}
}

func testRCAIncidentLinks(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	i1 := createIncident(t, s, "First outage", at(0))
	i2 := createIncident(t, s, "Recurrence", at(7*24*time.Hour))
	i3 := createIncident(t, s, "Unrelated", at(8*24*time.Hour))

	// One RCA explains two incidents: both see it.
	r := createRCA(t, s, "Recurring outage", i1.ID, i2.ID)
	for _, id := range []string{i1.ID, i2.ID} {
		in, err := s.GetIncident(ctx, id)
		must(t, err, "GetIncident")
		wantEqual(t, "RCAIDs of "+in.Title, in.RCAIDs, []string{r.ID})
	}
	in3, _ := s.GetIncident(ctx, i3.ID)
	if len(in3.RCAIDs) != 0 {
		t.Fatalf("unlinked incident has RCAIDs %v", in3.RCAIDs)
	}

	// A second RCA on the first incident.
	r2 := createRCA(t, s, "Follow-up", i1.ID)
	in1, _ := s.GetIncident(ctx, i1.ID)
	wantEqual(t, "RCAIDs of the first incident", sorted(in1.RCAIDs), sorted([]string{r.ID, r2.ID}))

	// Filter by incident id, from the RCA side.
	list, total, err := s.ListRCAs(ctx, store.RCAFilter{IncidentID: i2.ID})
	must(t, err, "ListRCAs by incident")
	wantIDs(t, "ListRCAs by incident", list, rcaID, r.ID)
	if total != 1 {
		t.Fatalf("total %d", total)
	}

	// Unlink i2 and link i3 through a whole-RCA update.
	cur, _ := s.GetRCA(ctx, r.ID)
	cur.UnlinkIncident(i2.ID)
	cur.LinkIncident(i3.ID)
	must(t, s.UpdateRCA(ctx, &cur, "u", "links"), "UpdateRCA links")
	in2, _ := s.GetIncident(ctx, i2.ID)
	if len(in2.RCAIDs) != 0 {
		t.Fatalf("after unlinking, incident 2 still has RCAIDs %v", in2.RCAIDs)
	}
	in3, _ = s.GetIncident(ctx, i3.ID)
	wantEqual(t, "RCAIDs of incident 3 after linking", in3.RCAIDs, []string{r.ID})
	got, _ := s.GetRCA(ctx, r.ID)
	wantEqual(t, "IncidentIDs after relinking", sorted(got.IncidentIDs), sorted([]string{i1.ID, i3.ID}))

	// Section saves keep the links.
	_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "x", BaseRevision: 1}, "u")
	must(t, err, "SaveSection")
	in3, _ = s.GetIncident(ctx, i3.ID)
	wantEqual(t, "RCAIDs after a section save", in3.RCAIDs, []string{r.ID})

	// Deleting an RCA unlinks it.
	must(t, s.DeleteRCA(ctx, r2.ID), "DeleteRCA")
	in1, _ = s.GetIncident(ctx, i1.ID)
	wantEqual(t, "RCAIDs after deleting an RCA", in1.RCAIDs, []string{r.ID})
	wi, _, err := s.ListIncidents(ctx, store.IncidentFilter{WithoutRCA: true})
	must(t, err, "ListIncidents WithoutRCA")
	wantIDs(t, "incidents without RCA", wi, incidentID, i2.ID)
}

func testRCAFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	mk := func(title string, state domain.RCAState, services, tags []string, date *time.Time, created time.Time, summary string, incidents ...string) domain.RCA {
		r := newRCA(t, title, incidents...)
		r.State = state
		r.AffectedServices = services
		r.Tags = tags
		if date != nil {
			r.IncidentDate = ptr(domain.DateOf(date.UTC()))
		}
		r.CreatedAt, r.UpdatedAt = created, created
		r.Section("summary").Body = summary
		must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA "+title)
		return r
	}
	day := 24 * time.Hour
	// Created oldest first, so "most recently updated first" is e, d, c, b, a.
	a := mk("Database failover", domain.StateDraft, []string{"Database"}, []string{"db", "failover"}, ptr(at(0)), at(1*time.Minute), "The primary failed over to the replica.", "inc-1")
	b := mk("CDN latency", domain.StateInReview, []string{"CDN", "Website"}, []string{"network"}, ptr(at(2*day)), at(2*time.Minute), "Latency rose in Frankfurt.", "inc-2")
	c := mk("Login errors", domain.StatePublished, []string{"Auth"}, []string{"db"}, nil, at(4*day), "Sessions were lost: a 100% failure rate.", "inc-1", "inc-3")
	d := mk("Webhook delays", domain.StateApproved, []string{"Webhooks"}, nil, ptr(at(6*day)), at(6*time.Minute), "Zeitüberschreitung beim Zustellen 🚨.")
	e := mk("Archived one", domain.StateArchived, nil, []string{"old"}, ptr(at(-30*day)), at(7*time.Minute), "")

	cases := []struct {
		name  string
		f     store.RCAFilter
		want  []string
		total int
	}{
		{"all, most recently updated first", store.RCAFilter{}, []string{c.ID, e.ID, d.ID, b.ID, a.ID}, 5},
		{"one state", store.RCAFilter{States: []domain.RCAState{domain.StateDraft}}, []string{a.ID}, 1},
		{"several states", store.RCAFilter{States: []domain.RCAState{domain.StatePublished, domain.StateApproved, domain.StateInReview}}, []string{c.ID, d.ID, b.ID}, 3},
		{"service exact", store.RCAFilter{Service: "CDN"}, []string{b.ID}, 1},
		{"service is not a substring match", store.RCAFilter{Service: "Web"}, nil, 0},
		{"tag", store.RCAFilter{Tag: "db"}, []string{c.ID, a.ID}, 2},
		{"tag is not a substring match", store.RCAFilter{Tag: "d"}, nil, 0},
		{"tag is case-sensitive", store.RCAFilter{Tag: "DB"}, nil, 0},
		{"service is case-sensitive", store.RCAFilter{Service: "cdn"}, nil, 0},
		{"incident", store.RCAFilter{IncidentID: "inc-1"}, []string{c.ID, a.ID}, 2},
		{"unknown incident", store.RCAFilter{IncidentID: "inc-9"}, nil, 0},
		{"since, by incident date", store.RCAFilter{Since: ptr(domain.DateOf(at(2 * day)).In(time.UTC))}, []string{c.ID, d.ID, b.ID}, 3},
		{"until exclusive", store.RCAFilter{Until: ptr(domain.DateOf(at(2 * day)).In(time.UTC))}, []string{e.ID, a.ID}, 2},
		{"created_at when no incident date", store.RCAFilter{Since: ptr(at(3 * day)), Until: ptr(at(5 * day))}, []string{c.ID}, 1},
		{"query in title, case-insensitive", store.RCAFilter{Query: "cdn LATENCY"}, []string{b.ID}, 1},
		{"query in section body", store.RCAFilter{Query: "REPLICA"}, []string{a.ID}, 1},
		{"query unicode body", store.RCAFilter{Query: "Zeitüberschreitung"}, []string{d.ID}, 1},
		{"query emoji", store.RCAFilter{Query: "🚨"}, []string{d.ID}, 1},
		{"query in services", store.RCAFilter{Query: "webhooks"}, []string{d.ID}, 1},
		{"query in tags", store.RCAFilter{Query: "NETWORK"}, []string{b.ID}, 1},
		{"query percent is literal", store.RCAFilter{Query: "100%"}, []string{c.ID}, 1},
		{"query wildcard is literal", store.RCAFilter{Query: "%"}, []string{c.ID}, 1},
		{"query regexp is literal", store.RCAFilter{Query: "l.t"}, nil, 0},
		{"query underscore is literal", store.RCAFilter{Query: "_"}, nil, 0},
		{"page 1", store.RCAFilter{Page: store.Page{Limit: 2}}, []string{c.ID, e.ID}, 5},
		{"page 2", store.RCAFilter{Page: store.Page{Limit: 2, Offset: 2}}, []string{d.ID, b.ID}, 5},
		{"page 3", store.RCAFilter{Page: store.Page{Limit: 2, Offset: 4}}, []string{a.ID}, 5},
		{"filters and page", store.RCAFilter{States: []domain.RCAState{domain.StateDraft, domain.StateInReview, domain.StatePublished}, Page: store.Page{Limit: 1, Offset: 1}}, []string{b.ID}, 3},
		{"combined", store.RCAFilter{Tag: "db", States: []domain.RCAState{domain.StatePublished}, Query: "sessions"}, []string{c.ID}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := s.ListRCAs(ctx, tc.f)
			must(t, err, "ListRCAs")
			wantIDs(t, "ListRCAs", got, rcaID, tc.want...)
			if total != tc.total {
				t.Fatalf("total %d, want %d", total, tc.total)
			}
		})
	}

	// Writes move an RCA to the top, and the search follows the new text.
	_, err := s.SaveSection(ctx, a.ID, "summary", domain.SectionEdit{Body: "Rewritten: quorum lost.", BaseRevision: 1}, "u")
	must(t, err, "SaveSection")
	got, _, err := s.ListRCAs(ctx, store.RCAFilter{Page: store.Page{Limit: 1}})
	must(t, err, "ListRCAs")
	wantIDs(t, "most recently updated first after a save", got, rcaID, a.ID)
	got, _, _ = s.ListRCAs(ctx, store.RCAFilter{Query: "replica"})
	wantIDs(t, "old text no longer found", got, rcaID)
	got, _, _ = s.ListRCAs(ctx, store.RCAFilter{Query: "quorum"})
	wantIDs(t, "new text found", got, rcaID, a.ID)
	// Listed RCAs are whole.
	if got[0].Section("summary").Body != "Rewritten: quorum lost." || len(got[0].Sections) != len(a.Sections) {
		t.Fatal("ListRCAs did not return the whole RCA")
	}

	// Date filters keep using created_at (not updated_at) when an RCA has no
	// incident date, also after it was edited.
	// (c is published, so its text is locked: a whole-RCA write edits it.)
	cur, err := s.GetRCA(ctx, c.ID)
	must(t, err, "GetRCA c")
	cur.Tags = append(cur.Tags, "edited-later")
	cur.UpdatedAt = cur.UpdatedAt.Add(30 * day)
	must(t, s.UpdateRCA(ctx, &cur, "u", "tagged"), "UpdateRCA c")
	got, total, err := s.ListRCAs(ctx, store.RCAFilter{Since: ptr(at(3 * day)), Until: ptr(at(5 * day))})
	must(t, err, "ListRCAs by created_at after an edit")
	wantIDs(t, "created_at window after an edit", got, rcaID, c.ID)
	if total != 1 {
		t.Fatalf("total %d", total)
	}
}

func testComments(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	r := createRCA(t, s, "Commented")
	other := createRCA(t, s, "Other")
	c1 := domain.Comment{RCAID: r.ID, SectionKey: "root_cause", AuthorID: "u-rev", Body: "Is this **blameless**?", CreatedAt: at(time.Minute)}
	must(t, s.AddComment(ctx, &c1), "AddComment")
	if c1.ID == "" {
		t.Fatal("AddComment left the id empty")
	}
	before := time.Now()
	c2 := domain.Comment{RCAID: r.ID, AuthorID: "u-rev", Body: "Overall fine."}
	must(t, s.AddComment(ctx, &c2), "AddComment without time")
	within(t, "comment CreatedAt", c2.CreatedAt, before, time.Now())
	c0 := domain.Comment{RCAID: r.ID, SectionKey: "summary", AuthorID: "u-rev", Body: "Earlier.", CreatedAt: at(0)}
	must(t, s.AddComment(ctx, &c0), "AddComment earlier")
	must(t, s.AddComment(ctx, &domain.Comment{RCAID: other.ID, AuthorID: "u", Body: "elsewhere"}), "AddComment other RCA")
	wantErr(t, s.AddComment(ctx, &domain.Comment{RCAID: "nope", AuthorID: "u", Body: "x"}), store.ErrNotFound, "AddComment unknown RCA")

	list, err := s.ListComments(ctx, r.ID)
	must(t, err, "ListComments")
	wantEqual(t, "ListComments (oldest first)", list, []domain.Comment{c0, c1, c2})

	must(t, s.ResolveComment(ctx, r.ID, c1.ID, at(time.Hour)), "ResolveComment")
	list, _ = s.ListComments(ctx, r.ID)
	if list[1].ResolvedAt == nil {
		t.Fatal("ResolveComment did not set ResolvedAt")
	}
	sameInstant(t, "ResolvedAt", *list[1].ResolvedAt, at(time.Hour))
	wantUTC(t, "ResolvedAt", *list[1].ResolvedAt)
	if list[0].ResolvedAt != nil || list[2].ResolvedAt != nil {
		t.Fatal("ResolveComment resolved other comments")
	}
	wantErr(t, s.ResolveComment(ctx, r.ID, "nope", at(0)), store.ErrNotFound, "ResolveComment unknown comment")
	wantErr(t, s.ResolveComment(ctx, other.ID, c1.ID, at(0)), store.ErrNotFound, "ResolveComment with another RCA's id")

	none, err := s.ListComments(ctx, "nope")
	must(t, err, "ListComments unknown RCA")
	if len(none) != 0 {
		t.Fatalf("ListComments unknown RCA: %d", len(none))
	}
	// Deleting the RCA deletes its comments only.
	must(t, s.DeleteRCA(ctx, r.ID), "DeleteRCA")
	list, err = s.ListComments(ctx, r.ID)
	must(t, err, "ListComments after DeleteRCA")
	if len(list) != 0 {
		t.Fatalf("DeleteRCA left %d comments", len(list))
	}
	list, _ = s.ListComments(ctx, other.ID)
	if len(list) != 1 {
		t.Fatalf("DeleteRCA removed another RCA's comments: %d left", len(list))
	}
}
