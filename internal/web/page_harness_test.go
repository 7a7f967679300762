package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// The page tests drive the real gin engine over HTTP, like a browser
// without JavaScript: a cookie jar, no automatic redirects, and the CSRF
// token read from each page.

const uiPassword = "correct horse battery staple"

var uiCheapHash = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type uiEnv struct {
	t     testing.TB
	srv   *Server
	st    store.Store
	ts    *httptest.Server
	users map[domain.Role]domain.User
}

func newUIEnv(t testing.TB) *uiEnv { return newUIEnvWrapped(t, nil) }

// newUIEnvWrapped lets a test put a wrapper around the store (to inject
// failures); fixtures are written to the real store underneath.
func newUIEnvWrapped(t testing.TB, wrap func(store.Store) store.Store) *uiEnv {
	t.Helper()
	real, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = real.Close() })
	var st store.Store = real
	if wrap != nil {
		st = wrap(real)
	}
	logs := &uiLogWriter{t: t}
	srv, err := New(Config{Version: "test"}, st, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	e := &uiEnv{t: t, srv: srv, st: real, users: map[domain.Role]domain.User{}}
	for _, role := range domain.Roles {
		e.users[role] = e.addUser(string(role)+"@example.com", strings.ToUpper(string(role[:1]))+string(role[1:])+" Person", role)
	}
	e.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(e.ts.Close)
	t.Cleanup(logs.stop) // runs first: nothing logs into a finished test
	return e
}

func (e *uiEnv) addUser(email, name string, role domain.Role) domain.User {
	e.t.Helper()
	hash, err := auth.HashPasswordParams(uiPassword, uiCheapHash)
	if err != nil {
		e.t.Fatal(err)
	}
	u := domain.User{Email: email, Name: name, Role: role, PasswordHash: hash, PasswordChangedAt: time.Now().Add(-time.Hour)}
	if err := e.st.CreateUser(context.Background(), &u); err != nil {
		e.t.Fatalf("create user: %v", err)
	}
	return u
}

// uiClient is one browser: its own cookies and the last CSRF token seen.
type uiClient struct {
	e    *uiEnv
	t    testing.TB
	hc   *http.Client
	csrf string
	lang string // Accept-Language, when set
}

func (e *uiEnv) client() *uiClient {
	jar, _ := cookiejar.New(nil)
	return &uiClient{e: e, t: e.t, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// as returns a client signed in with role.
func (e *uiEnv) as(role domain.Role) *uiClient {
	c := e.client()
	c.signIn(e.users[role].Email, uiPassword, http.StatusSeeOther)
	c.get("/", http.StatusOK) // picks up the session's CSRF token
	return c
}

type uiResp struct {
	status int
	body   string
	header http.Header
}

var csrfMetaRe = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)

// missingKeyRe finds catalog keys that came out untranslated.
var missingKeyRe = regexp.MustCompile(`\bui\.[a-z_]+\.[a-z_.]+[a-z]\b`)

func (c *uiClient) do(method, path string, form url.Values, want int) uiResp {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.ts.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	r := uiResp{status: res.StatusCode, body: string(b), header: res.Header}
	if m := csrfMetaRe.FindStringSubmatch(r.body); m != nil && m[1] != "" {
		c.csrf = m[1]
	}
	if want != 0 && r.status != want {
		c.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, r.status, want, snippet(r.body))
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if m := missingKeyRe.FindString(r.body); m != "" {
			c.t.Errorf("%s %s: untranslated key %q in page", method, path, m)
		}
		if strings.Contains(r.body, "<no value>") {
			c.t.Errorf("%s %s: page contains <no value>", method, path)
		}
	}
	return r
}

func (c *uiClient) get(path string, want int) uiResp {
	c.t.Helper()
	return c.do("GET", path, nil, want)
}

// post sends a form with the CSRF token, like the page's own forms.
func (c *uiClient) post(path string, form url.Values, want int) uiResp {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", c.csrf)
	}
	withReadVersion(c.t, c.e.st, "POST", path, form)
	return c.do("POST", path, form, want)
}

func (c *uiClient) signIn(email, password string, want int) uiResp {
	c.t.Helper()
	c.get("/signin", http.StatusOK)
	return c.post("/signin", url.Values{"email": {email}, "password": {password}, "next": {"/"}}, want)
}

func snippet(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q\n%s", w, snippet(body))
		}
	}
}

func mustNotContain(t *testing.T, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("page unexpectedly contains %q", n)
		}
	}
}

// Fixtures written straight to the store.

func (e *uiEnv) component(name string) domain.Component {
	e.t.Helper()
	c := domain.Component{Name: name, Status: domain.ComponentOperational}
	if err := e.st.CreateComponent(context.Background(), &c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

var uiT0 = time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)

func (e *uiEnv) incident(title string, comps ...domain.Component) domain.Incident {
	e.t.Helper()
	resolved := uiT0.Add(47 * time.Minute)
	in := domain.Incident{Title: title, Impact: domain.ImpactMajor, Status: domain.StatusResolved, StartedAt: uiT0, ResolvedAt: &resolved,
		Updates: []domain.IncidentUpdate{
			{Status: domain.UpdateInvestigating, Body: "We are looking into failed checkouts.", At: uiT0.Add(6 * time.Minute)},
			{Status: domain.UpdateIdentified, Body: "A database failover left a stale connection.", At: uiT0.Add(20 * time.Minute)},
			{Status: domain.UpdateResolved, Body: "Checkout works again.", At: resolved},
		}}
	for _, c := range comps {
		in.Components = append(in.Components, domain.AffectedComponent{ComponentID: c.ID, Status: domain.ComponentPartialOutage})
	}
	in.Normalize()
	if err := e.st.CreateIncident(context.Background(), &in); err != nil {
		e.t.Fatal(err)
	}
	return in
}

func (e *uiEnv) rca(title string, incidentIDs ...string) domain.RCA {
	e.t.Helper()
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	author := e.users[domain.RoleAuthor]
	r := domain.NewRCA(title, tpl, "en", incidentIDs, author.ID, time.Now())
	if err := e.st.CreateRCA(context.Background(), &r, author.ID); err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *uiEnv) getRCA(id string) domain.RCA {
	e.t.Helper()
	r, err := e.st.GetRCA(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// location returns the redirect target of a 303.
func location(t *testing.T, r uiResp) string {
	t.Helper()
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", r.status)
	}
	return r.header.Get("Location")
}

// httptestRecorderFor renders the dashboard page through p directly.
func httptestRecorderFor(t *testing.T, p *pages) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	c, _ := ginTestContext(w)
	c.Request = httptest.NewRequest("GET", "/", nil)
	p.render(c, http.StatusOK, "dashboard", dashboardPage{PageData: PageData{T: p.localeOf(c)}})
	return w
}

// uiLogWriter shows the server's warnings and errors in the test's log.
type uiLogWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *uiLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func (w *uiLogWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}
