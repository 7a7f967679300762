package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func TestReviewCommentsCanBeResolved(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("DNS outage")
	reviewer := e.as(domain.RoleReviewer)
	reviewer.get("/rcas/"+rc.ID, http.StatusOK)
	reviewer.post("/rcas/"+rc.ID+"/comments", url.Values{"section": {"root_cause"}, "body": {"Why did the **TTL** matter?"}}, http.StatusSeeOther)
	r := reviewer.get("/rcas/"+rc.ID, http.StatusOK)
	mustContain(t, r.body, "<strong>TTL</strong>", "Mark resolved")
	// Empty comments and unknown sections are refused without storing anything.
	res := reviewer.post("/rcas/"+rc.ID+"/comments", url.Values{"section": {"root_cause"}, "body": {"  "}}, http.StatusSeeOther)
	r = reviewer.get(location(t, res), http.StatusOK)
	mustContain(t, r.body, "A comment needs text.")
	reviewer.post("/rcas/"+rc.ID+"/comments", url.Values{"section": {"nosuch"}, "body": {"x"}}, http.StatusSeeOther)
	comments, err := e.st.ListComments(t.Context(), rc.ID)
	if err != nil || len(comments) != 1 {
		t.Fatalf("comments = %+v, %v", comments, err)
	}
	reviewer.post("/rcas/"+rc.ID+"/comments/"+comments[0].ID+"/resolve", nil, http.StatusSeeOther)
	r = reviewer.get("/rcas/"+rc.ID, http.StatusOK)
	mustContain(t, r.body, `class="comment resolved"`)
	mustNotContain(t, r.body, "Mark resolved")
}

func TestGermanPages(t *testing.T) {
	e := newUIEnv(t)
	in := e.incident("Zahlungen gestört")
	rc := e.rca("Störung im Zahlungsverkehr", in.ID)
	c := e.as(domain.RoleAuthor)
	c.lang = "de"
	tests := []struct {
		path  string
		wants []string
	}{
		{"/", []string{"Übersicht", "Vorfälle ohne RCA", "Entwurf"}},
		{"/rcas/" + rc.ID + "/edit?section=root_cause", []string{"Was zu beantworten ist:", "Qualitätsprüfungen", "Gespeichert", "Zusammengeführten Text speichern"}},
		{"/rcas/" + rc.ID + "/edit?section=timeline", []string{"Zeitablauf (UTC)", "Eintrag hinzufügen", "Angehakte Aktualisierungen übernehmen"}}, // the tick list replaced the one import button (issue 12)
		{"/rcas/" + rc.ID, []string{"Zur Prüfung einreichen", "Datum des Vorfalls", "4. März 2026"}},
		{"/incidents/" + in.ID, []string{"Behoben", "04.03.2026", "RCA schreiben"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := c.get(tt.path, http.StatusOK)
			mustContain(t, r.body, append([]string{`<html lang="de">`}, tt.wants...)...)
		})
	}
	r := c.get("/rcas/nosuch", http.StatusNotFound)
	mustContain(t, r.body, "Nicht gefunden", `<html lang="de">`)
	r = c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {""}, "tz": {"UTC"}, "kind": {"note"}, "text": {"Text bleibt"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Dieses Feld ist erforderlich.", "Text bleibt")
}

func TestUnknownPagesAndMethods(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleViewer)
	r := c.get("/no/such/page", http.StatusNotFound)
	mustContain(t, r.body, "<html", "Not found")
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("404 content type = %q", r.header.Get("Content-Type"))
	}
}

// BenchmarkEditorPage measures rendering the guided editor, the heaviest
// page: an RCA with its checks, timeline and action items, in a fresh
// template clone with bound translations.
func BenchmarkEditorPage(b *testing.B) {
	e := newUIEnv(b)
	in := e.incident("Checkout down")
	rc := e.rca("Checkout outage", in.ID)
	c := e.as(domain.RoleAuthor)
	path := "/rcas/" + rc.ID + "/edit?section=timeline"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.do("GET", path, nil, http.StatusOK)
	}
}

// BenchmarkDashboard measures the dashboard with 25 RCAs on the page.
func BenchmarkDashboard(b *testing.B) {
	e := newUIEnv(b)
	in := e.incident("Checkout down")
	for i := 0; i < pageSize; i++ {
		e.rca("Checkout outage", in.ID)
	}
	c := e.as(domain.RoleViewer)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.do("GET", "/", nil, http.StatusOK)
	}
}

// conflictingStore answers the first n RCA updates with a conflict, as if
// a co-author's autosave landed between the form's read and its write.
type conflictingStore struct {
	store.Store
	n int
}

func (s *conflictingStore) UpdateRCA(ctx context.Context, r *domain.RCA, author, note string) error {
	if s.n > 0 {
		s.n--
		cur, _ := s.GetRCA(ctx, r.ID)
		return &store.ConflictError{Current: cur}
	}
	return s.Store.UpdateRCA(ctx, r, author, note)
}

