package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

var rcaIDRe = regexp.MustCompile(`^/rcas/([0-9a-f]{32})/edit$`)

func TestCreateRCAFromIncident(t *testing.T) {
	e := newUIEnv(t)
	api := e.component("Checkout API")
	in := e.incident("Checkout Partial Service Disruption", api)
	c := e.as(domain.RoleAuthor)

	r := c.get("/incidents/"+in.ID, http.StatusOK)
	mustContain(t, r.body, `href="/rcas/new?incident=`+in.ID+`"`, "Write RCA")
	r = c.get("/rcas/new?incident="+in.ID, http.StatusOK)
	mustContain(t, r.body, `value="Checkout Partial Service Disruption"`, "Standard postmortem", "Partner RCA", "Third-party cause",
		"Root cause", "Lessons learned", `name="incident" value="`+in.ID+`"`)

	r = c.post("/rcas", url.Values{"title": {"Checkout Partial Service Disruption"}, "template": {"standard"}, "language": {"en"}, "incident": {in.ID}}, http.StatusSeeOther)
	m := rcaIDRe.FindStringSubmatch(location(t, r))
	if m == nil {
		t.Fatalf("create redirects to %q", location(t, r))
	}
	got := e.getRCA(m[1])
	if len(got.IncidentIDs) != 1 || got.IncidentIDs[0] != in.ID {
		t.Errorf("incident ids = %v", got.IncidentIDs)
	}
	// The date is derived from the linked incidents, not copied (changed
	// deliberately: a copied date hid the range once more were linked).
	if got.IncidentDate != nil {
		t.Errorf("incident date = %v, want none (derived)", got.IncidentDate)
	}
	if len(got.AffectedServices) != 1 || got.AffectedServices[0] != "Checkout API" {
		t.Errorf("affected services = %v", got.AffectedServices)
	}
	kinds := []domain.TimelineKind{}
	for _, te := range got.Timeline {
		kinds = append(kinds, te.Kind)
	}
	want := []domain.TimelineKind{domain.KindImpactStart, domain.KindDetected, domain.KindIdentified, domain.KindResolved}
	if len(kinds) != len(want) {
		t.Fatalf("timeline kinds = %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("timeline[%d] kind = %s, want %s", i, kinds[i], want[i])
		}
	}
	// The editor opens with a flash and the first empty required section.
	r = c.get("/rcas/"+got.ID+"/edit", http.StatusOK)
	mustContain(t, r.body, "Draft created.", `aria-current="step"`, "In three or four sentences", `id="section-body"`)

	// Importing again adds nothing new.
	r = c.post("/rcas/"+got.ID+"/timeline/import", nil, http.StatusSeeOther)
	c.get(location(t, r), http.StatusOK)
	if n := len(e.getRCA(got.ID).Timeline); n != 4 {
		t.Errorf("after a second import the timeline has %d entries, want 4", n)
	}
}

