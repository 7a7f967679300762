package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestTokenRules covers what the token tests elsewhere leave out: expiry
// reached while in use, an owner's role change, bad create requests,
// revocation on pages, and secrets only in the Authorization header.
func TestTokenRules(t *testing.T) {
	e := newEnv(t)
	admin := e.users["admin"]

	t.Run("expiry reached while in use", func(t *testing.T) {
		var made tokenCreated
		exp := e.clock.Now().Add(time.Hour)
		e.must("author", "POST", "/api/v1/tokens", map[string]any{"name": "short-lived", "scope": "read", "expires_at": exp}, 201, &made)
		if made.Token.ExpiresAt == nil || !made.Token.ExpiresAt.Equal(exp) {
			t.Fatalf("expires_at %v, want %v", made.Token.ExpiresAt, exp)
		}
		get := func() int { return e.serve(req{method: "GET", path: "/api/v1/rcas", token: made.Secret}).Code }
		e.clock.Advance(59 * time.Minute)
		if code := get(); code != 200 {
			t.Fatalf("before expiry: %d", code)
		}
		e.clock.Advance(time.Minute)
		if code := get(); code != 401 {
			t.Fatalf("at expiry: %d, want 401", code)
		}
	})

	t.Run("the owner's role applies at each request", func(t *testing.T) {
		boss := e.addUser("boss@example.com", domain.RoleAdmin)
		tok := e.addToken(boss, domain.ScopeAdmin, nil)
		users := func() int { return e.serve(req{method: "GET", path: "/api/v1/users", token: tok}).Code }
		if code := users(); code != 200 {
			t.Fatalf("admin token: %d", code)
		}
		e.must("admin", "PUT", "/api/v1/users/"+boss.ID, map[string]any{"role": "viewer"}, 200, nil)
		if code := users(); code != 403 {
			t.Fatalf("token of a demoted admin: %d, want 403", code)
		}
		if code := e.serve(req{method: "GET", path: "/admin/users", token: tok, header: map[string]string{"Accept": "text/html"}}).Code; code != 403 {
			t.Fatalf("demoted admin's token on an admin page: %d", code)
		}
	})

	t.Run("bad create requests", func(t *testing.T) {
		past := e.clock.Now().Add(-time.Minute)
		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no name", map[string]any{"scope": "read"}, "name"},
			{"blank name", map[string]any{"name": "   ", "scope": "read"}, "name"},
			{"long name", map[string]any{"name": strings.Repeat("n", domain.MaxNameLen+1), "scope": "read"}, "name"},
			{"unknown scope", map[string]any{"name": "x", "scope": "root"}, "scope"},
			{"expired at birth", map[string]any{"name": "x", "scope": "read", "expires_at": past}, "expires_at"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.snapshot()
				w := e.as("author", "POST", "/api/v1/tokens", tc.body)
				if w.Code != http.StatusUnprocessableEntity || !hasProblemOn(decodeErr(t, w), tc.field) {
					t.Fatalf("%d %s, want 422 on %s", w.Code, w.Body, tc.field)
				}
				if e.snapshot() != before {
					t.Fatal("a refused token request changed data")
				}
			})
		}
		if w := e.as("viewer", "POST", "/api/v1/tokens", map[string]any{"name": "x", "scope": "admin"}); w.Code != 403 {
			t.Fatalf("viewer got an admin token: %d", w.Code)
		}
	})

	t.Run("revoked: refused on pages too, and stays revoked", func(t *testing.T) {
		var made tokenCreated
		e.must("reviewer", "POST", "/api/v1/tokens", map[string]any{"name": "pages", "scope": "write"}, 201, &made)
		page := func() *http.Response {
			return e.serve(req{method: "GET", path: "/", token: made.Secret, header: map[string]string{"Accept": "text/html"}}).Result()
		}
		if res := page(); res.StatusCode != 200 {
			t.Fatalf("token on a page: %d", res.StatusCode)
		}
		e.must("reviewer", "DELETE", "/api/v1/tokens/"+made.Token.ID, nil, 204, nil)
		if res := page(); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Fatalf("revoked token on a page: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// Revoking again does not bring it back.
		e.as("admin", "DELETE", "/api/v1/tokens/"+made.Token.ID, nil)
		if code := e.serve(req{method: "GET", path: "/api/v1/me", token: made.Secret}).Code; code != 401 {
			t.Fatalf("twice-revoked token: %d", code)
		}
	})

	t.Run("secrets only in the Authorization header", func(t *testing.T) {
		secret := e.addToken(admin, domain.ScopeAdmin, nil)
		for _, path := range []string{"/api/v1/me?access_token=" + secret, "/api/v1/me?token=" + secret} {
			if code := e.serve(req{method: "GET", path: path}).Code; code != 401 {
				t.Fatalf("%s: %d, want 401", path, code)
			}
		}
		if code := e.serve(req{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{{Name: sessionCookie, Value: secret}}}).Code; code != 401 {
			t.Fatalf("token as a session cookie: %d, want 401", code)
		}
	})
}
