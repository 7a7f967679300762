package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/auth/oidc"
	"github.com/hindsight-rca/hindsight/internal/auth/oidc/oidctest"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// oidcEnv is the real server on a real port with single sign-on pointed
// at an in-process identity provider; browsers follow every redirect.
type oidcEnv struct {
	t   *testing.T
	st  store.Store
	idp *oidctest.Provider
	url string
}

func newOIDCEnv(t *testing.T, autoCreate bool) *oidcEnv {
	t.Helper()
	idp := oidctest.New("hindsight-web", "web-secret")
	t.Cleanup(idp.Close)
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	logs := &uiLogWriter{t: t}
	srv, err := New(Config{Version: "test", BaseURL: base, OIDC: oidc.Config{
		Issuer: idp.URL, ClientID: "hindsight-web", ClientSecret: "web-secret", AutoCreate: autoCreate,
	}}, st, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	t.Cleanup(logs.stop)
	return &oidcEnv{t: t, st: st, idp: idp, url: base}
}

func (e *oidcEnv) addUser(email string, role domain.Role, disabled bool) domain.User {
	e.t.Helper()
	hash, err := auth.HashPasswordParams(uiPassword, uiCheapHash)
	if err != nil {
		e.t.Fatal(err)
	}
	u := domain.User{Email: email, Name: "Known Person", Role: role, PasswordHash: hash, Disabled: disabled,
		PasswordChangedAt: time.Now().Add(-time.Hour)}
	if err := e.st.CreateUser(context.Background(), &u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// browser is a client with cookies that follows redirects, as a browser does.
func (e *oidcEnv) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second}
}

// get fetches path and returns the final URL's path and the body.
func (e *oidcEnv) get(hc *http.Client, path string) (string, string) {
	e.t.Helper()
	resp, err := hc.Get(e.url + path)
	if err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s ended at %s with %d: %s", path, resp.Request.URL, resp.StatusCode, snippet(string(b)))
	}
	return resp.Request.URL.Path, string(b)
}

// me returns who the browser is signed in as ("" when it is not).
func (e *oidcEnv) me(hc *http.Client) (email string, role domain.Role) {
	e.t.Helper()
	resp, err := hc.Get(e.url + "/api/v1/me")
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusUnauthorized {
		return "", ""
	}
	var me struct {
		User domain.User `json:"user"`
		Auth string      `json:"auth"`
	}
	if err := jsonDecode(resp.Body, &me); err != nil || resp.StatusCode != http.StatusOK || me.Auth != "session" {
		e.t.Fatalf("GET /api/v1/me: %d %v %+v", resp.StatusCode, err, me)
	}
	return me.User.Email, me.User.Role
}

func jsonDecode(r io.Reader, v any) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return jsonUnmarshal(b, v)
}