func TestCreateRCAValidationKeepsInput(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/new", http.StatusOK)
	r := c.post("/rcas", url.Values{"title": {"   "}, "template": {"partner"}, "language": {"de"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This field is required.", `id="tpl-partner" name="template" value="partner" checked`, `<option value="de" selected`)
	r = c.post("/rcas", url.Values{"title": {"Kept title"}, "template": {"nope"}}, http.StatusUnprocessableEntity)
	// tmpl area: templates may be custom, so the service names an unknown key (was "required").
	mustContain(t, r.body, `value="Kept title"`, "This value is not one of the allowed choices.")
	r = c.post("/rcas", url.Values{"title": {"Kept title"}, "template": {""}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This field is required.")
}

func TestEditorShowsGuidanceProgressAndChecks(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Edge cache outage")
	ctx := context.Background()
	if _, err := e.st.SaveSection(ctx, rc.ID, "root_cause", domain.SectionEdit{Body: "It was human error by the on-call.", BaseRevision: 1}, e.users[domain.RoleAuthor].ID); err != nil {
		t.Fatal(err)
	}
	c := e.as(domain.RoleAuthor)
	r := c.get("/rcas/"+rc.ID+"/edit?section=root_cause", http.StatusOK)
	mustContain(t, r.body,
		"Describe systems and conditions, not people",             // guidance
		"The failover script updated the DNS record",              // example
		`data-section="root_cause" data-revision="2"`,             // autosave wiring
		"It was human error by the on-call.",                      // body
		"1 of 8 sections written",                                 // progress
		"blames people",                                           // blameless finding shown at the section
		`data-check="blameless"`, `data-check="action_owner_due"`, // the checklist
		"“Summary” is required and still empty.",
	)
	// The facts view shows derived values beside the override.
	r = c.get("/rcas/"+rc.ID+"/edit?section=_facts", http.StatusOK)
	mustContain(t, r.body, `id="f-duration"`, "Derived from the timeline:", `name="incident_date"`)
	// A viewer cannot open the editor.
	e.as(domain.RoleViewer).get("/rcas/"+rc.ID+"/edit", http.StatusForbidden)
	e.as(domain.RoleAuthor).get("/rcas/nosuchid/edit", http.StatusNotFound)
}

func TestTimelineEntriesAreEnteredInAZoneAndStoredInUTC(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)
	r := c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"Europe/Berlin"}, "kind": {"detected"},
		"text": {"Alert fired"}, "visibility": {"external"}}, http.StatusSeeOther)
	if got := location(t, r); got != "/rcas/"+rc.ID+"/edit?section=timeline&tz=Europe%2FBerlin#timeline-add" {
		t.Errorf("redirect = %q", got)
	}
	got := e.getRCA(rc.ID)
	if len(got.Timeline) != 1 {
		t.Fatalf("timeline = %+v", got.Timeline)
	}
	if want := time.Date(2026, 3, 4, 9, 15, 0, 0, time.UTC); !got.Timeline[0].At.Equal(want) || got.Timeline[0].At.Location() != time.UTC {
		t.Errorf("stored at %v, want %v in UTC", got.Timeline[0].At, want)
	}
	// The zone picked for an entry stays with the editor page (?tz=) and
	// never changes the user's own preference (issue 12; it used to).
	u, _ := e.st.GetUser(context.Background(), e.users[domain.RoleAuthor].ID)
	if u.TimeZone != "" {
		t.Errorf("user zone = %q, want it unchanged (empty)", u.TimeZone)
	}
	r = c.get("/rcas/"+rc.ID+"/edit?section=timeline&tz=Europe%2FBerlin", http.StatusOK)
	eid := got.Timeline[0].ID
	mustContain(t, r.body, `id="at-`+eid+`" name="at" value="2026-03-04T10:15"`, "2026-03-04T09:15:00Z", "Timeline (Europe/Berlin)")

	// Editing keeps the zone: summer time is UTC+2 in Berlin.
	c.post("/rcas/"+rc.ID+"/timeline/"+eid, url.Values{"at": {"2026-07-01T12:00"}, "tz": {"Europe/Berlin"}, "kind": {"resolved"},
		"text": {"All clear"}, "visibility": {"internal"}}, http.StatusSeeOther)
	got = e.getRCA(rc.ID)
	if e0 := got.Timeline[0]; !e0.At.Equal(time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)) || e0.Kind != domain.KindResolved || e0.Visibility != domain.Internal || e0.ID != eid {
		t.Errorf("edited entry = %+v", e0)
	}
	// Entries are kept in time order whatever order they are added in.
	c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T08:00"}, "tz": {"UTC"}, "kind": {"impact_start"}, "text": {"Errors begin"}}, http.StatusSeeOther)
	got = e.getRCA(rc.ID)
	if len(got.Timeline) != 2 || got.Timeline[0].Text != "Errors begin" {
		t.Errorf("timeline order = %+v", got.Timeline)
	}
	c.post("/rcas/"+rc.ID+"/timeline/"+eid+"/delete", nil, http.StatusSeeOther)
	if got = e.getRCA(rc.ID); len(got.Timeline) != 1 {
		t.Errorf("after delete: %d entries", len(got.Timeline))
	}
}

func TestTimelineValidationKeepsInput(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)
	tests := []struct {
		name  string
		form  url.Values
		wants []string
	}{
		{"no text", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"UTC"}, "kind": {"detected"}, "text": {""}},
			[]string{"This field is required.", `value="2026-03-04T10:15"`, `<option value="detected" selected`}},
		{"bad time", url.Values{"at": {"yesterday"}, "tz": {"UTC"}, "kind": {"note"}, "text": {"Kept text"}},
			[]string{"This value is not valid.", "Kept text"}},
		{"bad zone", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"Nowhere/City"}, "kind": {"note"}, "text": {"Zone text"}},
			[]string{"This value is not valid.", "Zone text"}},
		{"bad kind", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"UTC"}, "kind": {"explosion"}, "text": {"Kind text"}},
			[]string{"This value is not one of the allowed choices.", "Kind text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.post("/rcas/"+rc.ID+"/timeline", tt.form, http.StatusUnprocessableEntity)
			mustContain(t, r.body, tt.wants...)
		})
	}
	if n := len(e.getRCA(rc.ID).Timeline); n != 0 {
		t.Errorf("invalid entries were stored: %d", n)
	}
}

