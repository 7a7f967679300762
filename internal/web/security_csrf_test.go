package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCrossSiteWritesRefusedOnEveryRoute walks every state-changing route
// of the engine and sends it, with an admin's session cookie, the requests
// a hostile page could make a browser send: cross-site by Sec-Fetch-Site or
// by Origin, with or without the CSRF token, and a same-site one without
// the token. Every one is refused with 403, and nothing changes.
func TestCrossSiteWritesRefusedOnEveryRoute(t *testing.T) {
	e := newEnv(t)
	cp := e.component("Database")
	inc := e.incident("Slow queries", cp.ID)
	r := e.rca("Slow queries", "standard", inc.ID)
	params := map[string]string{"id": r.ID, "incident_id": inc.ID, "key": "summary", "version": "1"}
	cookie, csrf := e.signInAPI("admin@example.com")
	before := e.snapshot()

	attacks := []struct {
		name    string
		header  map[string]string
		cookie  bool
		withTok bool
	}{
		{"cross-site fetch, no token", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, true, false},
		{"cross-site fetch with a stolen token", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, true, true},
		{"same-site sibling, no token", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://evil.example.com"}, true, false},
		{"old browser, foreign Origin", map[string]string{"Origin": "https://evil.example"}, true, false},
		{"old browser, foreign Origin with token", map[string]string{"Origin": "https://evil.example"}, true, true},
		{"same-origin but no token", map[string]string{"Sec-Fetch-Site": "same-origin"}, true, false},
		{"no browser headers and no token", nil, true, false},
		{"same-origin, wrong token", map[string]string{"Sec-Fetch-Site": "same-origin", csrfHeader: "not-the-token"}, true, false},
		{"anonymous cross-site (login CSRF)", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, false, false},
	}
	walked := 0
	for _, rt := range e.srv.engine.Routes() {
		if safeMethod(rt.Method) {
			continue
		}
		walked++
		path := fillPattern(rt.Path, params)
		for _, a := range attacks {
			if !a.cookie && !anonymousWritable(rt.Method, rt.Path) {
				continue // an anonymous write elsewhere is refused for want of a user anyway
			}
			if publicFormRoute(rt.Path) && strings.HasPrefix(a.name, "same-origin") || publicFormRoute(rt.Path) && a.name == "no browser headers and no token" {
				// subs: the public subscription forms act for no one, so a
				// session's token is not asked for; cross-site is refused.
				continue
			}
			t.Run(rt.Method+" "+rt.Path+"/"+a.name, func(t *testing.T) {
				form := url.Values{"name": {"Changed"}, "title": {"Changed"}, "body": {"Changed"}}
				if a.withTok {
					form.Set(csrfField, csrf)
				}
				hr := req{method: rt.Method, path: path, body: form.Encode(), header: map[string]string{
					"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}}
				for k, v := range a.header {
					hr.header[k] = v
				}
				if a.withTok {
					hr.header[csrfHeader] = csrf
				}
				if a.cookie {
					hr.cookies = []*http.Cookie{cookie}
				}
				w := e.serve(hr)
				if w.Code != http.StatusForbidden {
					t.Fatalf("%s %s: %d, want 403; body %.300s", rt.Method, path, w.Code, w.Body)
				}
				if ae := decodeErr(t, w); ae.Error.Code != codeCSRF {
					t.Fatalf("code %q, want %q", ae.Error.Code, codeCSRF)
				}
			})
		}
	}
	if walked < 40 {
		t.Fatalf("only %d unsafe routes walked: the route table looks wrong", walked)
	}
	if after := e.snapshot(); after != before {
		t.Fatal("a refused cross-site request changed stored data")
	}
	// The session itself survived and still works with its token.
	w := e.serve(req{method: "POST", path: "/api/v1/components", body: map[string]any{"name": "Queue"},
		cookies: []*http.Cookie{cookie}, header: map[string]string{csrfHeader: csrf, "Sec-Fetch-Site": "same-origin"}})
	if w.Code != http.StatusCreated {
		t.Fatalf("control: same-origin write with the token: %d %s", w.Code, w.Body)
	}
}

// anonymousWritable lists the unsafe routes an anonymous browser may call
// (signing in and out): they too must refuse cross-site requests, or a
// hostile page could sign a visitor in as the attacker.
func anonymousWritable(method, pattern string) bool {
	switch method + " " + pattern {
	case "POST /signin", "POST /signout", "POST /api/v1/session", "DELETE /api/v1/session":
		return true
	case "POST /status/subscribe", "POST /status/subscribe/confirm", "POST /status/unsubscribe": // subs
		return true
	}
	return strings.HasPrefix(pattern, "/auth/") // single sign-on callbacks, when present
}

// TestBearerTokenWritesNeedNoCSRFToken: requests with an Authorization
// header carry no ambient credential and are not subject to the CSRF
// checks, while a cookie sent alongside a broken Authorization header does
// not authenticate (no fallback to the session).
func TestBearerTokenWritesNeedNoCSRFToken(t *testing.T) {
	e := newEnv(t)
	cookie, _ := e.signInAPI("admin@example.com")
	cross := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"}
	w := e.serve(req{method: "POST", path: "/api/v1/components", token: e.tokens["admin"], body: map[string]any{"name": "Queue"}, header: cross})
	if w.Code != http.StatusCreated {
		t.Fatalf("token write: %d %s", w.Code, w.Body)
	}
	for _, h := range []string{"Bearer nonsense", "Basic YWRtaW46eA==", "Bearer hst_" + strings.Repeat("A", 43)} {
		hr := req{method: "POST", path: "/api/v1/components", body: map[string]any{"name": "Sneaky"},
			header: map[string]string{"Authorization": h}, cookies: []*http.Cookie{cookie}}
		for k, v := range cross {
			hr.header[k] = v
		}
		w := e.serve(hr)
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("cookie with Authorization %q: %d, want 401; %s", h, w.Code, w.Body)
		}
	}
}
