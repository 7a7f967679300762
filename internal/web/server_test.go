package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func TestNewConfig(t *testing.T) {
	st := openTestStore(t)
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"defaults", Config{}, ""},
		{"full", Config{BaseURL: "https://status.example.com/", DefaultLanguage: "de", DefaultTimeZone: "Europe/Berlin", MaxBodyBytes: 4096}, ""},
		{"relative base url", Config{BaseURL: "status.example.com"}, "base url"},
		{"ftp base url", Config{BaseURL: "ftp://example.com"}, "base url"},
		{"bad language", Config{DefaultLanguage: "not a tag!"}, "default language"},
		{"bad zone", Config{DefaultTimeZone: "Mars/Olympus"}, "time zone"},
		{"tiny body limit", Config{MaxBodyBytes: 10}, "max body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg, st, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				c := s.Config()
				if c.DefaultLanguage == "" || c.DefaultTimeZone == "" || c.MaxBodyBytes == 0 || c.StatusPageName == "" || c.Version == "" {
					t.Fatalf("defaults not filled: %+v", c)
				}
				if strings.HasSuffix(c.BaseURL, "/") {
					t.Fatalf("base url keeps trailing slash: %q", c.BaseURL)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Fatal("New with a nil store succeeded")
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	e := newEnv(t)
	hs := e.srv.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Fatalf("missing timeouts: %+v", hs)
	}
	if hs.Handler == nil || hs.Addr != "127.0.0.1:0" {
		t.Fatal("handler or address not set")
	}
}

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		w := e.serve(req{method: "GET", path: p})
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", p, w.Code, w.Body)
		}
	}
}

// downStore is the real store with Ping failing as an unreachable engine does.
type downStore struct{ store.Store }

func (downStore) Ping(context.Context) error { return store.ErrUnavailable }

func TestReadyzFailsWhenStoreDown(t *testing.T) {
	e := newEnvWithStore(t, downStore{openTestStore(t)})
	w := e.serve(req{method: "GET", path: "/readyz"})
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("readyz: %d, want 503", w.Code)
	}
	if decodeErr(t, w).Error.Code != codeUnavailable {
		t.Fatalf("code: %s", w.Body)
	}
	if w := e.serve(req{method: "GET", path: "/healthz"}); w.Code != 200 {
		t.Fatalf("healthz must not depend on storage: %d", w.Code)
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	e := newEnv(t)
	w := e.serve(req{method: "GET", path: "/api/v1/nope"})
	if w.Code != 404 || decodeErr(t, w).Error.Code != codeNotFound {
		t.Fatalf("unknown API route: %d %s", w.Code, w.Body)
	}
	w = e.serve(req{method: "PATCH", path: "/api/v1/rcas", token: e.tokens["admin"]})
	if w.Code != 405 || decodeErr(t, w).Error.Code != codeMethodNotAllowed {
		t.Fatalf("wrong method: %d %s", w.Code, w.Body)
	}
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	w := e.serve(req{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": "abc-123"}})
	if got := w.Header().Get("X-Request-ID"); got != "abc-123" {
		t.Fatalf("caller's request id not echoed: %q", got)
	}
	for _, bad := range []string{"", "has space", strings.Repeat("x", 65), "<script>"} {
		w := e.serve(req{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": bad}})
		got := w.Header().Get("X-Request-ID")
		if got == "" || got == bad {
			t.Fatalf("request id for %q: got %q, want a fresh one", bad, got)
		}
	}
}

func TestRecoveryAnswers500(t *testing.T) {
	e := newEnv(t)
	e.srv.engine.GET("/api/v1/test-panic", func(c *gin.Context) { panic("boom") })
	e.srv.engine.GET("/test-panic-page", func(c *gin.Context) { panic(errors.New("page boom")) })
	w := e.serve(req{method: "GET", path: "/api/v1/test-panic"})
	if w.Code != 500 {
		t.Fatalf("status %d", w.Code)
	}
	ae := decodeErr(t, w)
	if ae.Error.Code != codeInternal || strings.Contains(w.Body.String(), "boom") {
		t.Fatalf("500 body leaks or has the wrong code: %s", w.Body)
	}
	if !strings.Contains(e.logs.String(), "boom") || !strings.Contains(e.logs.String(), w.Header().Get("X-Request-ID")) {
		t.Fatal("panic not logged with the request id")
	}
	w = e.serve(req{method: "GET", path: "/test-panic-page", header: map[string]string{"Accept": "text/html"}})
	if w.Code != 500 || strings.Contains(w.Body.String(), "page boom") {
		t.Fatalf("page panic: %d %q", w.Code, w.Body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	w := e.serve(req{method: "GET", path: "/healthz"})
	for _, h := range []string{"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
		if w.Header().Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	if _, err := New(Config{TrustedProxies: []string{"not an address"}}, openTestStore(t), nil); err == nil {
		t.Fatal("bad proxy address accepted")
	}
	for _, tt := range []struct {
		name    string
		proxies []string
		wantIP  string
	}{
		{"no proxies: peer address", nil, "192.0.2.1"},
		{"trusted proxy: forwarded address", []string{"192.0.2.0/24"}, "203.0.113.7"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.TrustedProxies = tt.proxies })
			e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": "nobody@example.com", "password": "x"},
				header: map[string]string{"X-Forwarded-For": "203.0.113.7"}})
			var audit listEnvelope[domain.AuditEvent]
			e.must("admin", "GET", "/api/v1/audit?action=user.signin_failed", nil, 200, &audit)
			if audit.Total != 1 || audit.Items[0].IP != tt.wantIP {
				t.Fatalf("audit ip: %+v", audit.Items)
			}
		})
	}
}
