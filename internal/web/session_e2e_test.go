package web

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSessionOverRealHTTPS drives a browser-like client (cookie jar, no
// redirects) against a real TLS listener: the Secure cookie is kept and sent
// back, the CSRF token from the sign-in answer unlocks writes, sign-out ends it.
func TestSessionOverRealHTTPS(t *testing.T) {
	e := newEnv(t)
	ts := httptest.NewTLSServer(e.srv.Handler())
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	client := ts.Client()
	client.Jar = jar
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	do := func(method, path, body, csrf string) (*http.Response, map[string]any) {
		t.Helper()
		r, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		if csrf != "" {
			r.Header.Set("X-CSRF-Token", csrf)
		}
		// What a browser sends for a same-origin fetch.
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Header.Set("Origin", ts.URL)
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}

	resp, out := do("POST", "/api/v1/session", `{"email":"author@example.com","password":"`+testPassword+`"}`, "")
	if resp.StatusCode != 200 {
		t.Fatalf("sign in: %d %v", resp.StatusCode, out)
	}
	csrf, _ := out["csrf_token"].(string)
	var secure bool
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			secure = c.Secure && c.HttpOnly
		}
	}
	if !secure || csrf == "" {
		t.Fatalf("cookie secure+httponly %v, csrf %q", secure, csrf)
	}
	if resp, _ := do("GET", "/api/v1/me", "", ""); resp.StatusCode != 200 {
		t.Fatalf("me with the jar's cookie: %d", resp.StatusCode)
	}
	if resp, _ := do("POST", "/api/v1/rcas", `{"title":"From a browser"}`, ""); resp.StatusCode != 403 {
		t.Fatalf("write without CSRF token: %d", resp.StatusCode)
	}
	if resp, out := do("POST", "/api/v1/rcas", `{"title":"From a browser"}`, csrf); resp.StatusCode != 201 {
		t.Fatalf("write with CSRF token: %d %v", resp.StatusCode, out)
	}
	if resp, _ := do("DELETE", "/api/v1/session", "", csrf); resp.StatusCode != 204 {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if resp, _ := do("GET", "/api/v1/me", "", ""); resp.StatusCode != 401 {
		t.Fatalf("me after sign-out: %d", resp.StatusCode)
	}
}
