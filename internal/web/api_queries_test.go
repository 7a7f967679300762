package web

import (
	"slices"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestListQueryErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/incidents?limit=abc", 400, "limit"},
		{"/api/v1/incidents?limit=-1", 400, "limit"},
		{"/api/v1/incidents?offset=x", 400, "offset"},
		{"/api/v1/incidents?since=yesterday", 400, "since"},
		{"/api/v1/incidents?until=2026-13-01", 400, "until"},
		{"/api/v1/incidents?unresolved=maybe", 400, "unresolved"},
		{"/api/v1/incidents?without_rca=2", 400, "without_rca"},
		{"/api/v1/incidents?status=fixed", 422, "status"},
		{"/api/v1/rcas?state=draft&state=bogus", 422, "state"},
		{"/api/v1/rcas?since=2026-02-30", 400, "since"},
		{"/api/v1/audit?limit=many", 400, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := e.as("admin", "GET", tt.path, nil)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			ae := decodeErr(t, w)
			if ae.Error.Field != tt.field && !hasProblemOn(ae, tt.field) {
				t.Fatalf("error does not name %q: %s", tt.field, w.Body)
			}
		})
	}
	// Limits are clamped, and plain dates are accepted.
	var l listEnvelope[domain.Incident]
	e.must("viewer", "GET", "/api/v1/incidents?limit=100000&since=2020-01-01", nil, 200, &l)
	if l.Limit != 500 || l.Items == nil {
		t.Fatalf("clamped list: limit %d items %v", l.Limit, l.Items)
	}
}

func TestRCAReplaceKeepsServerOwnedFields(t *testing.T) {
	e := newEnv(t)
	inc := e.incident("Disk full")
	r := e.rca("Disk full", "partner", inc.ID)
	orig := r
	r.Sections = slices.Clone(r.Sections) // orig must not see the edits below
	// A changed id or created_at is refused, naming them (hygiene: a PUT
	// takes its GET back, read-only members unchanged).
	forged := r
	forged.ID = "forged"
	forged.CreatedAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if w := e.as("author", "PUT", "/api/v1/rcas/"+orig.ID, forged); w.Code != 422 ||
		!hasProblemOn(decodeErr(t, w), "id") || !hasProblemOn(decodeErr(t, w), "created_at") {
		t.Fatalf("forged id: %d %s", w.Code, w.Body)
	}
	// Other server-owned members a client rewrites are ignored.
	r.Template = "standard"
	r.CreatedBy = "someone"
	r.History = []domain.StateChange{{From: "draft", To: "published"}}
	r.PublishedAt = &forged.CreatedAt
	r.Sections[0].Guidance = "ignore the template"
	r.Sections[0].Required = false
	// And legitimately adds a custom section and drops another.
	r.Sections = append(r.Sections[:len(r.Sections)-1], domain.Section{Key: "customer_note", Title: "A note for customers", Body: "Sorry."})
	var got domain.RCA
	e.must("author", "PUT", "/api/v1/rcas/"+orig.ID, r, 200, &got)
	if got.ID != orig.ID || got.Template != "partner" || got.CreatedBy != orig.CreatedBy || !got.CreatedAt.Equal(orig.CreatedAt) ||
		len(got.History) != 0 || got.PublishedAt != nil || got.State != domain.StateDraft {
		t.Fatalf("server-owned fields changed: %+v", got)
	}
	tpl, _ := domain.BuiltinTemplate("partner")
	if got.Sections[0].Guidance != tpl.Sections[0].Guidance || !got.Sections[0].Required {
		t.Fatalf("guidance from the client: %+v", got.Sections[0])
	}
	last := got.Sections[len(got.Sections)-1]
	if last.Key != "customer_note" || last.Body != "Sorry." || last.Revision != 1 || last.Visibility != domain.External {
		t.Fatalf("custom section: %+v", last)
	}
	if got.Section("preventive_measures") != nil {
		t.Fatal("dropped section still there")
	}
	// Duplicate keys are refused.
	got.Sections = append(got.Sections, got.Sections[0])
	w := e.as("author", "PUT", "/api/v1/rcas/"+orig.ID, got)
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "sections[5].key") {
		t.Fatalf("duplicate section: %d %s", w.Code, w.Body)
	}
}

