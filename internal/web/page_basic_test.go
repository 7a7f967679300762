package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/static"
)

func TestPagesSendAnonymousVisitorsToSignIn(t *testing.T) {
	e := newUIEnv(t)
	c := e.client()
	for _, path := range []string{"/", "/incidents", "/rcas/new", "/admin/users", "/settings"} {
		r := c.get(path, http.StatusSeeOther)
		if got, want := r.header.Get("Location"), "/signin?next="+url.QueryEscape(path); got != want {
			t.Errorf("%s redirects to %q, want %q", path, got, want)
		}
	}
}

func TestSignInAndOut(t *testing.T) {
	e := newUIEnv(t)
	c := e.client()
	r := c.signIn("author@example.com", "wrong password", http.StatusUnauthorized)
	mustContain(t, r.body, "Wrong email or password.", `value="author@example.com"`)

	c.get("/signin?next=/incidents", http.StatusOK)
	r = c.post("/signin", url.Values{"email": {"author@example.com"}, "password": {uiPassword}, "next": {"/incidents"}}, http.StatusSeeOther)
	if got := location(t, r); got != "/incidents" {
		t.Fatalf("after sign-in: redirect to %q, want /incidents", got)
	}
	r = c.get("/", http.StatusOK)
	mustContain(t, r.body, "Author Person", `name="csrf_token"`)

	// A foreign next is not followed.
	c2 := e.client()
	c2.get("/signin", http.StatusOK)
	r = c2.post("/signin", url.Values{"email": {"viewer@example.com"}, "password": {uiPassword}, "next": {"//evil.example/"}}, http.StatusSeeOther)
	if got := location(t, r); got != "/" {
		t.Errorf("next=//evil.example/: redirect to %q, want /", got)
	}

	c.post("/signout", nil, http.StatusSeeOther)
	c.get("/", http.StatusSeeOther)
}

func TestFormsNeedTheCSRFToken(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleAuthor)
	r := c.do("POST", "/rcas", url.Values{"title": {"x"}, "template": {"standard"}}, http.StatusForbidden)
	mustContain(t, r.body, "<html")
	c.post("/rcas", url.Values{"title": {"x"}, "template": {"standard"}, "csrf_token": {"wrong"}}, http.StatusForbidden)
}

func TestRolesGuardPages(t *testing.T) {
	e := newUIEnv(t)
	viewer := e.as(domain.RoleViewer)
	viewer.get("/rcas/new", http.StatusForbidden)
	viewer.get("/admin/components", http.StatusForbidden)
	r := viewer.get("/", http.StatusOK)
	mustNotContain(t, r.body, `href="/rcas/new"`, `href="/admin/users"`)
	author := e.as(domain.RoleAuthor)
	author.get("/admin/users", http.StatusForbidden)
	admin := e.as(domain.RoleAdmin)
	r = admin.get("/", http.StatusOK)
	mustContain(t, r.body, `href="/admin/users"`, `href="/admin/components"`)
}

func TestStaticAssetsAreHashedAndImmutable(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleViewer)
	page := c.get("/", http.StatusOK)
	m := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no hashed stylesheet link in page")
	}
	js := regexp.MustCompile(`src="(/static/app\.[0-9a-f]{10}\.js)"`).FindStringSubmatch(page.body)
	if js == nil {
		t.Fatalf("no hashed script in page")
	}
	anon := e.client()
	for _, path := range []string{m[1], js[1]} {
		r := anon.get(path, http.StatusOK)
		if got := r.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s Cache-Control = %q", path, got)
		}
		want, _ := static.FS.ReadFile(strings.TrimPrefix(regexp.MustCompile(`\.[0-9a-f]{10}\.`).ReplaceAllString(path, "."), "/static/"))
		if r.body != string(want) {
			t.Errorf("%s: body differs from the embedded file", path)
		}
	}
	anon.get("/static/app.0000000000.css", http.StatusNotFound)
	anon.get("/static/app.css", http.StatusNotFound)
	// No page refers to anything outside this server.
	if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(page.body) {
		t.Errorf("page refers to an external resource")
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestPreviewRendersSafeMarkdown(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleAuthor)
	r := c.post("/preview", url.Values{"body": {"**bold** <script>alert(1)</script> [x](javascript:alert(1))"}}, http.StatusOK)
	mustContain(t, r.body, "<strong>bold</strong>")
	mustNotContain(t, r.body, "<script", "javascript:")
	e.client().do("POST", "/preview", url.Values{"body": {"x"}}, http.StatusSeeOther)
}

