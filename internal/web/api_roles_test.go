package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestRoleMatrix calls every API route as anonymous and as each role: below
// the route's role the answer is 401 (anonymous) or 403, at or above it the
// role check lets the request through.
func TestRoleMatrix(t *testing.T) {
	e := newEnv(t)
	cp := e.component("Database")
	inc := e.incident("Slow queries", cp.ID)
	r := e.rca("Slow queries", "standard", inc.ID)
	var cm domain.Comment
	e.must("author", "POST", "/api/v1/rcas/"+r.ID+"/comments", map[string]any{"body": "Why?"}, 201, &cm)
	start := e.clock.Now().Add(-time.Hour)
	routes := []struct {
		method, path string
		body         any
		need         domain.Role // "" means public
	}{
		{"GET", "/api/v1/openapi.json", nil, ""},
		{"GET", "/api/v1/me", nil, "viewer"},
		{"GET", "/api/v1/templates", nil, "viewer"},
		{"GET", "/api/v1/components", nil, "viewer"},
		{"GET", "/api/v1/components/" + cp.ID, nil, "viewer"},
		{"POST", "/api/v1/components", map[string]any{"name": "Queue"}, "admin"},
		{"PUT", "/api/v1/components/" + cp.ID, map[string]any{"name": "Database", "version": 1}, "admin"},
		{"DELETE", "/api/v1/components/nope", nil, "admin"},
		{"GET", "/api/v1/incidents", nil, "viewer"},
		{"GET", "/api/v1/incidents/" + inc.ID, nil, "viewer"},
		{"POST", "/api/v1/incidents", map[string]any{"title": "New", "started_at": start}, "author"},
		{"PUT", "/api/v1/incidents/" + inc.ID, map[string]any{"title": "Slow queries", "started_at": start, "version": 99}, "author"},
		{"POST", "/api/v1/incidents/" + inc.ID + "/updates", map[string]any{"status": "identified", "body": "Found it"}, "author"},
		{"DELETE", "/api/v1/incidents/nope", nil, "admin"},
		{"GET", "/api/v1/rcas", nil, "viewer"},
		{"GET", "/api/v1/rcas/" + r.ID, nil, "viewer"},
		{"POST", "/api/v1/rcas", map[string]any{"title": "Another"}, "author"},
		{"PUT", "/api/v1/rcas/" + r.ID, map[string]any{"title": "x", "version": 99}, "author"},
		{"DELETE", "/api/v1/rcas/nope", nil, "admin"},
		{"PUT", "/api/v1/rcas/" + r.ID + "/sections/summary", map[string]any{"body": "x", "base_revision": 99}, "author"},
		{"POST", "/api/v1/rcas/" + r.ID + "/state", map[string]any{"to": "in_review", "version": 99}, "author"},
		{"GET", "/api/v1/rcas/" + r.ID + "/revisions", nil, "viewer"},
		{"GET", "/api/v1/rcas/" + r.ID + "/revisions/1", nil, "viewer"},
		{"POST", "/api/v1/rcas/" + r.ID + "/restore/99", nil, "author"},
		{"GET", "/api/v1/rcas/" + r.ID + "/comments", nil, "viewer"},
		{"POST", "/api/v1/rcas/" + r.ID + "/comments", map[string]any{"body": "Looks good"}, "author"},
		{"POST", "/api/v1/rcas/" + r.ID + "/comments/" + cm.ID + "/resolve", nil, "author"},
		{"POST", "/api/v1/rcas/" + r.ID + "/incidents", map[string]any{"incident_id": inc.ID}, "author"},
		{"DELETE", "/api/v1/rcas/" + r.ID + "/incidents/nope", nil, "author"},
		{"GET", "/api/v1/users", nil, "admin"},
		{"POST", "/api/v1/users", map[string]any{"email": "x", "role": "viewer", "password": "x"}, "admin"},
		{"PUT", "/api/v1/users/nope", map[string]any{"role": "author"}, "admin"},
		{"GET", "/api/v1/audit", nil, "admin"},
		{"GET", "/api/v1/tokens", nil, "viewer"},
		{"POST", "/api/v1/tokens", map[string]any{"name": "ci", "scope": "read"}, "viewer"},
		{"DELETE", "/api/v1/tokens/nope", nil, "viewer"},
	}
	callers := append([]domain.Role{""}, domain.Roles...)
	for _, rt := range routes {
		for _, role := range callers {
			name := string(role)
			if name == "" {
				name = "anonymous"
			}
			t.Run(rt.method+" "+rt.path+" as "+name, func(t *testing.T) {
				w := e.serve(req{method: rt.method, path: rt.path, token: e.tokens[role], body: rt.body})
				switch {
				case rt.need == "":
					if w.Code == 401 || w.Code == 403 {
						t.Fatalf("public route refused: %d", w.Code)
					}
				case role == "":
					if w.Code != http.StatusUnauthorized || decodeErr(t, w).Error.Code != codeUnauthorized {
						t.Fatalf("anonymous: %d %s, want 401", w.Code, w.Body)
					}
					if w.Header().Get("WWW-Authenticate") == "" {
						t.Fatal("401 without WWW-Authenticate")
					}
				case !role.Allows(rt.need):
					if w.Code != http.StatusForbidden || decodeErr(t, w).Error.Code != codeForbidden {
						t.Fatalf("%s on a %s route: %d %s, want 403", role, rt.need, w.Code, w.Body)
					}
				default:
					if w.Code == 401 || w.Code == 403 {
						t.Fatalf("%s on a %s route refused: %d %s", role, rt.need, w.Code, w.Body)
					}
					if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
						t.Fatalf("authenticated answer with Cache-Control %q", cc)
					}
				}
			})
		}
	}
}