func TestRCADelete(t *testing.T) {
	e := newEnv(t)
	inc := e.incident("Expired certificate")
	r := e.rca("Expired certificate", "standard", inc.ID)
	e.must("admin", "DELETE", "/api/v1/rcas/"+r.ID, nil, 204, nil)
	if w := e.as("viewer", "GET", "/api/v1/rcas/"+r.ID, nil); w.Code != 404 {
		t.Fatalf("deleted RCA: %d", w.Code)
	}
	if w := e.as("viewer", "GET", "/api/v1/rcas/"+r.ID+"/revisions", nil); w.Code != 404 {
		t.Fatalf("deleted RCA's revisions: %d", w.Code)
	}
	var got domain.Incident
	e.must("viewer", "GET", "/api/v1/incidents/"+inc.ID, nil, 200, &got)
	if slices.Contains(got.RCAIDs, r.ID) {
		t.Fatal("incident still links the deleted RCA")
	}
	var audit listEnvelope[domain.AuditEvent]
	e.must("admin", "GET", "/api/v1/audit?action=rca.delete", nil, 200, &audit)
	if audit.Total != 1 || audit.Items[0].Target != "rca:"+r.ID {
		t.Fatalf("delete audit: %+v", audit.Items)
	}
}

func TestCreateRCADefaults(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.DefaultLanguage = "de" })
	var r domain.RCA
	e.must("author", "POST", "/api/v1/rcas", map[string]any{"title": "  Überlast im Zahlungsdienst  "}, 201, &r)
	if r.Template != domain.TemplateStandard || r.Language != "de" || r.Title != "Überlast im Zahlungsdienst" || r.Slug != "uberlast-im-zahlungsdienst" {
		t.Fatalf("defaults: template %q language %q title %q slug %q", r.Template, r.Language, r.Title, r.Slug)
	}
	if !slices.Equal(r.Authors, []string{e.users["author"].ID}) || r.CreatedBy != e.users["author"].ID {
		t.Fatalf("authors %v created_by %q", r.Authors, r.CreatedBy)
	}
	var again domain.RCA
	e.must("author", "POST", "/api/v1/rcas", map[string]any{"title": "Überlast im Zahlungsdienst", "language": "en"}, 201, &again)
	if again.Slug == r.Slug {
		t.Fatal("slug reused")
	}
}

func TestRCAGetBySlug(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Payment provider timeouts", "third_party")
	var got domain.RCA
	e.must("viewer", "GET", "/api/v1/rcas/"+r.Slug, nil, 200, &got)
	if got.ID != r.ID || r.Slug != "payment-provider-timeouts" {
		t.Fatalf("by slug: %q %q", got.ID, r.Slug)
	}
	if w := e.as("viewer", "GET", "/api/v1/rcas/no-such-slug", nil); w.Code != 404 {
		t.Fatalf("unknown slug: %d", w.Code)
	}
}

func TestAuditFilters(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Audit me", "standard")
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "in_review", "override_reason": "test: an unfinished draft"}, 200, nil)
	cut := e.clock.Now().Add(time.Second)
	e.clock.Advance(time.Hour)
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "draft", "comment": "more work"}, 200, nil)
	var l listEnvelope[domain.AuditEvent]
	e.must("admin", "GET", "/api/v1/audit?action=rca.state&since="+cut.Format(time.RFC3339), nil, 200, &l)
	if l.Total != 1 || l.Items[0].Detail["to"] != "draft" || l.Items[0].Detail["comment"] != "more work" {
		t.Fatalf("since filter: %+v", l.Items)
	}
	e.must("admin", "GET", "/api/v1/audit?actor="+e.users["author"].ID+"&limit=1", nil, 200, &l)
	if l.Total < 3 || len(l.Items) != 1 || l.Limit != 1 {
		t.Fatalf("actor filter with paging: total %d items %d", l.Total, len(l.Items))
	}
	if l.Items[0].IP == "" || l.Items[0].At.IsZero() {
		t.Fatalf("event lacks address or time: %+v", l.Items[0])
	}
}

func TestUnsupportedLanguageFallsBack(t *testing.T) {
	e := newEnv(t)
	w := e.serve(req{method: "GET", path: "/api/v1/rcas/nope", token: e.tokens["viewer"], header: map[string]string{"Accept-Language": "tlh, xx;q=0.5"}})
	en := e.serve(req{method: "GET", path: "/api/v1/rcas/nope", token: e.tokens["viewer"]})
	if decodeErr(t, w).Error.Message != decodeErr(t, en).Error.Message {
		t.Fatal("an unsupported language did not fall back to the default")
	}
}
