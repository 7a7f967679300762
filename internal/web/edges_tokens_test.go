package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestEdgesTokenCannotOutliveItsMaker (issue 10): a token that expires
// cannot mint a token without expiry or expiring later, nor one with a
// wider scope; one expiring sooner is fine.
func TestEdgesTokenCannotOutliveItsMaker(t *testing.T) {
	e := newEnv(t)
	exp := e.clock.Now().Add(24 * time.Hour)
	tok := e.addToken(e.users[domain.RoleAuthor], domain.ScopeWrite, &exp)
	mint := func(body map[string]any) int {
		return e.serve(req{method: "POST", path: "/api/v1/tokens", token: tok, body: body}).Code
	}
	for name, body := range map[string]map[string]any{
		"no expiry":     {"name": "forever", "scope": "write"},
		"expires later": {"name": "later", "scope": "read", "expires_at": exp.Add(time.Hour).Format(time.RFC3339)},
	} {
		if code := mint(body); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, code)
		}
	}
	if code := mint(map[string]any{"name": "admin", "scope": "admin", "expires_at": exp.Format(time.RFC3339)}); code != http.StatusForbidden {
		t.Errorf("wider scope: %d, want 403", code)
	}
	if code := mint(map[string]any{"name": "sooner", "scope": "read", "expires_at": exp.Add(-time.Hour).Format(time.RFC3339)}); code != http.StatusCreated {
		t.Errorf("shorter-lived narrower token: %d, want 201", code)
	}
	// A token without expiry still mints what it likes within its scope.
	if w := e.as(domain.RoleAuthor, "POST", "/api/v1/tokens", map[string]any{"name": "cli", "scope": "write"}); w.Code != http.StatusCreated {
		t.Errorf("non-expiring maker: %d %s", w.Code, w.Body)
	}
}