func TestTokenAuthentication(t *testing.T) {
	e := newEnv(t)
	admin := e.users["admin"]
	past := e.clock.Now().Add(-time.Minute)
	future := e.clock.Now().Add(time.Hour)
	readTok := e.addToken(admin, domain.ScopeRead, nil)
	writeTok := e.addToken(admin, domain.ScopeWrite, nil)
	expiredTok := e.addToken(admin, domain.ScopeAdmin, &past)
	laterTok := e.addToken(admin, domain.ScopeAdmin, &future)
	disabled := e.addUser("gone@example.com", domain.RoleAdmin)
	disabledTok := e.addToken(disabled, domain.ScopeAdmin, nil)
	disabled.Disabled = true
	if err := e.st.UpdateUser(t.Context(), &disabled); err != nil {
		t.Fatal(err)
	}
	revoked := e.addToken(admin, domain.ScopeAdmin, nil)
	var toks struct{ Items []domain.APIToken }
	e.must("admin", "GET", "/api/v1/tokens", nil, 200, &toks)
	revokedID := toks.Items[len(toks.Items)-1].ID // oldest first: the last one made
	e.must("admin", "DELETE", "/api/v1/tokens/"+revokedID, nil, 204, nil)

	tests := []struct {
		name   string
		header string
		method string
		path   string
		body   any
		want   int
	}{
		{"read token reads", "Bearer " + readTok, "GET", "/api/v1/rcas", nil, 200},
		{"read token cannot write", "Bearer " + readTok, "POST", "/api/v1/rcas", map[string]any{"title": "x"}, 403},
		{"read token cannot read admin routes", "Bearer " + readTok, "GET", "/api/v1/users", nil, 403},
		{"write token writes", "Bearer " + writeTok, "POST", "/api/v1/rcas", map[string]any{"title": "x"}, 201},
		{"write token cannot use admin routes", "Bearer " + writeTok, "GET", "/api/v1/audit", nil, 403},
		{"admin token on admin route", "Bearer " + laterTok, "GET", "/api/v1/audit", nil, 200},
		{"expired token", "Bearer " + expiredTok, "GET", "/api/v1/rcas", nil, 401},
		{"revoked token", "Bearer " + revoked, "GET", "/api/v1/rcas", nil, 401},
		{"disabled owner", "Bearer " + disabledTok, "GET", "/api/v1/rcas", nil, 401},
		{"unknown token", "Bearer hst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "GET", "/api/v1/rcas", nil, 401},
		{"malformed token", "Bearer hst_x", "GET", "/api/v1/rcas", nil, 401},
		{"basic auth", "Basic YWRtaW46cGFzc3dvcmQ=", "GET", "/api/v1/rcas", nil, 401},
		{"lowercase scheme", "bearer " + readTok, "GET", "/api/v1/rcas", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.serve(req{method: tt.method, path: tt.path, body: tt.body, header: map[string]string{"Authorization": tt.header}})
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.want, w.Body)
			}
		})
	}

	// last_used_at is touched.
	e.clock.Advance(time.Minute)
	e.serve(req{method: "GET", path: "/api/v1/me", token: readTok})
	list, err := e.st.ListTokens(t.Context(), admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	touched := false
	for _, tk := range list {
		if tk.Scope == domain.ScopeRead && tk.LastUsedAt != nil && tk.LastUsedAt.Equal(e.clock.Now()) {
			touched = true
		}
	}
	if !touched {
		t.Fatal("token last_used_at not touched")
	}
}

