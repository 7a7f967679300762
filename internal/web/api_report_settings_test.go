package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// report2 area: the organisation's header defaults apply to every export;
// an export's own options win; stale versions are 409 and bad values 422,
// changing nothing; only admins read or write them.
func TestAPIReportHeaderDefaults(t *testing.T) {
	e := newEnv(t)
	var rc domain.RCA
	e.must("author", "POST", "/api/v1/rcas", map[string]any{"title": "Defaults", "template": "standard", "language": "en"}, http.StatusCreated, &rc)
	export := func(query string) string {
		w := e.as("author", "GET", "/api/v1/rcas/"+rc.ID+"/export?format=md"+query, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("export: %d %s", w.Code, w.Body.String())
		}
		return w.Body.String()
	}
	var doc map[string]any
	e.must("author", "GET", "/api/v1/rcas/"+rc.ID, nil, 200, &doc)
	doc["severity"] = "sev2"
	e.must("author", "PUT", "/api/v1/rcas/"+rc.ID, doc, 200, nil)
	if md := export(""); strings.Contains(md, "partners@example.com") || !strings.Contains(md, "Severity") {
		t.Fatalf("before any default:\n%s", md)
	}

	var got map[string]any
	e.must("admin", "GET", "/api/v1/settings/report-header", nil, 200, &got)
	if got["version"] != float64(1) {
		t.Fatalf("initial defaults %v", got)
	}
	if w := e.as("author", "GET", "/api/v1/settings/report-header", nil); w.Code != http.StatusForbidden {
		t.Errorf("an author reads the defaults: %d", w.Code)
	}
	if w := e.as("author", "PUT", "/api/v1/settings/report-header", map[string]any{"version": 1, "contact": "x"}); w.Code != http.StatusForbidden {
		t.Errorf("an author writes the defaults: %d", w.Code)
	}
	body := map[string]any{"version": 1, "facts": []string{"date", "duration"}, "contact": " partners@example.com ", "doc_version": "2.0",
		"status_url": "https://status.example.com", "closing": "We apologise for the disruption.", "issue_date": "2026-03-21"}
	e.must("admin", "PUT", "/api/v1/settings/report-header", body, 200, &got)
	if got["version"] != float64(2) || got["contact"] != "partners@example.com" {
		t.Fatalf("saved defaults %v", got)
	}
	md := export("")
	for _, w := range []string{"partners@example.com", "2.0", "https://status.example.com", "We apologise for the disruption.", "March 21, 2026"} {
		if !strings.Contains(md, w) {
			t.Errorf("the export lacks the default %q:\n%s", w, md)
		}
	}
	if strings.Contains(md, "Severity") {
		t.Error("the default facts did not limit the external edition")
	}
	// The export's own options win.
	if md := export("&contact=" + url.QueryEscape("me@example.com") + "&closing=Thanks"); !strings.Contains(md, "me@example.com") || strings.Contains(md, "partners@example.com") || !strings.Contains(md, "Thanks") {
		t.Errorf("explicit options lost:\n%s", md)
	}

	// A stale version is 409 with the current defaults; nothing changes.
	w := e.as("admin", "PUT", "/api/v1/settings/report-header", map[string]any{"version": 1, "contact": "other@example.com"})
	var conflict struct {
		Error struct {
			Current map[string]any `json:"current"`
		} `json:"error"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &conflict)
	if w.Code != http.StatusConflict || conflict.Error.Current["contact"] != "partners@example.com" {
		t.Errorf("stale write: %d %s", w.Code, w.Body.String())
	}
	// Bad values are 422 naming the member; nothing changes.
	for field, bad := range map[string]map[string]any{
		"status_url": {"version": 2, "status_url": "javascript:alert(1)"},
		"facts":      {"version": 2, "facts": []string{"mood"}},
		"closing":    {"version": 2, "closing": strings.Repeat("x", 4001)},
	} {
		w := e.as("admin", "PUT", "/api/v1/settings/report-header", bad)
		var ae apiErr
		_ = json.Unmarshal(w.Body.Bytes(), &ae)
		if w.Code != http.StatusUnprocessableEntity || len(ae.Error.Problems) == 0 || ae.Error.Problems[0].Field != field {
			t.Errorf("%s: %d %s", field, w.Code, w.Body.String())
		}
	}
	if w := e.as("admin", "PUT", "/api/v1/settings/report-header", map[string]any{"version": 2, "mood": "x"}); w.Code != http.StatusBadRequest {
		t.Errorf("an unknown member: %d", w.Code)
	}
	e.must("admin", "GET", "/api/v1/settings/report-header", nil, 200, &got)
	if got["version"] != float64(2) || got["contact"] != "partners@example.com" {
		t.Errorf("a refused write changed the defaults: %v", got)
	}
}

func TestReportSettingsPage(t *testing.T) {
	e := newUIEnv(t)
	admin := e.as(domain.RoleAdmin)
	r := admin.get("/admin/report", http.StatusOK)
	mustContain(t, r.body, "Report defaults", `name="facts" value="date"`, `name="version" value="1"`)
	e.as(domain.RoleAuthor).get("/admin/report", http.StatusForbidden)

	admin.post("/admin/report", url.Values{"version": {"1"}, "facts": {"date", "affected_services"}, "contact": {"team@example.com"},
		"closing": {"Sorry."}, "issue_date": {"2026-03-21"}}, http.StatusSeeOther)
	r = admin.get("/admin/report", http.StatusOK)
	mustContain(t, r.body, `value="team@example.com"`, `name="version" value="2"`, `value="2026-03-21"`, `value="affected_services" checked`)

	// Bad input re-renders with it and changes nothing.
	r = admin.post("/admin/report", url.Values{"version": {"2"}, "status_url": {"ftp://x"}, "contact": {"new@example.com"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="ftp://x"`, `value="new@example.com"`)
	r = admin.post("/admin/report", url.Values{"version": {"2"}, "issue_date": {"21 March"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="21 March"`)
	// A stale form shows the other admin's values.
	r = admin.post("/admin/report", url.Values{"version": {"1"}, "contact": {"late@example.com"}}, http.StatusConflict)
	mustContain(t, r.body, "Someone else changed these defaults", `value="team@example.com"`)
	r = admin.get("/admin/report", http.StatusOK)
	mustContain(t, r.body, `value="team@example.com"`, `name="version" value="2"`)
}
