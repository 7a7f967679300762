package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEdgesSignInCSRFWithAuthorizationHeader (issue 10, finding 10): a
// cross-site sign-in is refused even when the request carries an
// Authorization header, on the form and on the API; sign-out too.
func TestEdgesSignInCSRFWithAuthorizationHeader(t *testing.T) {
	e := newEnv(t)
	cross := func(auth string) map[string]string {
		return map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example", "Authorization": auth}
	}
	for _, auth := range []string{"Bearer nonsense", "Bearer " + e.tokens["viewer"], "Basic YWRtaW46eA=="} {
		w := e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": "author@example.com", "password": testPassword}, header: cross(auth)})
		if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
			t.Errorf("API sign-in cross-site with %q: %d, cookies %v", auth, w.Code, w.Result().Cookies())
		}
		form := url.Values{"email": {"author@example.com"}, "password": {testPassword}}.Encode()
		h := cross(auth)
		h["Content-Type"] = "application/x-www-form-urlencoded"
		w = e.serve(req{method: "POST", path: "/signin", body: form, header: h})
		if w.Code != http.StatusForbidden || strings.Contains(w.Header().Get("Set-Cookie"), sessionCookie) {
			t.Errorf("form sign-in cross-site with %q: %d %v", auth, w.Code, w.Header())
		}
	}
	// The same sign-in from the page itself still works.
	w := e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": "author@example.com", "password": testPassword},
		header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
	if w.Code != http.StatusOK {
		t.Fatalf("same-origin sign-in: %d %s", w.Code, w.Body)
	}
}
