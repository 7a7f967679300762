package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// publicRoute reports whether "METHOD pattern" is meant to be reachable on
// the public listener.
func publicRoute(method, pattern string) bool {
	if method != http.MethodGet && method != http.MethodHead {
		return false
	}
	return pattern == "/healthz" || pattern == "/static/*file" ||
		pattern == "/status" || strings.HasPrefix(pattern, "/status/") || strings.HasPrefix(pattern, "/api/v2/")
}

// fillPattern turns a gin pattern into a path, taking each parameter's
// value from params (a missing one becomes "x").
func fillPattern(pattern string, params map[string]string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if p == "" || (p[0] != ':' && p[0] != '*') {
			continue
		}
		v, ok := params[p[1:]]
		if !ok {
			v = "x"
		}
		parts[i] = v
	}
	return strings.Join(parts, "/")
}

// TestPublicHandlerServesOnlyTheStatusPage walks every route of the main
// engine: on the public handler the status page, its JSON, its feed,
// /healthz and its assets answer 200, everything else 404, even with an
// admin's session cookie or token.
func TestPublicHandlerServesOnlyTheStatusPage(t *testing.T) {
	e := newEnv(t)
	inc := e.incident("Queue delays")
	pub, err := e.srv.PublicHandler()
	if err != nil {
		t.Fatal(err)
	}
	cookie, csrf := e.signInAPI("admin@example.com")
	favicon := assetPath(t, e, "favicon", "svg")
	params := map[string]string{"id": inc.ID, "file": strings.TrimPrefix(favicon, "/static/")}
	served, refused := 0, 0
	for _, rt := range e.srv.engine.Routes() {
		path := fillPattern(rt.Path, params)
		if rt.Method == http.MethodPost && publicFormRoute(rt.Path) {
			continue // subs: public forms, served on both; see TestSubscribeOnPublicHandler
		}
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			r := httptest.NewRequest(rt.Method, path, nil)
			r.AddCookie(cookie)
			r.Header.Set(csrfHeader, csrf)
			if !publicRoute(rt.Method, rt.Path) {
				r.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
			}
			w := httptest.NewRecorder()
			pub.ServeHTTP(w, r)
			want := http.StatusNotFound
			if publicRoute(rt.Method, rt.Path) {
				want = http.StatusOK
				served++
			} else {
				refused++
			}
			if w.Code != want {
				t.Fatalf("%s %s on the public handler: %d, want %d; body %.200s", rt.Method, path, w.Code, want, w.Body)
			}
			if w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("Content-Security-Policy") == "" {
				t.Fatalf("security headers missing: %v", w.Header())
			}
			if len(w.Result().Cookies()) > 0 {
				t.Fatalf("public answer sets cookies: %v", w.Header().Values("Set-Cookie"))
			}
			// The main handler still serves the public routes.
			if publicRoute(rt.Method, rt.Path) {
				w := e.serve(req{method: rt.Method, path: path})
				if w.Code != http.StatusOK {
					t.Fatalf("main handler: %s %s = %d", rt.Method, path, w.Code)
				}
			}
		})
	}
	if served < 10 || refused < 50 {
		t.Fatalf("walked %d public and %d private routes; the route table looks wrong", served, refused)
	}
}

// TestPublicHandlerRefusesTricks: other methods, path tricks and other
// static files stay 404.
func TestPublicHandlerRefusesTricks(t *testing.T) {
	e := newEnv(t)
	pub, err := e.srv.PublicHandler()
	if err != nil {
		t.Fatal(err)
	}
	appJS := assetPath(t, e, "app", "js")
	for _, tc := range []struct{ method, path string }{
		{"POST", "/status"},
		{"PUT", "/api/v2/summary.json"},
		{"DELETE", "/status/incidents/x"},
		{"POST", "/api/v1/session"},
		{"GET", "//api/v1/users"},
		{"GET", "/status/../api/v1/users"},
		{"GET", "/status/incidents/../../api/v1/audit"},
		{"GET", "/api/v2/../v1/me"},
		{"GET", "/API/V1/USERS"},
		{"GET", "/metrics"},
		{"GET", "/readyz"},
		{"GET", "/signin"},
		{"GET", "/"},
		{"GET", appJS},
		{"GET", "/static/../api/v1/users"},
		{"OPTIONS", "/status"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://status.example"+tc.path, nil)
			r.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
			w := httptest.NewRecorder()
			pub.ServeHTTP(w, r)
			if w.Code != http.StatusNotFound {
				t.Fatalf("%d, want 404; body %.200s", w.Code, w.Body)
			}
		})
	}
	// The JSON answers carry the usual error shape.
	r := httptest.NewRequest("GET", "/api/v1/rcas", nil)
	w := httptest.NewRecorder()
	pub.ServeHTTP(w, r)
	if ae := decodeErr(t, w); ae.Error.Code != codeNotFound {
		t.Fatalf("code %q", ae.Error.Code)
	}
}

func TestPublicHTTPServer(t *testing.T) {
	e := newEnv(t)
	hs, err := e.srv.PublicHTTPServer("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if hs.ReadHeaderTimeout == 0 || hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.IdleTimeout == 0 || hs.MaxHeaderBytes == 0 {
		t.Fatalf("public server without timeouts: %+v", hs)
	}
	ts := httptest.NewServer(hs.Handler)
	defer ts.Close()
	res, err := http.Get(ts.URL + "/api/v2/status.json")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status.json over HTTP: %d", res.StatusCode)
	}
}
