package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestBadInputChangesNothing sends every class of bad input the issue names
// to the writing endpoints and checks the status, the error code and that
// the store is exactly as before.
func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 4096 })
	cp := e.component("API")
	inc := e.incident("Checkout errors", cp.ID)
	r := e.rca("Checkout errors", "standard", inc.ID)
	start := e.clock.Now().Add(-2 * time.Hour).Format(time.RFC3339)
	before := e.clock.Now().Add(-3 * time.Hour).Format(time.RFC3339)
	big := `{"title": "` + strings.Repeat("x", 5000) + `"}`

	incPath := "/api/v1/incidents/" + inc.ID
	rcaPath := "/api/v1/rcas/" + r.ID
	secPath := rcaPath + "/sections/summary"
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		wantCode   string
		wantField  string // a problem field (422) or the field named by a 400
	}{
		// Malformed JSON.
		{"syntax error", "POST", "/api/v1/incidents", `{"title": "x",}`, 400, codeInvalidJSON, ""},
		{"truncated", "POST", "/api/v1/incidents", `{"title": "x"`, 400, codeInvalidJSON, ""},
		{"empty body", "POST", "/api/v1/incidents", ``, 400, codeInvalidJSON, ""},
		{"whitespace body", "POST", "/api/v1/rcas", "  \n ", 400, codeInvalidJSON, ""},
		{"two values", "POST", "/api/v1/incidents", `{"title":"a","started_at":"` + start + `"} {"title":"b"}`, 400, codeInvalidJSON, ""},
		{"array not object", "POST", "/api/v1/rcas", `[1,2]`, 400, codeInvalidJSON, ""},
		{"null", "POST", "/api/v1/components", `null`, 422, codeInvalid, "name"},
		// Unknown fields.
		{"unknown field", "POST", "/api/v1/incidents", `{"title":"x","started_at":"` + start + `","severity":"high"}`, 400, codeInvalidJSON, "severity"},
		{"unknown nested field", "POST", "/api/v1/incidents", `{"title":"x","started_at":"` + start + `","updates":[{"status":"investigating","text":"t","at":"` + start + `"}]}`, 400, codeInvalidJSON, "text"},
		{"id on create", "POST", "/api/v1/rcas", `{"title":"x","id":"abc"}`, 400, codeInvalidJSON, "id"},
		{"unknown section field", "PUT", secPath, `{"body":"x","base_revision":1,"author":"me"}`, 400, codeInvalidJSON, "author"},
		// Wrong types.
		{"string for number", "POST", "/api/v1/components", `{"name":"DB","position":"first"}`, 400, codeInvalidJSON, "position"},
		{"number for string", "POST", "/api/v1/rcas", `{"title":42}`, 400, codeInvalidJSON, "title"},
		{"object for list", "POST", "/api/v1/rcas", `{"title":"x","incident_ids":{"a":1}}`, 400, codeInvalidJSON, "incident_ids"},
		{"bad time format", "POST", "/api/v1/incidents", `{"title":"x","started_at":"yesterday"}`, 400, codeInvalidJSON, ""},
		{"impossible date", "POST", "/api/v1/incidents", `{"title":"x","started_at":"2026-02-30T10:00:00Z"}`, 400, codeInvalidJSON, ""},
		// Unknown enum values.
		{"unknown impact", "POST", "/api/v1/incidents", `{"title":"x","impact":"catastrophic","started_at":"` + start + `"}`, 422, codeInvalid, "impact"},
		{"unknown status", "POST", "/api/v1/incidents", `{"title":"x","status":"fixed","started_at":"` + start + `"}`, 422, codeInvalid, "status"},
		{"unknown component status", "POST", "/api/v1/incidents", `{"title":"x","started_at":"` + start + `","components":[{"component_id":"` + cp.ID + `","status":"on_fire"}]}`, 422, codeInvalid, "components[0].status"},
		{"unknown update status", "POST", incPath + "/updates", `{"status":"done","body":"x"}`, 422, codeInvalid, "updates[0].status"},
		{"unknown visibility", "PUT", secPath, `{"body":"x","visibility":"secret","base_revision":1}`, 422, codeInvalid, "sections[0].visibility"},
		{"unknown state", "POST", rcaPath + "/state", `{"to":"done"}`, 422, codeInvalid, "to"},
		{"unknown role", "POST", "/api/v1/users", `{"email":"n@example.com","role":"owner","password":"long enough pw"}`, 422, codeInvalid, "role"},
		{"unknown scope", "POST", "/api/v1/tokens", `{"name":"ci","scope":"root"}`, 422, codeInvalid, "scope"},
		{"unknown component", "POST", "/api/v1/incidents", `{"title":"x","started_at":"` + start + `","components":[{"component_id":"nope","status":"major_outage"}]}`, 422, codeInvalid, "components[0].component_id"},
		// Impossible times.
		{"resolved before started", "POST", "/api/v1/incidents", `{"title":"x","started_at":"` + start + `","resolved_at":"` + before + `"}`, 422, codeInvalid, "resolved_at"},
		{"resolving update before start", "POST", incPath + "/updates", `{"status":"resolved","body":"fixed","at":"` + e.clock.Now().Add(-5*time.Hour).Format(time.RFC3339) + `"}`, 422, codeInvalid, "resolved_at"},
		{"token expiring in the past", "POST", "/api/v1/tokens", `{"name":"ci","scope":"read","expires_at":"` + before + `"}`, 422, codeInvalid, "expires_at"},
		// Missing or invalid values.
		{"missing title", "POST", "/api/v1/incidents", `{"started_at":"` + start + `"}`, 422, codeInvalid, "title"},
		{"missing start", "POST", "/api/v1/incidents", `{"title":"x"}`, 422, codeInvalid, "started_at"},
		{"unknown template", "POST", "/api/v1/rcas", `{"title":"x","template":"nope"}`, 422, codeInvalid, "template"},
		{"unknown incident id", "POST", "/api/v1/rcas", `{"title":"x","incident_ids":["` + inc.ID + `","nope"]}`, 422, codeInvalid, "incident_ids[1]"},
		{"bad language", "POST", "/api/v1/rcas", `{"title":"x","language":"!!"}`, 422, codeInvalid, "language"},
		{"short password", "POST", "/api/v1/users", `{"email":"n@example.com","role":"viewer","password":"short"}`, 422, codeInvalid, "password"},
		{"bad email", "POST", "/api/v1/users", `{"email":"not-an-email","role":"viewer","password":"long enough pw"}`, 422, codeInvalid, "email"},
		{"missing base revision", "PUT", secPath, `{"body":"x"}`, 422, codeInvalid, "base_revision"},
		{"missing version", "PUT", incPath, `{"title":"x","started_at":"` + start + `"}`, 422, codeInvalid, "version"},
		{"state through PUT", "PUT", rcaPath, `{"title":"x","version":1,"state":"published","sections":[{"key":"summary"}]}`, 422, codeInvalid, "state"},
		{"replace without sections", "PUT", rcaPath, `{"title":"x","version":1}`, 422, codeInvalid, "sections"},
		{"link unknown incident", "POST", rcaPath + "/incidents", `{"incident_id":"nope"}`, 422, codeInvalid, "incident_id"},
		{"comment without body", "POST", rcaPath + "/comments", `{"body":"  "}`, 422, codeInvalid, "body"},
		{"comment on unknown section", "POST", rcaPath + "/comments", `{"body":"hm","section_key":"nope"}`, 422, codeInvalid, "section_key"},
		{"duplicate email", "POST", "/api/v1/users", `{"email":"VIEWER@example.com","role":"viewer","password":"long enough pw"}`, 409, codeDuplicate, ""},
		// Oversized bodies.
		{"oversized declared", "POST", "/api/v1/rcas", big, 413, codeTooLarge, ""},
		// Unknown ids.
		{"unknown incident", "GET", "/api/v1/incidents/nope", ``, 404, codeNotFound, ""},
		{"unknown rca put", "PUT", "/api/v1/rcas/nope", `{"title":"x","version":1}`, 404, codeNotFound, ""},
		{"unknown section", "PUT", rcaPath + "/sections/nope", `{"body":"x","base_revision":1}`, 404, codeNotFound, ""},
		{"unknown revision", "GET", rcaPath + "/revisions/99", ``, 404, codeNotFound, ""},
		{"non-numeric revision", "GET", rcaPath + "/revisions/abc", ``, 404, codeNotFound, ""},
		{"restore unknown revision", "POST", rcaPath + "/restore/99", ``, 404, codeNotFound, ""},
		{"unlink not linked", "DELETE", rcaPath + "/incidents/nope", ``, 404, codeNotFound, ""},
		{"resolve unknown comment", "POST", rcaPath + "/comments/nope/resolve", ``, 404, codeNotFound, ""},
		{"unknown user", "PUT", "/api/v1/users/nope", `{"role":"author"}`, 404, codeNotFound, ""},
		{"unknown token", "DELETE", "/api/v1/tokens/nope", ``, 404, codeNotFound, ""},
		{"unknown component delete", "DELETE", "/api/v1/components/nope", ``, 404, codeNotFound, ""},
		// Stale versions.
		{"stale incident", "PUT", incPath, `{"title":"x","started_at":"` + start + `","version":99}`, 409, codeConflict, ""},
		{"stale rca", "PUT", rcaPath, `{"title":"x","version":99}`, 409, codeConflict, ""},
		{"stale component", "PUT", "/api/v1/components/" + cp.ID, `{"name":"x","version":99}`, 409, codeConflict, ""},
		{"stale section", "PUT", secPath, `{"body":"x","base_revision":99}`, 409, codeConflict, ""},
		{"stale state change", "POST", rcaPath + "/state", `{"to":"in_review","version":99}`, 409, codeConflict, ""},
		// Workflow.
		{"invalid transition", "POST", rcaPath + "/state", `{"to":"published","version":1}`, 409, codeInvalidTransition, ""},
		// Finding 5: a state change names the version read.
		{"state change without version", "POST", rcaPath + "/state", `{"to":"in_review"}`, 422, codeInvalid, "version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			was := e.snapshot()
			w := e.serve(req{method: tt.method, path: tt.path, token: e.tokens[domain.RoleAdmin], body: tt.body})
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.wantStatus, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("content type %q", ct)
			}
			ae := decodeErr(t, w)
			if ae.Error.Code != tt.wantCode {
				t.Fatalf("code %q, want %q; body %s", ae.Error.Code, tt.wantCode, w.Body)
			}
			if tt.wantField != "" {
				if tt.wantStatus == 422 && !hasProblemOn(ae, tt.wantField) {
					t.Fatalf("no problem on %q: %s", tt.wantField, w.Body)
				}
				if tt.wantStatus == 400 && ae.Error.Field != tt.wantField {
					t.Fatalf("400 names field %q, want %q; body %s", ae.Error.Field, tt.wantField, w.Body)
				}
			}
			if tt.wantStatus == http.StatusConflict && tt.wantCode == codeConflict && len(ae.Error.Current) == 0 {
				t.Fatalf("409 without the current document: %s", w.Body)
			}
			if now := e.snapshot(); now != was {
				t.Fatalf("a refused request changed the store")
			}
		})
	}
}