func TestTokenLifecycle(t *testing.T) {
	e := newEnv(t)
	var created tokenCreated
	e.must("author", "POST", "/api/v1/tokens", map[string]any{"name": "ci", "scope": "write"}, 201, &created)
	if !strings.HasPrefix(created.Secret, "hst_") || created.Token.ID == "" {
		t.Fatalf("created: %+v", created)
	}
	// The secret works, is stored only as a hash, and is never listed.
	w := e.serve(req{method: "GET", path: "/api/v1/me", token: created.Secret})
	if w.Code != 200 {
		t.Fatalf("new token: %d", w.Code)
	}
	list := e.as("author", "GET", "/api/v1/tokens", nil)
	if strings.Contains(list.Body.String(), created.Secret) || strings.Contains(list.Body.String(), created.Secret[4:]) {
		t.Fatal("token list shows the secret")
	}
	stored, err := e.st.ListTokens(t.Context(), e.users["author"].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range stored {
		if strings.Contains(tk.Hash, created.Secret[4:]) {
			t.Fatal("store holds the secret")
		}
	}
	// Scopes: a write token cannot mint an admin token, authors cannot get one at all.
	w = e.serve(req{method: "POST", path: "/api/v1/tokens", token: created.Secret, body: map[string]any{"name": "x", "scope": "admin"}})
	if w.Code != 403 {
		t.Fatalf("write token minted admin token: %d", w.Code)
	}
	adminWrite := e.addToken(e.users["admin"], domain.ScopeWrite, nil)
	w = e.serve(req{method: "POST", path: "/api/v1/tokens", token: adminWrite, body: map[string]any{"name": "x", "scope": "admin"}})
	if w.Code != 403 {
		t.Fatalf("admin's write token minted an admin token: %d", w.Code)
	}
	// Another user cannot revoke it; the owner can; then it stops working.
	if w := e.as("reviewer", "DELETE", "/api/v1/tokens/"+created.Token.ID, nil); w.Code != 404 {
		t.Fatalf("someone else's revoke: %d", w.Code)
	}
	e.must("author", "DELETE", "/api/v1/tokens/"+created.Token.ID, nil, 204, nil)
	if w := e.serve(req{method: "GET", path: "/api/v1/me", token: created.Secret}); w.Code != 401 {
		t.Fatalf("revoked token still works: %d", w.Code)
	}
	// Admins may list and revoke anyone's tokens; others may not list them.
	if w := e.as("author", "GET", "/api/v1/tokens?user_id="+e.users["viewer"].ID, nil); w.Code != 403 {
		t.Fatalf("author listed another user's tokens: %d", w.Code)
	}
	var vt struct{ Items []domain.APIToken }
	e.must("admin", "GET", "/api/v1/tokens?user_id="+e.users["viewer"].ID, nil, 200, &vt)
	if len(vt.Items) != 1 {
		t.Fatalf("viewer tokens: %d", len(vt.Items))
	}
	e.must("admin", "DELETE", "/api/v1/tokens/"+vt.Items[0].ID, nil, 204, nil)
	if w := e.as("viewer", "GET", "/api/v1/me", nil); w.Code != 401 {
		t.Fatalf("token revoked by admin still works: %d", w.Code)
	}
	// Both actions are audited.
	var audit struct{ Items []domain.AuditEvent }
	e.must("admin", "GET", "/api/v1/audit?action=token.", nil, 200, &audit)
	kinds := map[string]int{}
	for _, ev := range audit.Items {
		kinds[ev.Action]++
	}
	if kinds["token.create"] != 1 || kinds["token.revoke"] != 2 {
		t.Fatalf("audit: %v", kinds)
	}
}