func TestEntryFormsRetryOnConcurrentSaves(t *testing.T) {
	cs := &conflictingStore{}
	e := newUIEnvWrapped(t, func(st store.Store) store.Store { cs.Store = st; return cs })
	rc := e.rca("Retry me")
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)

	cs.n = 2 // two conflicts, then success: the entry is added once
	c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:00"}, "tz": {"UTC"}, "kind": {"note"}, "text": {"Once"}}, http.StatusSeeOther)
	if got := e.getRCA(rc.ID).Timeline; len(got) != 1 || got[0].Text != "Once" {
		t.Fatalf("timeline = %+v", got)
	}
	cs.n = 5 // conflicts that do not stop: the user gets an error, nothing is half-written
	r := c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T11:00"}, "tz": {"UTC"}, "kind": {"note"}, "text": {"Twice"}}, http.StatusConflict)
	mustContain(t, r.body, "<html")
	if got := e.getRCA(rc.ID).Timeline; len(got) != 1 {
		t.Fatalf("timeline after failed add = %+v", got)
	}
}

func TestHTMLReportPreview(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Preview me")
	if _, err := e.st.SaveSection(context.Background(), rc.ID, "summary", domain.SectionEdit{Body: "Partners saw **errors**.", BaseRevision: 1}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SaveSection(context.Background(), rc.ID, "lessons_learned", domain.SectionEdit{Body: "Internal-only lesson.", BaseRevision: 1}, ""); err != nil {
		t.Fatal(err)
	}
	c := e.as(domain.RoleViewer)
	page := c.get("/rcas/"+rc.ID, http.StatusOK)
	mustContain(t, page.body, `formaction="/rcas/`+rc.ID+`/report"`)
	r := c.get("/rcas/"+rc.ID+"/report?lang=de&tz=Europe/Berlin&audience=external", http.StatusOK)
	mustContain(t, r.body, "<strong>errors</strong>", `lang="de"`)
	mustNotContain(t, r.body, "Internal-only lesson.")
	if cd := r.header.Get("Content-Disposition"); cd != "inline" {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("CSP = %q", csp)
	}
	// The report's language does not change the UI's.
	page = c.get("/", http.StatusOK)
	mustContain(t, page.body, `<html lang="en">`)
	c.get("/rcas/"+rc.ID+"/report?audience=internal", http.StatusForbidden)
	c.get("/rcas/"+rc.ID+"/report?tz=Mars/Base", http.StatusBadRequest)
	r = e.as(domain.RoleAuthor).get("/rcas/"+rc.ID+"/report?audience=internal", http.StatusOK)
	mustContain(t, r.body, "Internal-only lesson.")
}

// TestEveryPageRendersInEveryUILanguage opens every page in English and
// German (and a language without UI strings, which falls back to English):
// no template error, no untranslated key, no <no value> (checked by the
// client on every HTML answer).
func TestEveryPageRendersInEveryUILanguage(t *testing.T) {
	e := newUIEnv(t)
	comp := e.component("API")
	in := e.incident("API down", comp)
	rc := e.rca("API outage", in.ID)
	ctx := context.Background()
	if _, err := e.st.SaveSection(ctx, rc.ID, "summary", domain.SectionEdit{Body: "one", BaseRevision: 1}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SaveSection(ctx, rc.ID, "summary", domain.SectionEdit{Body: "two", BaseRevision: 2}, ""); err != nil {
		t.Fatal(err)
	}
	third := domain.NewRCA("Provider outage", mustTemplate(t, domain.TemplateThirdParty), "en", nil, "", time.Now())
	if err := e.st.CreateRCA(ctx, &third, ""); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/?state=draft&q=API", "/settings", "/rcas/new", "/rcas/new?incident=" + in.ID,
		"/rcas/" + rc.ID, "/rcas/" + rc.ID + "/history", "/rcas/" + rc.ID + "/diff?from=1&to=3",
		"/rcas/" + rc.ID + "/edit?section=_facts", "/rcas/" + third.ID + "/edit", "/rcas/" + third.ID,
		"/incidents", "/incidents?without_rca=1", "/incidents/new", "/incidents/" + in.ID, "/incidents/" + in.ID + "/edit",
		"/admin/components", "/admin/users"}
	for _, s := range rc.Sections {
		paths = append(paths, "/rcas/"+rc.ID+"/edit?section="+s.Key)
	}
	for _, lang := range []string{"en", "de", "fr"} {
		c := e.as(domain.RoleAdmin)
		c.lang = lang
		for _, path := range paths {
			t.Run(lang+path, func(t *testing.T) {
				r := c.get(path, http.StatusOK)
				mustContain(t, r.body, `<html lang="`+lang+`">`)
			})
		}
		anon := e.client()
		anon.lang = lang
		anon.get("/signin", http.StatusOK)
	}
}

func mustTemplate(t *testing.T, key string) domain.Template {
	tpl, ok := domain.BuiltinTemplate(key)
	if !ok {
		t.Fatalf("no template %s", key)
	}
	return tpl
}
