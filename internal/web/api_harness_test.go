package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// cheapParams make test users fast to create and to sign in as; the hash
// format and the checks are the real ones.
var cheapParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const testPassword = "correct horse battery"

// testClock is a settable clock shared by the server and the test.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a server on a real store with one user (and one admin-scope token)
// per role.
type env struct {
	t      testing.TB
	srv    *Server
	st     store.Store
	clock  *testClock
	users  map[domain.Role]domain.User
	tokens map[domain.Role]string
	logs   *bytes.Buffer
}

type envOption func(*Config)

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	return newEnvWithStore(t, openTestStore(t), opts...)
}

func newEnvWithStore(t testing.TB, st store.Store, opts ...envOption) *env {
	t.Helper()
	cfg := Config{Version: "test"}
	for _, o := range opts {
		o(&cfg)
	}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg, st, log)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	clock := &testClock{now: time.Now().UTC().Truncate(time.Second)}
	srv.clock = clock.Now
	e := &env{t: t, srv: srv, st: st, clock: clock, logs: logs,
		users: map[domain.Role]domain.User{}, tokens: map[domain.Role]string{}}
	for _, role := range domain.Roles {
		u := e.addUser(string(role)+"@example.com", role)
		e.users[role] = u
		e.tokens[role] = e.addToken(u, domain.ScopeAdmin, nil)
	}
	return e
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (e *env) addUser(email string, role domain.Role) domain.User {
	e.t.Helper()
	hash, err := auth.HashPasswordParams(testPassword, cheapParams)
	if err != nil {
		e.t.Fatal(err)
	}
	u := domain.User{Email: email, Name: string(role), Role: role, PasswordHash: hash,
		PasswordChangedAt: e.clock.Now().Add(-time.Hour)}
	if err := e.st.CreateUser(context.Background(), &u); err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func (e *env) addToken(u domain.User, scope domain.TokenScope, expires *time.Time) string {
	e.t.Helper()
	secret, hash := auth.NewToken()
	tok := domain.APIToken{UserID: u.ID, Name: "test " + string(scope), Hash: hash, Scope: scope,
		CreatedAt: e.clock.Now(), ExpiresAt: expires}
	if err := e.st.CreateToken(context.Background(), &tok); err != nil {
		e.t.Fatalf("create token: %v", err)
	}
	return secret
}

// req describes one request. Body may be a string (sent as is) or any
// value (sent as JSON).
type req struct {
	method, path string
	token        string
	body         any
	header       map[string]string
	cookies      []*http.Cookie
}

func (e *env) serve(r req) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if u, err := url.Parse(e.srv.cfg.BaseURL); err == nil && u.Host != "" {
		hr.Host = u.Host // the status page answers only its configured host (421 otherwise)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	for _, c := range r.cookies {
		hr.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, hr)
	return w
}

// as sends a request as the user with role (admin-scope token, so the role decides).
func (e *env) as(role domain.Role, method, path string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.serve(req{method: method, path: path, token: e.tokens[role], body: body})
}

// must sends a request as role and fails the test unless the status is want;
// it decodes the answer into out when out is not nil.
func (e *env) must(role domain.Role, method, path string, body any, want int, out any) {
	e.t.Helper()
	w := e.as(role, method, path, body)
	if w.Code != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d; body %s", method, path, role, w.Code, want, w.Body.String())
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			e.t.Fatalf("%s %s: decode %T: %v; body %s", method, path, out, err, w.Body.String())
		}
	}
}

// apiErr is the decoded error answer.
type apiErr struct {
	Error struct {
		Code     string           `json:"code"`
		Message  string           `json:"message"`
		Problems []domain.Problem `json:"problems"`
		Field    string           `json:"field"`
		Offset   *int64           `json:"offset"`
		Current  json.RawMessage  `json:"current"`
		Section  *domain.Section  `json:"current_section"`
	} `json:"error"`
}

func decodeErr(t testing.TB, w *httptest.ResponseRecorder) apiErr {
	t.Helper()
	var ae apiErr
	if err := json.Unmarshal(w.Body.Bytes(), &ae); err != nil {
		t.Fatalf("error body is not JSON: %v; body %q", err, w.Body.String())
	}
	if ae.Error.Code == "" || ae.Error.Message == "" {
		t.Fatalf("error body lacks code or message: %s", w.Body.String())
	}
	return ae
}

func hasProblemOn(ae apiErr, field string) bool {
	for _, p := range ae.Error.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// snapshot is everything the API can change, as JSON, to prove that a
// refused request changed nothing.
func (e *env) snapshot() string {
	e.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	add := func(v any, err error) {
		if err != nil {
			e.t.Fatalf("snapshot: %v", err)
		}
		_ = enc.Encode(v)
	}
	add(e.st.ListComponents(ctx))
	incs, n, err := e.st.ListIncidents(ctx, store.IncidentFilter{Page: store.Page{Limit: 500}})
	add(incs, err)
	add(n, nil)
	rcas, n, err := e.st.ListRCAs(ctx, store.RCAFilter{Page: store.Page{Limit: 500}})
	add(rcas, err)
	add(n, nil)
	for _, r := range rcas {
		add(e.st.ListRevisions(ctx, r.ID))
		add(e.st.ListComments(ctx, r.ID))
	}
	users, err := e.st.ListUsers(ctx)
	add(users, err)
	for _, u := range users {
		toks, err := e.st.ListTokens(ctx, u.ID)
		for i := range toks {
			toks[i].LastUsedAt = nil // touched by every request; not a change
		}
		add(toks, err)
	}
	audit, _, err := e.st.ListAudit(ctx, store.AuditFilter{Page: store.Page{Limit: 500}})
	// token.use records that a token was used (security_audit.go), refused
	// or not: not a change.
	audit = slices.DeleteFunc(audit, func(ev domain.AuditEvent) bool { return ev.Action == "token.use" })
	add(audit, err)
	add(len(audit), nil)
	return b.String()
}

// fixture data made through the API.
func (e *env) component(name string) domain.Component {
	e.t.Helper()
	var cp domain.Component
	e.must(domain.RoleAdmin, "POST", "/api/v1/components", map[string]any{"name": name, "group": "Core"}, 201, &cp)
	return cp
}

func (e *env) incident(title string, componentIDs ...string) domain.Incident {
	e.t.Helper()
	start := e.clock.Now().Add(-3 * time.Hour)
	body := map[string]any{"title": title, "impact": "major", "status": "investigating", "started_at": start}
	var comps []map[string]any
	for _, id := range componentIDs {
		comps = append(comps, map[string]any{"component_id": id, "status": "partial_outage"})
	}
	if comps != nil {
		body["components"] = comps
	}
	var inc domain.Incident
	e.must(domain.RoleAuthor, "POST", "/api/v1/incidents", body, 201, &inc)
	return inc
}

func (e *env) rca(title, template string, incidentIDs ...string) domain.RCA {
	e.t.Helper()
	if incidentIDs == nil {
		incidentIDs = []string{}
	}
	var r domain.RCA
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": title, "template": template, "incident_ids": incidentIDs}, 201, &r)
	return r
}

// newRequestNoLength builds a request whose body length is unknown (as with
// chunked transfer encoding).
func newRequestNoLength(method, path string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, path, io.NopCloser(body))
	r.ContentLength = -1
	return r
}

func recorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