func TestActionItems(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/"+rc.ID+"/edit?section=preventive_measures", http.StatusOK)

	r := c.post("/rcas/"+rc.ID+"/actions", url.Values{"title": {"Add a probe"}, "owner": {""}, "due": {"2026-04-01"},
		"state": {"open"}, "tracker_url": {"ftp://tracker/1"}, "visibility": {"external"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="Add a probe"`, `value="ftp://tracker/1"`, `value="2026-04-01"`, "This value is not valid.")

	r = c.post("/rcas/"+rc.ID+"/actions", url.Values{"title": {"Add a probe"}, "owner": {"SRE team"}, "due": {"2026-04-01"},
		"state": {"open"}, "tracker_url": {"https://tracker.example/T-1"}, "visibility": {"external"}}, http.StatusSeeOther)
	if got := location(t, r); !strings.HasSuffix(got, "?section=preventive_measures#action-add") {
		t.Errorf("redirect = %q", got)
	}
	got := e.getRCA(rc.ID)
	if len(got.ActionItems) != 1 {
		t.Fatalf("action items = %+v", got.ActionItems)
	}
	a := got.ActionItems[0]
	if a.Owner != "SRE team" || a.Due == nil || a.Due.String() != "2026-04-01" || a.TrackerURL != "https://tracker.example/T-1" {
		t.Errorf("stored item = %+v", a)
	}
	// Editing with a bad date keeps the row's input and stores nothing.
	r = c.post("/rcas/"+rc.ID+"/actions/"+a.ID, url.Values{"title": {"Renamed probe"}, "owner": {"SRE team"}, "due": {"next week"},
		"state": {"in_progress"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="Renamed probe"`, `value="next week"`)
	c.post("/rcas/"+rc.ID+"/actions/"+a.ID, url.Values{"title": {"Renamed probe"}, "owner": {"Payments"}, "due": {""},
		"state": {"done"}, "visibility": {"internal"}}, http.StatusSeeOther)
	a = e.getRCA(rc.ID).ActionItems[0]
	if a.Title != "Renamed probe" || a.State != domain.ActionDone || a.Due != nil || a.Visibility != domain.Internal {
		t.Errorf("edited item = %+v", a)
	}
	c.post("/rcas/"+rc.ID+"/actions/"+a.ID+"/delete", nil, http.StatusSeeOther)
	if n := len(e.getRCA(rc.ID).ActionItems); n != 0 {
		t.Errorf("after delete: %d items", n)
	}
	// Editing an item deleted meanwhile says so instead of failing.
	r = c.post("/rcas/"+rc.ID+"/actions/"+a.ID, url.Values{"title": {"x"}}, http.StatusSeeOther)
	r = c.get(location(t, r), http.StatusOK)
	mustContain(t, r.body, "That entry was deleted meanwhile.")
}

func TestFactsAndIncidentLinks(t *testing.T) {
	e := newUIEnv(t)
	a, b := e.incident("First outage"), e.incident("Second outage")
	rc := e.rca("Recurring outage")
	c := e.as(domain.RoleAuthor)
	r := c.get("/rcas/"+rc.ID+"/edit?section=_facts", http.StatusOK)
	mustContain(t, r.body, "First outage", "Second outage", "No incidents linked yet.")

	r = c.post("/rcas/"+rc.ID+"/facts", url.Values{"title": {"Recurring outage"}, "incident_date": {"4 March"}, "duration_override": {"~2 hours"},
		"severity": {"sev2"}, "affected_services": {"API, Web"}, "tags": {"db"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="4 March"`, `value="~2 hours"`, `value="API, Web"`, "This value is not valid.")

	c.post("/rcas/"+rc.ID+"/facts", url.Values{"title": {"Recurring DB outage"}, "incident_date": {"2026-03-04"}, "duration_override": {"~2 hours"},
		"severity": {"sev2"}, "affected_services": {"API, Web,, "}, "tags": {"db, failover"}}, http.StatusSeeOther)
	got := e.getRCA(rc.ID)
	if got.Title != "Recurring DB outage" || got.Severity != domain.Sev2 || strings.Join(got.AffectedServices, "|") != "API|Web" ||
		strings.Join(got.Tags, "|") != "db|failover" || got.DurationOverride != "~2 hours" || got.IncidentDate == nil {
		t.Errorf("facts = %+v", got)
	}
	// Link several incidents at once, then unlink one.
	c.post("/rcas/"+rc.ID+"/incidents/link", url.Values{"incident": {a.ID, b.ID}}, http.StatusSeeOther)
	if got = e.getRCA(rc.ID); len(got.IncidentIDs) != 2 {
		t.Fatalf("linked = %v", got.IncidentIDs)
	}
	c.post("/rcas/"+rc.ID+"/incidents/unlink", url.Values{"incident": {a.ID}}, http.StatusSeeOther)
	if got = e.getRCA(rc.ID); len(got.IncidentIDs) != 1 || got.IncidentIDs[0] != b.ID {
		t.Errorf("after unlink = %v", got.IncidentIDs)
	}
	r = c.post("/rcas/"+rc.ID+"/incidents/link", url.Values{"incident": {"nosuch"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This value is not valid.")
}

func TestSectionSaveWithoutJavaScriptShowsConflicts(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Cache stampede")
	alice, bob := e.as(domain.RoleAuthor), e.as(domain.RoleAdmin)
	alice.get("/rcas/"+rc.ID+"/edit?section=summary", http.StatusOK)
	bob.get("/rcas/"+rc.ID+"/edit?section=summary", http.StatusOK)
	r := alice.post("/rcas/"+rc.ID+"/sections/summary", url.Values{"body": {"Alice's summary"}, "base_revision": {"1"}, "visibility": {"external"}}, http.StatusSeeOther)
	alice.get(location(t, r), http.StatusOK)
	r = bob.post("/rcas/"+rc.ID+"/sections/summary", url.Values{"body": {"Bob's summary"}, "base_revision": {"1"}}, http.StatusConflict)
	mustContain(t, r.body, "Alice&#39;s summary", "Bob&#39;s summary", `data-revision="2"`, "Someone else changed this section")
	if got := sectionBody(e.getRCA(rc.ID), "summary"); got != "Alice's summary" {
		t.Fatalf("stored = %q", got)
	}
	// Saving the merge against the revision shown succeeds.
	bob.post("/rcas/"+rc.ID+"/sections/summary", url.Values{"body": {"Alice's and Bob's summary"}, "base_revision": {"2"}}, http.StatusSeeOther)
	if got := sectionBody(e.getRCA(rc.ID), "summary"); got != "Alice's and Bob's summary" {
		t.Fatalf("stored = %q", got)
	}
}

func TestReviewFlow(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Login outage")
	author, reviewer := e.as(domain.RoleAuthor), e.as(domain.RoleReviewer)

	r := author.get("/rcas/"+rc.ID, http.StatusOK)
	mustContain(t, r.body, `id="move-in_review"`, "Submit for review")
	mustNotContain(t, r.body, `id="move-approved"`)
	author.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"in_review"}, "override_reason": {"test: an unfinished draft"}}, http.StatusSeeOther)

	// A reviewer comments on one section.
	reviewer.get("/rcas/"+rc.ID, http.StatusOK)
	reviewer.post("/rcas/"+rc.ID+"/comments", url.Values{"section": {"impact"}, "body": {"Please add numbers."}}, http.StatusSeeOther)
	r = author.get("/rcas/"+rc.ID+"/edit?section=impact", http.StatusOK)
	mustContain(t, r.body, "Please add numbers.", "Reviewer Person")

	// Sending back needs a reason; the page says so and keeps the rest.
	r = reviewer.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"draft"}, "comment": {"  "}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This field is required.")
	reviewer.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"draft"}, "comment": {"Impact lacks numbers"}}, http.StatusSeeOther)
	author.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"in_review"}, "override_reason": {"test: an unfinished draft"}}, http.StatusSeeOther)

	// The author cannot approve.
	r = author.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"approved"}}, http.StatusForbidden)
	mustContain(t, r.body, "You are not allowed to do this.", `href="/?lang=de"`)
	if e.getRCA(rc.ID).State != domain.StateInReview {
		t.Fatal("author approved an RCA")
	}
	// flow: the open comment stops the approval, named on the page.
	r = reviewer.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"approved"}, "comment": {"Looks good"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `id="approval-blocked"`, "Please add numbers.")
	comments, err := e.st.ListComments(context.Background(), rc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range comments {
		reviewer.post("/rcas/"+rc.ID+"/comments/"+cm.ID+"/resolve", url.Values{}, http.StatusSeeOther)
	}
	r = reviewer.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"approved"}, "comment": {"Looks good"}}, http.StatusSeeOther)
	r = reviewer.get(location(t, r), http.StatusOK)
	mustContain(t, r.body, "Approved.", `id="publish"`, "Impact lacks numbers", "Looks good")
	got := e.getRCA(rc.ID)
	if got.State != domain.StateApproved || len(got.History) != 4 {
		t.Fatalf("state %s, history %+v", got.State, got.History)
	}
	// Approved RCAs are read-only in the editor.
	r = author.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"UTC"}, "kind": {"note"}, "text": {"late"}}, http.StatusSeeOther)
	r = author.get(location(t, r), http.StatusOK)
	mustContain(t, r.body, "cannot be changed in its current state")
	r = author.get("/rcas/"+rc.ID+"/edit?section=summary", http.StatusOK)
	mustContain(t, r.body, `id="section-body" name="body" readonly`, `id="section-visibility" name="visibility" disabled`, "is not a draft or in review")
	mustNotContain(t, r.body, `id="section-save"`, `id="timeline-add"`)
}

func TestHistoryDiffAndRestore(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Disk full")
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/"+rc.ID+"/edit", http.StatusOK)
	c.post("/rcas/"+rc.ID+"/sections/summary", url.Values{"body": {"line one\nline two"}, "base_revision": {"1"}}, http.StatusSeeOther)
	// Another user's save: one author's autosaves within 10 minutes fold
	// into one revision (scalemulti), another's make a new one.
	e.as(domain.RoleAdmin).post("/rcas/"+rc.ID+"/sections/summary", url.Values{"body": {"line one\nline 2"}, "base_revision": {"2"}}, http.StatusSeeOther)

	r := c.get("/rcas/"+rc.ID+"/history", http.StatusOK)
	mustContain(t, r.body, `name="from" value="2"`, `name="to" value="3"`, "Author Person", "Restore this version")
	r = c.get("/rcas/"+rc.ID+"/diff?from=2&to=3", http.StatusOK)
	mustContain(t, r.body, `class="l delete"`, "line two", `class="l insert"`, "line 2")
	r = c.get("/rcas/"+rc.ID+"/diff?from=3&to=3", http.StatusOK)
	mustContain(t, r.body, "The two versions have the same content.")
	c.get("/rcas/"+rc.ID+"/diff?from=x&to=3", http.StatusBadRequest)
	c.get("/rcas/"+rc.ID+"/diff?from=1&to=99", http.StatusNotFound)

	c.post("/rcas/"+rc.ID+"/restore/2", nil, http.StatusSeeOther)
	got := e.getRCA(rc.ID)
	if s := got.Section("summary"); s.Body != "line one\nline two" || s.Revision != 4 {
		t.Errorf("restored section = %q rev %d", s.Body, s.Revision)
	}
	if got.Version != 4 {
		t.Errorf("version = %d, want 4 (restoring adds a version)", got.Version)
	}
}

func TestRCAPageShowsDocumentAndExports(t *testing.T) {
	e := newUIEnv(t)
	in := e.incident("Search slow")
	rc := e.rca("Search slowness", in.ID)
	ctx := context.Background()
	author := e.users[domain.RoleAuthor].ID
	if _, err := e.st.SaveSection(ctx, rc.ID, "summary", domain.SectionEdit{Body: "Search was **slow**.", BaseRevision: 1}, author); err != nil {
		t.Fatal(err)
	}
	c := e.as(domain.RoleViewer)
	r := c.get("/rcas/"+rc.ID, http.StatusOK)
	mustContain(t, r.body, "<strong>slow</strong>", "Search slow", `action="/api/v1/rcas/`+rc.ID+`/export"`, `formaction="/rcas/`+rc.ID+`/report"`)
	// A viewer reads the external edition: no internal section (issue 10).
	mustNotContain(t, r.body, `id="move-in_review"`, "Comment on this section", `<option value="internal">`, "Lessons learned")
	mustContain(t, e.as(domain.RoleAuthor).get("/rcas/"+rc.ID, http.StatusOK).body, "Lessons learned")
	// Reviewers see what the quality checks still miss.
	mustContain(t, r.body, "checks pass", `data-check="required_sections"`, "“Impact” is required and still empty.")
}

func sectionBody(r domain.RCA, key string) string {
	if s := r.Section(key); s != nil {
		return s.Body
	}
	return "<no section " + key + ">"
}
