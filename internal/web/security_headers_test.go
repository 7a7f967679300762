package web

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestSecurityHeadersOnEveryAnswer checks the headers on every kind of
// answer: pages, JSON, errors (404, 405, 401, 403, 413), static files, the
// status page and its JSON.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	e := newEnv(t)
	asset := assetPath(t, e, "app", "js")
	e.srv.engine.GET("/api/v1/test-panic-headers", func(*gin.Context) { panic("boom") })
	cookie, _ := e.signInAPI("viewer@example.com")
	r := e.rca("Headers everywhere", "standard")
	cases := []struct {
		name, method, path string
		header             map[string]string
		token              string
		cookie             bool
		wantStatus         int
		wantCSP            string // a part the policy must contain
	}{
		{"health JSON", "GET", "/healthz", nil, "", false, 200, "default-src 'none'"},
		{"API JSON", "GET", "/api/v1/me", nil, e.tokens["viewer"], false, 200, "default-src 'none'"},
		{"API 401", "GET", "/api/v1/me", nil, "", false, 401, "default-src 'none'"},
		{"API 403", "GET", "/api/v1/users", nil, e.tokens["viewer"], false, 403, "default-src 'none'"},
		{"API 404", "GET", "/api/v1/nothing-here", nil, "", false, 404, "default-src 'none'"},
		{"API 405", "PATCH", "/api/v1/rcas", nil, "", false, 405, "default-src 'none'"},
		{"API 413", "POST", "/api/v1/rcas", nil, e.tokens["author"], false, 413, "default-src 'none'"},
		{"page", "GET", "/", map[string]string{"Accept": "text/html"}, "", true, 200, "script-src 'self'"},
		{"sign-in page", "GET", "/signin", map[string]string{"Accept": "text/html"}, "", false, 200, "script-src 'self'"},
		{"page 404", "GET", "/no/such/page", map[string]string{"Accept": "text/html"}, "", false, 404, "frame-ancestors 'none'"},
		{"page 403", "GET", "/admin/users", map[string]string{"Accept": "text/html"}, "", true, 403, "frame-ancestors 'none'"},
		{"static file", "GET", asset, nil, "", false, 200, "default-src 'none'"},
		{"static 404", "GET", "/static/nothing.css", nil, "", false, 404, "default-src 'none'"},
		{"status page", "GET", "/status", nil, "", false, 200, "style-src 'sha256-"},
		{"status 404", "GET", "/status/incidents/nope", nil, "", false, 404, "frame-ancestors 'none'"},
		{"status JSON", "GET", "/api/v2/summary.json", nil, "", false, 200, "default-src 'none'"},
		{"feed", "GET", "/status/feed.atom", nil, "", false, 200, "default-src 'none'"},
		{"panic 500", "GET", "/api/v1/test-panic-headers", nil, "", false, 500, "default-src 'none'"},
		{"redirect to sign-in", "GET", "/settings", map[string]string{"Accept": "text/html"}, "", false, 303, "default-src 'none'"},
		{"readiness", "GET", "/readyz", nil, "", false, 200, "default-src 'none'"},
		{"metrics", "GET", "/metrics", nil, "", false, 200, "default-src 'none'"},
		{"OpenAPI", "GET", "/api/v1/openapi.json", nil, "", false, 200, "default-src 'none'"},
		{"Markdown preview fragment", "POST", "/preview", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, e.tokens["viewer"], false, 200, "default-src 'none'"},
		{"HTML export", "GET", "/api/v1/rcas/" + r.ID + "/export?format=html", nil, e.tokens["viewer"], false, 200, "sandbox"},
		{"report preview", "GET", "/rcas/" + r.ID + "/report", map[string]string{"Accept": "text/html"}, "", true, 200, "sandbox"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := req{method: tc.method, path: tc.path, token: tc.token, header: tc.header}
			if tc.cookie {
				r.cookies = []*http.Cookie{cookie}
			}
			if tc.name == "API 413" {
				r.body = strings.Repeat("x", DefaultMaxBodyBytes+1)
			}
			w := e.serve(r)
			if w.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %.200s", w.Code, tc.wantStatus, w.Body)
			}
			h := w.Header()
			want := map[string]string{
				"X-Content-Type-Options": "nosniff",
				"X-Frame-Options":        "DENY",
				"Referrer-Policy":        "same-origin",
			}
			for k, v := range want {
				if got := h.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, tc.wantCSP) || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP %q lacks %q or frame-ancestors 'none'", csp, tc.wantCSP)
			}
			if strings.Contains(csp, "script-src") && strings.Contains(csp, "'unsafe-inline'") || strings.Contains(csp, "'unsafe-eval'") ||
				strings.Contains(csp, "'unsafe-inline'") && !strings.Contains(csp, "sandbox") {
				t.Errorf("CSP %q allows inline script or eval", csp)
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Errorf("HSTS over plain HTTP: %q", h.Get("Strict-Transport-Security"))
			}
		})
	}
}

