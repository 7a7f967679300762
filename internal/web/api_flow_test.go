package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// TestAPIFlow walks the whole story of the issue through the API: components,
// incidents with updates, an RCA from each built-in template, a replace, a
// section save, co-authors on different and on the same section, the review
// workflow to published, the history and an old revision, a restore, and one
// RCA linked to two incidents, seen from both.
func TestAPIFlow(t *testing.T) {
	e := newEnv(t)
	author2 := e.addUser("author2@example.com", domain.RoleAuthor)
	e.tokens["author2"] = e.addToken(author2, domain.ScopeWrite, nil)
	now := e.clock.Now()

	// Components.
	api := e.component("Templates API")
	web := e.component("Dashboard")
	var comps struct {
		Items []domain.Component
		Total int
	}
	e.must("viewer", "GET", "/api/v1/components", nil, 200, &comps)
	if comps.Total != 2 {
		t.Fatalf("components: %+v", comps)
	}

	// Incidents with updates: the second one recurred a week later.
	var inc1, inc2 domain.Incident
	e.must("author", "POST", "/api/v1/incidents", map[string]any{
		"title": "Templates API partial outage", "impact": "major", "status": "investigating",
		"started_at": now.Add(-8 * 24 * time.Hour),
		"components": []map[string]any{{"component_id": api.ID, "status": "partial_outage"}},
		"updates":    []map[string]any{{"status": "investigating", "body": "We are looking into errors.", "at": now.Add(-8 * 24 * time.Hour)}},
	}, 201, &inc1)
	for i, st := range []string{"identified", "monitoring", "resolved"} {
		e.must("author", "POST", "/api/v1/incidents/"+inc1.ID+"/updates", map[string]any{
			"status": st, "body": "Step " + st, "at": now.Add(-8*24*time.Hour + time.Duration(i+1)*20*time.Minute),
		}, 201, &inc1)
	}
	if inc1.Status != domain.StatusResolved || inc1.ResolvedAt == nil || len(inc1.Updates) != 4 {
		t.Fatalf("incident after updates: status %s resolved %v updates %d", inc1.Status, inc1.ResolvedAt, len(inc1.Updates))
	}
	if want := now.Add(-8*24*time.Hour + 60*time.Minute); !inc1.ResolvedAt.Equal(want) {
		t.Fatalf("resolved_at %v, want %v", inc1.ResolvedAt, want)
	}
	e.must("author", "POST", "/api/v1/incidents", map[string]any{
		"title": "Templates API partial outage (recurrence)", "impact": "minor",
		"started_at": now.Add(-1 * 24 * time.Hour), "resolved_at": now.Add(-1*24*time.Hour + 30*time.Minute),
		"status":     "resolved",
		"components": []map[string]any{{"component_id": api.ID, "status": "degraded_performance"}, {"component_id": web.ID, "status": "degraded_performance"}},
	}, 201, &inc2)
	unresolved := e.incident("Still burning")

	// Incident list filters and envelope.
	var incs listEnvelope[domain.Incident]
	e.must("viewer", "GET", "/api/v1/incidents?unresolved=true", nil, 200, &incs)
	if incs.Total != 1 || incs.Items[0].ID != unresolved.ID || incs.Limit != 50 {
		t.Fatalf("unresolved filter: %+v", incs)
	}
	e.must("viewer", "GET", "/api/v1/incidents?q=recurrence", nil, 200, &incs)
	if incs.Total != 1 || incs.Items[0].ID != inc2.ID {
		t.Fatalf("q filter: total %d", incs.Total)
	}
	e.must("viewer", "GET", "/api/v1/incidents?limit=1&offset=1", nil, 200, &incs)
	if incs.Total != 3 || len(incs.Items) != 1 || incs.Limit != 1 || incs.Offset != 1 {
		t.Fatalf("paging: total %d items %d limit %d offset %d", incs.Total, len(incs.Items), incs.Limit, incs.Offset)
	}
	e.must("viewer", "GET", "/api/v1/incidents?status=resolved&since="+now.Add(-2*24*time.Hour).Format(time.RFC3339), nil, 200, &incs)
	if incs.Total != 1 || incs.Items[0].ID != inc2.ID {
		t.Fatalf("status+since: total %d", incs.Total)
	}

	// An RCA from each built-in template, sections from the template.
	var templates struct{ Items []domain.Template }
	e.must("viewer", "GET", "/api/v1/templates", nil, 200, &templates)
	if len(templates.Items) != 3 {
		t.Fatalf("templates: %d", len(templates.Items))
	}
	byTemplate := map[string]domain.RCA{}
	for _, tpl := range templates.Items {
		r := e.rca("Templates API partial outage", tpl.Key, inc1.ID)
		if r.State != domain.StateDraft || r.Version != 1 || r.Template != tpl.Key || len(r.Sections) != len(tpl.Sections) {
			t.Fatalf("%s: state %s version %d sections %d", tpl.Key, r.State, r.Version, len(r.Sections))
		}
		for i, d := range tpl.Sections {
			s := r.Sections[i]
			if s.Key != d.Key || s.Title != d.Title || s.Guidance != d.Guidance || s.Guidance == "" || s.Revision != 1 || s.Visibility != d.Visibility {
				t.Fatalf("%s section %d: %+v, want from %+v", tpl.Key, i, s, d)
			}
		}
		if !slices.Equal(r.AffectedServices, []string{"Templates API"}) || r.Language != "en" {
			t.Fatalf("%s: services %v language %q", tpl.Key, r.AffectedServices, r.Language)
		}
		byTemplate[tpl.Key] = r
	}
	r := byTemplate["standard"]
	if byTemplate["partner"].Slug == r.Slug {
		t.Fatal("two RCAs share a slug")
	}

	// Replace the whole RCA, as read.
	r.Title = "Templates API partial service disruption"
	r.Tags = []string{"database", "release"}
	r.Severity = domain.Sev2
	r.Timeline = []domain.TimelineEntry{
		{At: now.Add(-8 * 24 * time.Hour), Kind: domain.KindImpactStart, Text: "Errors begin"},
		{At: now.Add(-8*24*time.Hour + 5*time.Minute), Kind: domain.KindDetected, Text: "Alert fires"},
		{At: now.Add(-8*24*time.Hour + 60*time.Minute), Kind: domain.KindResolved, Text: "Recovered"},
	}
	r.ActionItems = []domain.ActionItem{{Title: "Check configuration components in release", Owner: "platform"}}
	r.Section("impact").Body = "About 18% of requests failed."
	var replaced domain.RCA
	e.must("author", "PUT", "/api/v1/rcas/"+r.ID, r, 200, &replaced)
	if replaced.Version != 2 || replaced.Title != r.Title || len(replaced.Timeline) != 3 || replaced.ActionItems[0].ID == "" {
		t.Fatalf("replaced: version %d title %q timeline %d", replaced.Version, replaced.Title, len(replaced.Timeline))
	}
	if replaced.Section("impact").Revision != 2 || replaced.Section("summary").Revision != 1 {
		t.Fatalf("section revisions after replace: impact %d summary %d", replaced.Section("impact").Revision, replaced.Section("summary").Revision)
	}
	// The same stale document again: 409 with the current one.
	w := e.as("author", "PUT", "/api/v1/rcas/"+r.ID, r)
	if w.Code != http.StatusConflict {
		t.Fatalf("stale replace: %d", w.Code)
	}
	var current domain.RCA
	if err := json.Unmarshal(decodeErr(t, w).Error.Current, &current); err != nil || current.Version != 2 {
		t.Fatalf("409 current: %v %d", err, current.Version)
	}

	// Save a section.
	var saved domain.RCA
	e.must("author", "PUT", "/api/v1/rcas/"+r.ID+"/sections/summary", map[string]any{
		"body": "For 47 minutes one in five requests failed.", "base_revision": 1,
		"translations": map[string]any{"de": map[string]any{"title": "Zusammenfassung", "body": "47 Minuten lang …"}},
	}, 200, &saved)
	if s := saved.Section("summary"); s.Body != "For 47 minutes one in five requests failed." || s.Revision != 2 || s.Translations["de"].Title != "Zusammenfassung" || saved.Version != 3 {
		t.Fatalf("saved section: %+v version %d", s, saved.Version)
	}

	// Two authors on different sections, both from the same read: both succeed.
	rootRev := saved.Section("root_cause").Revision
	resRev := saved.Section("resolution").Revision
	e.must("author", "PUT", "/api/v1/rcas/"+r.ID+"/sections/root_cause", map[string]any{"body": "A configuration component was not updated.", "base_revision": rootRev}, 200, nil)
	e.must("author2", "PUT", "/api/v1/rcas/"+r.ID+"/sections/resolution", map[string]any{"body": "We rolled the configuration forward.", "base_revision": resRev}, 200, nil)
	// The same section from the same read: the second gets 409 with the current text.
	w = e.serve(req{method: "PUT", path: "/api/v1/rcas/" + r.ID + "/sections/root_cause", token: e.tokens["author2"],
		body: map[string]any{"body": "Something else entirely.", "base_revision": rootRev}})
	if w.Code != http.StatusConflict {
		t.Fatalf("same section: %d %s", w.Code, w.Body)
	}
	ae := decodeErr(t, w)
	if ae.Error.Section == nil || ae.Error.Section.Body != "A configuration component was not updated." || ae.Error.Section.Revision != rootRev+1 {
		t.Fatalf("409 current_section: %+v", ae.Error.Section)
	}
	var got domain.RCA
	e.must("viewer", "GET", "/api/v1/rcas/"+r.ID, nil, 200, &got)
	if got.Section("root_cause").Body != "A configuration component was not updated." || got.Section("resolution").Body != "We rolled the configuration forward." {
		t.Fatal("co-authors' saves lost")
	}

	// Review workflow.
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "in_review", "override_reason": "test: an unfinished draft"}, 200, nil)
	w = e.as("author", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "approved"})
	if w.Code != 403 {
		t.Fatalf("author approved: %d", w.Code)
	}
	e.must("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "approved", "comment": "Clear and blameless."}, 200, nil)
	var published domain.RCA
	e.must("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "published"}, 200, &published)
	if published.State != domain.StatePublished || published.PublishedAt == nil || len(published.History) != 3 || !slices.Contains(published.Reviewers, e.users["reviewer"].ID) {
		t.Fatalf("published: state %s at %v history %d reviewers %v", published.State, published.PublishedAt, len(published.History), published.Reviewers)
	}
	w = e.as("author", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "draft"})
	if w.Code != 403 {
		t.Fatalf("author unpublished: %d", w.Code)
	}
	w = e.as("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "draft"})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "comment") {
		t.Fatalf("unpublish without a reason: %d %s", w.Code, w.Body)
	}
	// What was approved stays as it was: a published RCA is locked until it
	// moves back to draft with a reason.
	published.Tags = append(published.Tags, "published")
	w = e.as("author", "PUT", "/api/v1/rcas/"+r.ID, published)
	if w.Code != 409 || decodeErr(t, w).Error.Code != "locked" {
		t.Fatalf("replace of a published RCA: %d %s", w.Code, w.Body)
	}
	var unpublished domain.RCA
	e.must("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "draft", "comment": "Partner asked for the detection time."}, 200, &unpublished)
	// A replace that keeps the state is fine; the state in the body must match.
	unpublished.Tags = append(unpublished.Tags, "published")
	e.must("author", "PUT", "/api/v1/rcas/"+r.ID, unpublished, 200, &got)
	if got.State != domain.StateDraft || got.PublishedAt != nil {
		t.Fatalf("state after replace: %s", got.State)
	}

	// Revisions: newest first, one per write, each readable.
	var revs struct {
		Items []store.RevisionInfo
		Total int
	}
	e.must("viewer", "GET", "/api/v1/rcas/"+r.ID+"/revisions", nil, 200, &revs)
	if revs.Total != int(got.Version) || revs.Items[0].Version != got.Version || revs.Items[revs.Total-1].Version != 1 {
		t.Fatalf("revisions: total %d, first %d, version %d", revs.Total, revs.Items[0].Version, got.Version)
	}
	var rev1 store.Revision
	e.must("viewer", "GET", "/api/v1/rcas/"+r.ID+"/revisions/1", nil, 200, &rev1)
	if rev1.Snapshot.Title != "Templates API partial outage" || rev1.Snapshot.Section("summary").Body != "" {
		t.Fatalf("revision 1 snapshot: %q", rev1.Snapshot.Title)
	}

	// Restore version 1: old text, new revision, state kept.
	var restored domain.RCA
	e.must("author", "POST", fmt.Sprintf("/api/v1/rcas/%s/restore/1", r.ID), nil, 200, &restored)
	if restored.Title != "Templates API partial outage" || restored.State != domain.StateDraft || restored.Version != got.Version+1 || restored.Section("summary").Body != "" {
		t.Fatalf("restored: title %q state %s version %d", restored.Title, restored.State, restored.Version)
	}
	if restored.Section("summary").Revision <= 2 {
		t.Fatalf("restore did not bump the changed section's revision: %d", restored.Section("summary").Revision)
	}
	e.must("viewer", "GET", "/api/v1/rcas/"+r.ID+"/revisions", nil, 200, &revs)
	if revs.Items[0].Note != "restored 1" {
		t.Fatalf("restore note %q", revs.Items[0].Note)
	}

	// One RCA, two incidents: each incident shows it.
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/incidents", map[string]any{"incident_id": inc2.ID}, 200, &got)
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/incidents", map[string]any{"incident_id": inc2.ID}, 200, &got) // twice is fine
	if !slices.Equal(got.IncidentIDs, []string{inc1.ID, inc2.ID}) {
		t.Fatalf("incident ids: %v", got.IncidentIDs)
	}
	for _, id := range []string{inc1.ID, inc2.ID} {
		var inc domain.Incident
		e.must("viewer", "GET", "/api/v1/incidents/"+id, nil, 200, &inc)
		if !slices.Contains(inc.RCAIDs, r.ID) {
			t.Fatalf("incident %s does not show the RCA: %v", id, inc.RCAIDs)
		}
	}
	var rcas listEnvelope[domain.RCA]
	e.must("viewer", "GET", "/api/v1/rcas?incident_id="+inc2.ID, nil, 200, &rcas)
	if rcas.Total != 1 || rcas.Items[0].ID != r.ID {
		t.Fatalf("rcas by incident: %d", rcas.Total)
	}
	e.must("viewer", "GET", "/api/v1/incidents?without_rca=true", nil, 200, &incs)
	if incs.Total != 1 || incs.Items[0].ID != unresolved.ID {
		t.Fatalf("without_rca: %d", incs.Total)
	}
	e.must("author", "DELETE", "/api/v1/rcas/"+r.ID+"/incidents/"+inc2.ID, nil, 200, &got)
	var inc domain.Incident
	e.must("viewer", "GET", "/api/v1/incidents/"+inc2.ID, nil, 200, &inc)
	if slices.Contains(inc.RCAIDs, r.ID) {
		t.Fatal("unlinked incident still shows the RCA")
	}

	// Through review again and published once more.
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "in_review", "override_reason": "test: an unfinished draft"}, 200, nil)
	e.must("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "approved"}, 200, nil)
	e.must("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "published"}, 200, nil)

	// RCA list filters.
	e.must("viewer", "GET", "/api/v1/rcas?state=published&state=draft", nil, 200, &rcas)
	if rcas.Total != 3 {
		t.Fatalf("state filter: %d", rcas.Total)
	}
	e.must("viewer", "GET", "/api/v1/rcas?state=published", nil, 200, &rcas)
	if rcas.Total != 1 || rcas.Items[0].ID != r.ID {
		t.Fatalf("published filter: %d", rcas.Total)
	}
	e.must("viewer", "GET", "/api/v1/rcas?service=Templates+API", nil, 200, &rcas)
	if rcas.Total != 3 {
		t.Fatalf("service filter: %d", rcas.Total)
	}

	// Review comments.
	var cm domain.Comment
	e.must("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/comments", map[string]any{"section_key": "root_cause", "body": "Which component?"}, 201, &cm)
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/comments/"+cm.ID+"/resolve", nil, 200, &cm)
	if cm.ResolvedAt == nil || cm.AuthorID != e.users["reviewer"].ID {
		t.Fatalf("comment: %+v", cm)
	}
	var cms struct{ Items []domain.Comment }
	e.must("viewer", "GET", "/api/v1/rcas/"+r.ID+"/comments", nil, 200, &cms)
	if len(cms.Items) != 1 {
		t.Fatalf("comments: %d", len(cms.Items))
	}

	// The audit log saw the state changes.
	var audit listEnvelope[domain.AuditEvent]
	e.must("admin", "GET", "/api/v1/audit?action=rca.state&target=rca:"+r.ID, nil, 200, &audit)
	if audit.Total != 7 { // in review, approved, published, draft, and the three again
		t.Fatalf("state audit events: %d", audit.Total)
	}
	if audit.Items[0].Detail["to"] != "published" || audit.Items[0].Actor != e.users["reviewer"].ID {
		t.Fatalf("newest state event: %+v", audit.Items[0])
	}
}

func TestComponentsCRUD(t *testing.T) {
	e := newEnv(t)
	cp := e.component("Search")
	cp.Description = "Full-text search"
	cp.Status = domain.ComponentDegraded
	var upd domain.Component
	e.must("admin", "PUT", "/api/v1/components/"+cp.ID, map[string]any{"name": "Search", "description": cp.Description, "status": "degraded_performance", "version": cp.Version}, 200, &upd)
	if upd.Version != 2 || upd.Status != domain.ComponentDegraded {
		t.Fatalf("updated: %+v", upd)
	}
	w := e.as("admin", "PUT", "/api/v1/components/"+cp.ID, map[string]any{"name": "Search", "version": 1})
	if w.Code != 409 || len(decodeErr(t, w).Error.Current) == 0 {
		t.Fatalf("stale component: %d %s", w.Code, w.Body)
	}
	e.must("admin", "DELETE", "/api/v1/components/"+cp.ID, nil, 204, nil)
	if w := e.as("viewer", "GET", "/api/v1/components/"+cp.ID, nil); w.Code != 404 {
		t.Fatalf("deleted component: %d", w.Code)
	}
}

func TestUsersAdmin(t *testing.T) {
	e := newEnv(t)
	var u domain.User
	e.must("admin", "POST", "/api/v1/users", map[string]any{"email": "New.Person@Example.com", "name": "New Person", "role": "author", "password": "long enough pw"}, 201, &u)
	if u.Email != "new.person@example.com" || u.Role != domain.RoleAuthor {
		t.Fatalf("created: %+v", u)
	}
	w := e.as("admin", "GET", "/api/v1/users", nil)
	if w.Code != 200 || jsonHas(w.Body.Bytes(), "password") {
		t.Fatalf("user list: %d or exposes a password field", w.Code)
	}
	stored, err := e.st.GetUser(t.Context(), u.ID)
	if err != nil || stored.PasswordHash == "" || stored.PasswordHash == "long enough pw" {
		t.Fatalf("stored hash: %v", err)
	}
	if w := e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": "new.person@example.com", "password": "long enough pw"}}); w.Code != 200 {
		t.Fatalf("new user cannot sign in: %d", w.Code)
	}
	e.must("admin", "PUT", "/api/v1/users/"+u.ID, map[string]any{"role": "reviewer"}, 200, &u)
	if u.Role != domain.RoleReviewer {
		t.Fatalf("role: %s", u.Role)
	}
	// The last admin cannot demote or disable themselves.
	admin := e.users["admin"]
	for _, body := range []map[string]any{{"role": "author"}, {"disabled": true}} {
		was := e.snapshot()
		w := e.as("admin", "PUT", "/api/v1/users/"+admin.ID, body)
		if w.Code != 409 {
			t.Fatalf("last admin change %v: %d", body, w.Code)
		}
		if e.snapshot() != was {
			t.Fatal("refused change altered the store")
		}
	}
	var audit listEnvelope[domain.AuditEvent]
	e.must("admin", "GET", "/api/v1/audit?action=user.&target=user:"+u.ID, nil, 200, &audit)
	if audit.Total != 3 || audit.Items[0].Detail["role"] != "author -> reviewer" || audit.Items[1].Action != "user.signin" || audit.Items[2].Action != "user.create" {
		t.Fatalf("user audit: %+v", audit.Items)
	}
	var me struct {
		User domain.User `json:"user"`
		Auth string      `json:"auth"`
	}
	e.must("viewer", "GET", "/api/v1/me", nil, 200, &me)
	if me.User.ID != e.users["viewer"].ID || me.Auth != "token" {
		t.Fatalf("me: %+v", me)
	}
}

