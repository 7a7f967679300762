package web

import (
	"net/http"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestMeUpdate(t *testing.T) {
	e := newEnv(t)
	var out struct {
		User domain.User `json:"user"`
	}
	e.must("viewer", "PUT", "/api/v1/me", map[string]any{"name": "Vera", "language": "de", "time_zone": "Europe/Berlin"}, 200, &out)
	if out.User.Name != "Vera" || out.User.Language != "de" || out.User.TimeZone != "Europe/Berlin" {
		t.Fatalf("me: %+v", out.User)
	}
	tests := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown zone", map[string]any{"time_zone": "Mars/Olympus"}, "time_zone"},
		{"unsupported language", map[string]any{"language": "tlh"}, "language"},
		{"wrong current password", map[string]any{"current_password": "nope", "new_password": "another long one"}, "current_password"},
		{"short new password", map[string]any{"current_password": testPassword, "new_password": "short"}, "new_password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			was := e.snapshot()
			w := e.as("viewer", "PUT", "/api/v1/me", tt.body)
			if w.Code != 422 || !hasProblemOn(decodeErr(t, w), tt.field) {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			if e.snapshot() != was {
				t.Fatal("refused change altered the store")
			}
		})
	}
}

func TestMePasswordChangeKeepsThisBrowser(t *testing.T) {
	e := newEnv(t)
	here, csrf := e.signInAPI("author@example.com")
	elsewhere, _ := e.signInAPI("author@example.com")
	w := e.serve(req{method: "PUT", path: "/api/v1/me", cookies: []*http.Cookie{here}, header: map[string]string{"X-CSRF-Token": csrf},
		body: map[string]any{"current_password": testPassword, "new_password": "a much newer password"}})
	if w.Code != 200 {
		t.Fatalf("change: %d %s", w.Code, w.Body)
	}
	fresh := sessionCookieOf(t, w)
	me := func(c *http.Cookie) int {
		return e.serve(req{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{c}}).Code
	}
	if me(elsewhere) != 401 || me(here) != 401 {
		t.Fatal("old sessions survive a password change")
	}
	if me(fresh) != 200 {
		t.Fatal("the changing browser was signed out")
	}
	if code := e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": "author@example.com", "password": testPassword}}).Code; code != 401 {
		t.Fatalf("old password still works: %d", code)
	}
}