// TestForwardedProtoFromTrustedProxiesOnly: X-Forwarded-Proto: https makes
// cookies Secure (and sends HSTS) only when the peer is a trusted proxy.
func TestForwardedProtoFromTrustedProxiesOnly(t *testing.T) {
	cases := []struct {
		name    string
		proxies []string
		peer    string
		proto   string
		tls     bool
		secure  bool
	}{
		{"no proxies configured", nil, "192.0.2.10:5555", "https", false, false},
		{"untrusted peer", []string{"10.0.0.0/8"}, "192.0.2.10:5555", "https", false, false},
		{"trusted peer, https", []string{"10.0.0.0/8"}, "10.1.2.3:5555", "https", false, true},
		{"trusted single address", []string{"10.1.2.3"}, "10.1.2.3:5555", "HTTPS", false, true},
		{"trusted peer, IPv6", []string{"fd00::/8"}, "[fd00::1]:5555", "https", false, true},
		{"trusted peer, chain", []string{"10.0.0.0/8"}, "10.1.2.3:5555", "https, http", false, true},
		{"trusted peer, http", []string{"10.0.0.0/8"}, "10.1.2.3:5555", "http", false, false},
		{"trusted peer, chain starting with http", []string{"10.0.0.0/8"}, "10.1.2.3:5555", "http, https", false, false},
		{"trusted peer, no header", []string{"10.0.0.0/8"}, "10.1.2.3:5555", "", false, false},
		{"direct TLS", nil, "192.0.2.10:5555", "", true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.TrustedProxies = tc.proxies })
			r := httptest.NewRequest("POST", "/api/v1/session",
				strings.NewReader(`{"email":"viewer@example.com","password":"`+testPassword+`"}`))
			r.Header.Set("Content-Type", "application/json")
			r.RemoteAddr = tc.peer
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("sign in: %d %s", w.Code, w.Body)
			}
			if c := sessionCookieOf(t, w); c.Secure != tc.secure {
				t.Fatalf("cookie Secure = %v, want %v", c.Secure, tc.secure)
			}
			if hsts := w.Header().Get("Strict-Transport-Security") != ""; hsts != tc.secure {
				t.Fatalf("HSTS sent = %v, want %v", hsts, tc.secure)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got := parseTrustedProxies([]string{"10.0.0.0/8", " 192.0.2.7 ", "::ffff:198.51.100.1", "2001:db8::/32", "garbage", ""})
	var s []string
	for _, p := range got {
		s = append(s, p.String())
	}
	want := "10.0.0.0/8 192.0.2.7/32 198.51.100.1/32 2001:db8::/32"
	if strings.Join(s, " ") != want {
		t.Fatalf("got %v, want %s", s, want)
	}
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"10.9.9.9:1", true}, {"192.0.2.7:80", true}, {"192.0.2.8:80", false},
		{"[::ffff:10.0.0.1]:80", true}, {"[2001:db8::5]:443", true}, {"not an address", false}, {"", false},
	} {
		if peerTrusted(tc.addr, got) != tc.want {
			t.Errorf("peerTrusted(%q) = %v, want %v", tc.addr, !tc.want, tc.want)
		}
	}
}