func TestSyntaxErrorNamesOffset(t *testing.T) {
	e := newEnv(t)
	w := e.as("author", "POST", "/api/v1/rcas", `{"title": "x" "template": "standard"}`)
	ae := decodeErr(t, w)
	if w.Code != 400 || ae.Error.Offset == nil || *ae.Error.Offset != 15 {
		t.Fatalf("want 400 with offset 15: %s", w.Body)
	}
	if !strings.Contains(ae.Error.Message, "byte 15") {
		t.Fatalf("message does not say where: %q", ae.Error.Message)
	}
}

// TestOversizedChunkedBody checks the limit when no length is declared.
func TestOversizedChunkedBody(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 2048 })
	was := e.snapshot()
	hr := strings.NewReader(`{"title": "` + strings.Repeat("y", 4096) + `"}`)
	r := newRequestNoLength("POST", "/api/v1/rcas", hr)
	r.Header.Set("Authorization", "Bearer "+e.tokens["author"])
	r.Header.Set("Content-Type", "application/json")
	w := recorder()
	e.srv.Handler().ServeHTTP(w, r)
	if w.Code != 413 || decodeErr(t, w).Error.Code != codeTooLarge {
		t.Fatalf("status %d body %s", w.Code, w.Body)
	}
	if e.snapshot() != was {
		t.Fatal("oversized body changed the store")
	}
}

func TestWrongContentType(t *testing.T) {
	e := newEnv(t)
	w := e.serve(req{method: "POST", path: "/api/v1/rcas", token: e.tokens["author"], body: `{"title":"x"}`,
		header: map[string]string{"Content-Type": "text/plain"}})
	if w.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d", w.Code)
	}
}