func TestIncidentReplaceRoundTrip(t *testing.T) {
	e := newEnv(t)
	inc := e.incident("Login failures")
	inc.Title = "Login failures for SSO users"
	inc.Impact = domain.ImpactCritical
	// The document as read goes back with its read-only members.
	var got domain.Incident
	e.must("author", "PUT", "/api/v1/incidents/"+inc.ID, inc, 200, &got)
	if got.Version != 2 || got.Title != inc.Title || got.Impact != domain.ImpactCritical || !got.CreatedAt.Equal(inc.CreatedAt) {
		t.Fatalf("replaced: %+v", got)
	}
	w := e.as("author", "PUT", "/api/v1/incidents/"+inc.ID, inc)
	if w.Code != 409 {
		t.Fatalf("stale incident: %d", w.Code)
	}
	var cur domain.Incident
	if err := json.Unmarshal(decodeErr(t, w).Error.Current, &cur); err != nil || cur.Version != 2 {
		t.Fatalf("409 current: %v", err)
	}
	e.must("admin", "DELETE", "/api/v1/incidents/"+inc.ID, nil, 204, nil)
	if w := e.as("viewer", "GET", "/api/v1/incidents/"+inc.ID, nil); w.Code != 404 {
		t.Fatalf("deleted: %d", w.Code)
	}
}

func jsonHas(b []byte, key string) bool {
	var v struct {
		Items []map[string]any `json:"items"`
	}
	if json.Unmarshal(b, &v) != nil {
		return false
	}
	for _, it := range v.Items {
		for k := range it {
			if k == key || k == "password_hash" {
				return true
			}
		}
	}
	return false
}