// TestFlashCookieSecureBehindTrustedProxy: the pages' one-time message
// cookie follows the same rule as the session cookie.
func TestFlashCookieSecureBehindTrustedProxy(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8"} })
	cookie, csrf := e.signInAPI("admin@example.com")
	r := httptest.NewRequest("POST", "/admin/components", strings.NewReader("name=Queue&csrf_token="+csrf))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Forwarded-Proto", "https")
	r.RemoteAddr = "10.0.0.5:4000"
	r.AddCookie(cookie)
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create component: %d %s", w.Code, w.Body)
	}
	found := false
	for _, c := range w.Result().Cookies() {
		if c.Name == flashCookie {
			found = true
			if !c.Secure {
				t.Fatal("flash cookie not Secure behind a trusted HTTPS proxy")
			}
		}
	}
	if !found {
		t.Fatalf("no flash cookie: %v", w.Header().Values("Set-Cookie"))
	}
}

// assetPath reads the hashed URL of static/<name>.<ext> from the sign-in page.
func assetPath(t *testing.T, e *env, name, ext string) string {
	t.Helper()
	w := e.serve(req{method: "GET", path: "/signin", header: map[string]string{"Accept": "text/html"}})
	m := regexp.MustCompile(`/static/` + name + `\.[0-9a-f]+\.` + ext).FindString(w.Body.String())
	if m == "" {
		t.Fatalf("no %s.%s on the sign-in page", name, ext)
	}
	return m
}

// BenchmarkSecurityHeaders is the per-request cost of the headers and the
// trusted-proxy check.
func BenchmarkSecurityHeaders(b *testing.B) {
	r := httptest.NewRequest("GET", "/api/v1/me", nil)
	r.RemoteAddr = "10.1.2.3:5555"
	r.Header.Set("X-Forwarded-Proto", "https")
	proxies := []string{"10.0.0.0/8", "192.0.2.1"}
	h := http.Header{}
	for b.Loop() {
		setSecurityHeaders(h, requestSecure(r, parseTrustedProxies(proxies)))
	}
}

// TestEveryCookieSecureBehindHTTPSProxy: behind a trusted proxy that says
// https, every cookie the app sets (session, CSRF-bound flash, language,
// and the clearing ones) is Secure, HttpOnly and SameSite=Lax.
func TestEveryCookieSecureBehindHTTPSProxy(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8"} })
	send := func(method, path, body, contentType string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("Accept", "text/html")
		r.RemoteAddr = "10.0.0.9:3000"
		for _, c := range cookies {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, r)
		return w
	}
	seen := map[string]bool{}
	check := func(w *httptest.ResponseRecorder) {
		t.Helper()
		for _, c := range w.Result().Cookies() {
			seen[c.Name] = true
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie %s: Secure=%v HttpOnly=%v SameSite=%v", c.Name, c.Secure, c.HttpOnly, c.SameSite)
			}
		}
	}
	w := send("POST", "/api/v1/session", `{"email":"admin@example.com","password":"`+testPassword+`"}`, "application/json")
	check(w)
	session := sessionCookieOf(t, w)
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if err := jsonUnmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	check(send("GET", "/?lang=de", "", "", session))
	w = send("POST", "/admin/components", "name=Queue&csrf_token="+out.CSRF, "application/x-www-form-urlencoded", session)
	check(w)
	var flash *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == flashCookie {
			flash = c
		}
	}
	if flash == nil {
		t.Fatalf("no flash cookie after a form post: %d", w.Code)
	}
	check(send("GET", "/admin/components", "", "", session, flash)) // clears the flash
	check(send("POST", "/settings", "language=en&tz=UTC&csrf_token="+out.CSRF, "application/x-www-form-urlencoded", session))
	check(send("POST", "/signout", "csrf_token="+out.CSRF, "application/x-www-form-urlencoded", session))
	for _, name := range []string{sessionCookie, flashCookie, langCookie} {
		if !seen[name] {
			t.Errorf("cookie %s never set in this walk", name)
		}
	}
}