func TestOIDCSignIn(t *testing.T) {
	const refused = "flash error"
	tests := []struct {
		name       string
		autoCreate bool
		known      *domain.Role // a user with the email exists, with this role
		disabled   bool
		user       oidctest.User
		tamper     func(map[string]any)
		expired    bool
		// want: the role signed in as, or "" for a refusal showing message.
		want    domain.Role
		message string
	}{
		{name: "known user", known: ptr(domain.RoleAuthor), want: domain.RoleAuthor},
		{name: "known user, email in other case", known: ptr(domain.RoleAdmin),
			user: oidctest.User{Subject: "s", Email: "ADA@example.com", EmailVerified: true}, want: domain.RoleAdmin},
		{name: "unknown user without auto-create", message: "No Hindsight account"},
		{name: "unknown user with auto-create", autoCreate: true, want: domain.RoleViewer},
		{name: "auto-create with a name too long to keep", autoCreate: true, want: domain.RoleViewer,
			user: oidctest.User{Subject: "s", Email: "ada@example.com", EmailVerified: true, Name: strings.Repeat("Ada ", 100)}},
		{name: "auto-create with an email that is not an address", autoCreate: true,
			user: oidctest.User{Subject: "s", Email: "not an address", EmailVerified: true}, message: "could not be completed"},
		{name: "unverified email", known: ptr(domain.RoleAdmin),
			user: oidctest.User{Subject: "s", Email: "ada@example.com"}, message: "not verified"},
		{name: "unverified email with auto-create", autoCreate: true,
			user: oidctest.User{Subject: "s", Email: "ada@example.com"}, message: "not verified"},
		{name: "wrong nonce", known: ptr(domain.RoleAuthor), tamper: func(c map[string]any) { c["nonce"] = "replayed" }, message: "could not be completed"},
		{name: "wrong audience", known: ptr(domain.RoleAuthor), tamper: func(c map[string]any) { c["aud"] = "another-app" }, message: "could not be completed"},
		{name: "expired token", known: ptr(domain.RoleAuthor), expired: true, message: "could not be completed"},
		{name: "disabled user", known: ptr(domain.RoleAuthor), disabled: true, message: "disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOIDCEnv(t, tt.autoCreate)
			if tt.known != nil {
				e.addUser("ada@example.com", *tt.known, tt.disabled)
			}
			if tt.user.Subject != "" {
				e.idp.SetUser(tt.user)
			} else {
				e.idp.SetUser(oidctest.User{Subject: "sub-ada", Email: "ada@example.com", EmailVerified: true, Name: "Ada Lovelace"})
			}
			e.idp.Tamper(tt.tamper)
			if tt.expired {
				e.idp.SetNow(func() time.Time { return time.Now().Add(-2 * time.Hour) })
			}
			hc := e.browser()
			path, body := e.get(hc, "/auth/oidc/start?next=%2Fincidents")
			email, role := e.me(hc)
			if tt.want == "" {
				if path != "/signin" || email != "" {
					t.Fatalf("ended at %s signed in as %q; want a refusal on /signin", path, email)
				}
				mustContain(t, body, refused, tt.message)
				if users, _ := e.st.ListUsers(context.Background()); tt.known == nil && len(users) != 0 {
					t.Errorf("a refused sign-in created a user: %+v", users)
				}
				return
			}
			if path != "/incidents" || email != "ada@example.com" || role != tt.want {
				t.Fatalf("ended at %s as %q (%s); want /incidents as ada@example.com (%s)", path, email, role, tt.want)
			}
			if tt.autoCreate {
				u, err := e.st.GetUserByEmail(context.Background(), "ada@example.com")
				wantName := "Ada Lovelace"
				if tt.user.Name != "" {
					wantName = "" // too long: dropped
				}
				if err != nil || u.Name != wantName || u.Role != domain.RoleViewer || u.PasswordHash != "" {
					t.Errorf("created user = %+v, %v; want a viewer named from the token, without password", u, err)
				}
				// The second sign-in finds the same user.
				hc2 := e.browser()
				e.get(hc2, "/auth/oidc/start")
				if email, _ := e.me(hc2); email != "ada@example.com" {
					t.Errorf("second sign-in as %q", email)
				}
				users, _ := e.st.ListUsers(context.Background())
				if len(users) != 1 {
					t.Errorf("%d users after two sign-ins; want 1", len(users))
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestOIDCCallbackForgery: a callback whose state is not the browser's own,
// or that arrives without a sign-in in progress, signs nobody in, and a
// flow is good once.
func TestOIDCCallbackForgery(t *testing.T) {
	e := newOIDCEnv(t, false)
	e.addUser("ada@example.com", domain.RoleAuthor, false)
	e.idp.SetUser(oidctest.User{Subject: "sub-ada", Email: "ada@example.com", EmailVerified: true})
	noFollow := func(hc *http.Client) *http.Client {
		c := *hc
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return &c
	}
	// The victim starts a sign-in; the attacker's code and state come back instead.
	victim := e.browser()
	resp, err := noFollow(victim).Get(e.url + "/auth/oidc/start")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	toIdP := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(toIdP, e.idp.URL+"/authorize?") {
		t.Fatalf("start answered %d to %q", resp.StatusCode, toIdP)
	}
	resp, err = noFollow(victim).Get(toIdP)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if back.Path != OIDCCallbackPath {
		t.Fatalf("provider redirected to %s", back)
	}
	q := back.Query()
	good := q.Get("state")
	q.Set("state", "forged-"+good)
	back.RawQuery = q.Encode()
	path, body := e.get(victim, back.RequestURI())
	if email, _ := e.me(victim); email != "" || path != "/signin" {
		t.Fatalf("forged state signed in %q (ended at %s)", email, path)
	}
	mustContain(t, body, "could not be completed")
	// The flow cookie is gone: the real state cannot be used afterwards either.
	q.Set("state", good)
	back.RawQuery = q.Encode()
	if path, _ := e.get(victim, back.RequestURI()); path != "/signin" {
		t.Fatalf("replayed callback ended at %s", path)
	}
	if email, _ := e.me(victim); email != "" {
		t.Fatalf("replayed callback signed in %q", email)
	}
	// A callback with no sign-in in progress (a login CSRF) is refused.
	stranger := e.browser()
	if path, _ := e.get(stranger, OIDCCallbackPath+"?code=abc&state=xyz"); path != "/signin" {
		t.Fatalf("callback without a flow ended at %s", path)
	}
	if email, _ := e.me(stranger); email != "" {
		t.Fatalf("callback without a flow signed in %q", email)
	}
	// An error from the provider is shown as a refusal.
	if _, body := e.get(stranger, OIDCCallbackPath+"?error=access_denied"); !strings.Contains(body, "could not be completed") {
		t.Errorf("provider error not shown: %s", snippet(body))
	}
}

func TestOIDCSigninPageButton(t *testing.T) {
	e := newOIDCEnv(t, false)
	_, body := e.get(e.browser(), "/signin?next=%2Fincidents")
	mustContain(t, body, `href="/auth/oidc/start?next=%2fincidents"`, "Sign in with SSO")

	plain := newUIEnv(t)
	r := plain.client().get("/signin", http.StatusOK)
	mustNotContain(t, r.body, "/auth/oidc/start", "Sign in with SSO")
	plain.client().get("/auth/oidc/start", http.StatusNotFound)
}

func TestOIDCConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no base url", Config{OIDC: oidc.Config{Issuer: "https://id.example.com", ClientID: "a", ClientSecret: "b"}}, "base URL"},
		{"no client secret", Config{BaseURL: "https://rca.example.com", OIDC: oidc.Config{Issuer: "https://id.example.com", ClientID: "a"}}, "client secret"},
		{"bad issuer", Config{BaseURL: "https://rca.example.com", OIDC: oidc.Config{Issuer: "id.example.com", ClientID: "a", ClientSecret: "b"}}, "issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := sqlite.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = st.Close() }()
			_, err = New(tt.cfg, st, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v; want mention of %q", err, tt.want)
			}
		})
	}
}

// TestOIDCProviderDown: the server starts without reaching the provider and
// a sign-in while it is down is refused with a message, not an error page.
func TestOIDCProviderDown(t *testing.T) {
	e := newOIDCEnv(t, false)
	e.idp.Close()
	path, body := e.get(e.browser(), "/auth/oidc/start")
	if path != "/signin" {
		t.Fatalf("ended at %s", path)
	}
	mustContain(t, body, "flash error", "unavailable")
}

// TestOIDCFlowDetails: the page to return to stays on this site, the flow
// cookie is narrow, sign-ins and refusals are audited, and a user created by
// single sign-on has no password to sign in with.
func TestOIDCFlowDetails(t *testing.T) {
	e := newOIDCEnv(t, true)
	e.idp.SetUser(oidctest.User{Subject: "sub-bo", Email: "bo@example.com", EmailVerified: true, Name: "Bo"})
	for _, next := range []string{"https://evil.example.com/x", "//evil.example.com/x", "/\\evil.example.com"} {
		hc := e.browser()
		resp, err := hc.Get(e.url + "/auth/oidc/start?next=" + url.QueryEscape(next))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if got := resp.Request.URL; got.Host != strings.TrimPrefix(e.url, "http://") || got.Path != "/" {
			t.Errorf("next=%q ended at %s; want this site's dashboard", next, got)
		}
	}

	// The flow cookie: HttpOnly, Lax, only under /auth/oidc, short-lived.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.url + "/auth/oidc/start")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	var flow *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == oidcCookie {
			flow = c
		}
	}
	if flow == nil || !flow.HttpOnly || flow.SameSite != http.SameSiteLaxMode || flow.Path != "/auth/oidc" ||
		flow.MaxAge <= 0 || flow.MaxAge > 900 {
		t.Errorf("flow cookie = %+v; want HttpOnly, SameSite=Lax, Path=/auth/oidc, a short Max-Age", flow)
	}
	if flow != nil && (strings.Contains(flow.Value, e.idp.LastAuthorize().Get("code_challenge")) || flow.Secure) {
		t.Errorf("flow cookie carries the challenge, or is Secure on plain HTTP: %+v", flow)
	}

	// The created user has no password: the password form refuses every guess.
	u, err := e.st.GetUserByEmail(context.Background(), "bo@example.com")
	if err != nil || u.PasswordHash != "" {
		t.Fatalf("created user %+v, %v", u, err)
	}
	form := url.Values{"email": {"bo@example.com"}, "password": {""}}
	hc := e.browser()
	r, err := hc.PostForm(e.url+"/signin", form)
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Errorf("password sign-in of an SSO user answered %d; want 401", r.StatusCode)
	}
	if email, _ := e.me(hc); email != "" {
		t.Errorf("a password sign-in without password worked for an SSO user")
	}

	// Audit: the creation, the sign-ins and a refusal.
	e.idp.SetUser(oidctest.User{Subject: "sub-cy", Email: "cy@example.com", EmailVerified: false})
	e.get(e.browser(), "/auth/oidc/start")
	events, _, err := e.st.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, ev := range events {
		count[ev.Action]++
	}
	if count["user.create"] != 1 || count["user.signin"] < 3 || count["user.signin_failed"] < 1 {
		t.Errorf("audit counts = %v; want one user.create, the sign-ins and the refusal", count)
	}
}
