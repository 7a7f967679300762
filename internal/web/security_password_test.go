package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		name, email, pw string
		detail          string // "" means accepted
	}{
		{"fine", "ana@example.com", "glacier-orbit-lantern", ""},
		{"listed", "ana@example.com", "password123", detailPasswordCommon},
		{"listed, other case", "ana@example.com", "QwertyUiop", detailPasswordCommon},
		{"listed, with spaces", "ana@example.com", " password 1234 ", detailPasswordCommon},
		{"listed digits", "ana@example.com", "1234567890", detailPasswordCommon},
		{"the email", "Ana.Long@Example.com", "ana.long@example.com", detailPasswordIsEmail},
		{"the email in capitals", "ana.long@example.com", "ANA.LONG@EXAMPLE.COM", detailPasswordIsEmail},
		{"the email's local part", "analongname@example.com", "AnaLongName", detailPasswordIsEmail},
		{"contains the local part but more", "analongname@example.com", "analongname-blue-kettle", ""},
		{"one character", "ana@example.com", "zzzzzzzzzzzz", detailPasswordRepeated},
		{"one non-ASCII character", "ana@example.com", "ääääääääääää", detailPasswordRepeated},
		{"too short is the length rule's", "ana@example.com", "aaaa", ""},
		{"no email known", "", "some long passphrase", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := passwordRules("password", tt.pw, tt.email)
			if tt.detail == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ve *domain.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 {
				t.Fatalf("err = %v, want one problem", err)
			}
			if p := ve.Problems[0]; p.Field != "password" || p.Code != domain.CodeInvalid || p.Detail != tt.detail {
				t.Fatalf("problem %+v, want detail %q", p, tt.detail)
			}
		})
	}
}

func TestCommonPasswordListIsClean(t *testing.T) {
	list := commonPasswords()
	if len(list) < 100 {
		t.Fatalf("only %d common passwords loaded", len(list))
	}
	for pw := range list {
		if len([]rune(pw)) < 10 {
			t.Errorf("%q is shorter than the minimum length: the length rule refuses it already", pw)
		}
		if strings.HasPrefix(pw, "#") {
			t.Errorf("comment parsed as a password: %q", pw)
		}
	}
}

func TestCheckNewPassword(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want int // problems
	}{
		{"short", 1}, {"", 1}, {"qwertyuiop", 1}, {"ana@example.com", 1}, {strings.Repeat("x", 2000), 1}, {"glacier orbit lantern", 0},
	} {
		err := CheckNewPassword("ana@example.com", tc.pw)
		var ve *domain.ValidationError
		got := 0
		if errors.As(err, &ve) {
			got = len(ve.Problems)
		} else if err != nil {
			t.Fatalf("%.20q: not a validation error: %v", tc.pw, err)
		}
		if got != tc.want {
			t.Errorf("%.20q: %d problems (%v), want %d", tc.pw, got, err, tc.want)
		}
	}
}

// TestPasswordRulesEverywhere: every way to set a password over HTTP
// refuses a common one and the email, and nothing is stored.
func TestPasswordRulesEverywhere(t *testing.T) {
	e := newEnv(t)
	reviewer := e.users["reviewer"]
	adminCookie, adminCSRF := e.signInAPI("admin@example.com")
	for _, tc := range []struct {
		name  string
		send  func(pw string) int
		email string
	}{
		{"admin creates a user", func(pw string) int {
			return e.as("admin", "POST", "/api/v1/users", map[string]any{"email": "fresh@example.com", "role": "viewer", "password": pw}).Code
		}, "fresh@example.com"},
		{"admin resets a password", func(pw string) int {
			return e.as("admin", "PUT", "/api/v1/users/"+reviewer.ID, map[string]any{"password": pw}).Code
		}, reviewer.Email},
		{"user changes their own", func(pw string) int {
			return e.as("author", "PUT", "/api/v1/me", map[string]any{"current_password": testPassword, "new_password": pw}).Code
		}, "author@example.com"},
		{"admin creates a user on the page", func(pw string) int {
			form := url.Values{"email": {"page.user@example.com"}, "name": {"Page User"}, "role": {"viewer"}, "password": {pw}, csrfField: {adminCSRF}}
			return e.serve(req{method: "POST", path: "/admin/users", body: form.Encode(), cookies: []*http.Cookie{adminCookie},
				header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}).Code
		}, "page.user@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot()
			for _, pw := range []string{"Password123", "qwertyuiop", tc.email, strings.ToUpper(tc.email)} {
				if code := tc.send(pw); code != http.StatusUnprocessableEntity {
					t.Fatalf("password %q: %d, want 422", pw, code)
				}
			}
			if e.snapshot() != before {
				t.Fatal("a refused password changed stored data")
			}
			if code := tc.send("glacier orbit lantern 7"); code >= 400 {
				t.Fatalf("control: a good password refused with %d", code)
			}
		})
	}
}