func TestLanguageNegotiation(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleViewer)
	r := c.get("/", http.StatusOK)
	mustContain(t, r.body, `<html lang="en">`, "Dashboard")

	c.lang = "de-DE,de;q=0.9"
	r = c.get("/", http.StatusOK)
	mustContain(t, r.body, `<html lang="de">`, "Übersicht")

	c.lang = "de"
	r = c.get("/?lang=en", http.StatusOK) // ?lang= wins and is remembered
	mustContain(t, r.body, `<html lang="en">`)
	r = c.get("/", http.StatusOK)
	mustContain(t, r.body, `<html lang="en">`)

	// The user's preference beats Accept-Language but not the cookie.
	c2 := e.as(domain.RoleAuthor)
	c2.post("/settings", url.Values{"language": {"de"}, "tz": {"Europe/Berlin"}}, http.StatusSeeOther)
	c2.lang = "en"
	r = c2.get("/settings", http.StatusOK)
	mustContain(t, r.body, `<html lang="de">`, "Einstellungen", `value="Europe/Berlin" selected`)
}

func TestSettingsValidation(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleViewer)
	r := c.post("/settings", url.Values{"language": {"xx"}, "tz": {"Mars/Olympus"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This value is not one of the allowed choices.", "This value is not valid.")
}

// TestConcurrentRendersKeepTheirLanguage renders pages in two languages at
// once: translation functions are bound per request on a clone of the
// template set, so no page may show the other request's language.
func TestConcurrentRendersKeepTheirLanguage(t *testing.T) {
	e := newUIEnv(t)
	en, de := e.as(domain.RoleViewer), e.as(domain.RoleReviewer)
	en.lang, de.lang = "en", "de"
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for i := 0; i < 20; i++ {
		for _, c := range []*uiClient{en, de} {
			// Each goroutine gets its own copy: do() records the page's
			// CSRF token on the client, and the copies share only the session.
			cc := *c
			wg.Add(1)
			go func(c *uiClient) {
				defer wg.Done()
				for j := 0; j < 5; j++ {
					r := c.do("GET", "/incidents", nil, 0)
					switch {
					case c.lang == "en" && (!strings.Contains(r.body, "<h1>Incidents</h1>") || strings.Contains(r.body, "Vorfälle")):
						errs <- "english page shows German"
					case c.lang == "de" && (!strings.Contains(r.body, "<h1>Vorfälle</h1>") || strings.Contains(r.body, "<h1>Incidents</h1>")):
						errs <- "german page shows English"
					}
				}
			}(&cc)
		}
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Fatal(msg)
	}
}

func TestRendererFailsOnMissingPage(t *testing.T) {
	assets, err := newAssetSet(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"layout.html":          {Data: []byte(`{{template "content" .}}`)},
		"partials/x.html":      {Data: []byte(`{{define "x"}}{{end}}`)},
		"pages/dashboard.html": {Data: []byte(`{{define "content"}}hi{{end}}`)},
	}
	if _, err := newRenderer(fsys, assets); err == nil || !strings.Contains(err.Error(), "signin") {
		t.Fatalf("newRenderer with missing pages: err = %v, want one naming a missing page", err)
	}
}

func TestTemplateErrorIsACleanServerError(t *testing.T) {
	assets, _ := newAssetSet(static.FS)
	fsys := fstest.MapFS{"layout.html": {Data: []byte(`<p>{{template "content" .}}</p>`)}}
	for _, name := range pageNames {
		fsys["pages/"+name+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.NoSuchField}}{{end}}`)}
	}
	r, err := newRenderer(fsys, assets)
	if err != nil {
		t.Fatal(err)
	}
	e := newUIEnv(t)
	p, _ := newPages(e.srv)
	p.ui = r
	w := httptestRecorderFor(t, p)
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "<p>") {
		t.Fatalf("status %d body %q, want a 500 without half a page", w.Code, w.Body.String())
	}
}
