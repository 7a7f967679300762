package statuspage

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	stdhtml "html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
	"github.com/hindsight-rca/hindsight/templates"
)

// siteNow is the fixed "now" of the site tests: late September 2024.
var siteNow = time.Date(2024, 9, 20, 10, 0, 0, 0, time.UTC)

type siteFixture struct {
	t    testing.TB
	st   store.Store
	site *Site
	api  domain.Component
	rca  domain.RCA
	inc  map[string]domain.Incident
}

// fakeRCAText stands in for the report package here: the external sections
// as Markdown (the web package's tests use the real report).
func fakeRCAText(_ context.Context, r domain.RCA, _ []domain.Incident, lang string, _ *time.Location) (string, error) {
	var b strings.Builder
	for _, s := range r.ExternalSections() {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", s.Title, s.Body)
	}
	return b.String(), nil
}

func newSiteFixture(t testing.TB) *siteFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	site, err := NewSite(st, cat, templates.FS, Config{Name: "Lumen Cloud", BaseURL: "https://status.lumen.example",
		TimeZone: "Europe/Berlin", Now: func() time.Time { return siteNow }}, fakeRCAText, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &siteFixture{t: t, st: st, site: site, inc: map[string]domain.Incident{}}
	f.api = f.component("Upload API", "Core", domain.ComponentOperational)
	f.component("Image CDN", "Edge", domain.ComponentDegraded)
	f.component("Website", "", domain.ComponentOperational)

	// September: one resolved incident with an RCA, one still open.
	f.incident("api", "Upload API errors", domain.ImpactMajor, time.Date(2024, 9, 3, 14, 0, 0, 0, time.UTC), 62*time.Minute,
		[]domain.AffectedComponent{{ComponentID: f.api.ID, Status: domain.ComponentPartialOutage}},
		[]domain.IncidentUpdate{
			{Status: domain.UpdateInvestigating, Body: "About one in four uploads fails.", At: time.Date(2024, 9, 3, 14, 5, 0, 0, time.UTC)},
			{Status: domain.UpdateIdentified, Body: "A bad config rollout.", At: time.Date(2024, 9, 3, 14, 30, 0, 0, time.UTC)},
			{Status: domain.UpdateResolved, Body: "Uploads work normally again.", At: time.Date(2024, 9, 3, 15, 2, 0, 0, time.UTC)},
		})
	f.incident("cdn", "Image delivery slow", domain.ImpactMinor, time.Date(2024, 9, 20, 8, 0, 0, 0, time.UTC), 0, nil,
		[]domain.IncidentUpdate{{Status: domain.UpdateInvestigating, Body: "Images load slowly.", At: time.Date(2024, 9, 20, 8, 5, 0, 0, time.UTC)}})
	// August: a blip under a minute. July: nothing. May: an old one.
	f.incident("blip", "Login blip", domain.ImpactMinor, time.Date(2024, 8, 14, 9, 0, 0, 0, time.UTC), 40*time.Second, nil,
		[]domain.IncidentUpdate{{Status: domain.UpdateResolved, Body: "Logins failed briefly.", At: time.Date(2024, 8, 14, 9, 1, 0, 0, time.UTC)}})
	f.incident("old", "Old outage", domain.ImpactCritical, time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC), 3*time.Hour, nil, nil)

	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Upload API errors on 3 September", tpl, "en", []string{f.inc["api"].ID}, "u1", siteNow)
	for i := range r.Sections {
		r.Sections[i].Body = "Public " + r.Sections[i].Key + " text."
		if r.Sections[i].Visibility == domain.Internal {
			r.Sections[i].Body = "Internal only ZZ-SITE-INTERNAL"
		}
	}
	r.State = domain.StatePublished
	pub := time.Date(2024, 9, 10, 9, 0, 0, 0, time.UTC)
	r.PublishedAt = &pub
	if err := st.CreateRCA(ctx, &r, "u1"); err != nil {
		t.Fatal(err)
	}
	f.rca = r
	return f
}

func (f *siteFixture) component(name, group string, status domain.ComponentStatus) domain.Component {
	f.t.Helper()
	c := domain.Component{Name: name, Group: group, Status: status}
	if err := f.st.CreateComponent(context.Background(), &c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *siteFixture) incident(key, title string, impact domain.Impact, start time.Time, lasted time.Duration, comps []domain.AffectedComponent, ups []domain.IncidentUpdate) {
	f.t.Helper()
	in := domain.Incident{Title: title, Impact: impact, StartedAt: start, Components: comps, Updates: ups, Status: domain.StatusInvestigating}
	if lasted > 0 {
		end := start.Add(lasted)
		in.ResolvedAt = &end
		in.Status = domain.StatusResolved
	}
	in.Normalize()
	if err := f.st.CreateIncident(context.Background(), &in); err != nil {
		f.t.Fatal(err)
	}
	f.inc[key] = in
}

func (f *siteFixture) get(path string, header ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	r := httptest.NewRequest("GET", "https://status.lumen.example"+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.site.Handler().ServeHTTP(w, r)
	return w
}

func (f *siteFixture) ok(path string, header ...string) string {
	f.t.Helper()
	w := f.get(path, header...)
	if w.Code != 200 {
		f.t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

// text strips tags and collapses space, for asserting on what a reader sees.
func text(html string) string {
	html = regexp.MustCompile(`(?s)<style>.*?</style>`).ReplaceAllString(html, " ")
	html = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(html, " ")
	return strings.Join(strings.Fields(stdhtml.UnescapeString(html)), " ")
}

func inOrder(t *testing.T, s string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(s[at:], p)
		if i < 0 {
			t.Fatalf("%q missing or out of order (after byte %d) in:\n%s", p, at, s)
		}
		at += i + len(p)
	}
}

func TestOverviewEnglish(t *testing.T) {
	f := newSiteFixture(t)
	body := f.ok("/status")
	txt := text(body)
	inOrder(t, txt,
		"Minor service disruption",
		"Current incidents", "Image delivery slow", "Images load slowly.",
		"Components", "Website", "Operational", "Core", "Upload API", "Operational", "Edge", "Image CDN", "Degraded performance",
		"Past incidents",
		"September 2024", "Image delivery slow", "Upload API errors", "Postmortem", "lasted about 1 hour",
		"August 2024", "Login blip", "lasted less than 1 minute",
		"July 2024", "No notices reported this month",
		"Older notices",
		"Times are shown in CEST, UTC+2.")
	if strings.Contains(txt, "Old outage") {
		t.Error("May is older than three months and belongs to the history pages")
	}
	if !strings.Contains(body, `href="/status/history?month=2024-06&amp;lang=en"`) {
		t.Error("no link to older months")
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Error("the status page must work without JavaScript")
	}
}

func TestOverviewGerman(t *testing.T) {
	f := newSiteFixture(t)
	for _, h := range [][]string{{"Accept-Language", "de-DE,de;q=0.9,en;q=0.5"}, {}} {
		path := "/status"
		if len(h) == 0 {
			path = "/status?lang=de"
		}
		w := f.get(path, h...)
		txt := text(w.Body.String())
		inOrder(t, txt,
			"Geringe Beeinträchtigung",
			"Aktuelle Vorfälle",
			"Komponenten", "Upload API", "Funktionsfähig", "Image CDN", "Eingeschränkte Leistung",
			"Vergangene Vorfälle",
			"September 2024", "Upload API errors", "Nachbetrachtung", "dauerte etwa 1 Stunde",
			"August 2024", "dauerte weniger als 1 Minute",
			"Juli 2024", "In diesem Monat wurden keine Meldungen veröffentlicht",
			"Ältere Meldungen")
		if w.Header().Get("Content-Language") != "de" || !strings.Contains(w.Header().Get("Vary"), "Accept-Language") {
			t.Errorf("headers %v", w.Header())
		}
	}
}

func TestIncidentPage(t *testing.T) {
	f := newSiteFixture(t)
	id := f.inc["api"].ID
	txt := text(f.ok("/status/incidents/" + id))
	inOrder(t, txt,
		"Upload API errors",
		"Impact", "Major",
		"Occurred on", "Sep 3, 2024", "lasted about 1 hour",
		"Affected", "Upload API", "Partial outage",
		"Updates",
		"Resolved", "Uploads work normally again.",
		"Identified", "A bad config rollout.",
		"Investigating", "About one in four uploads fails.",
		"Root cause analysis: Upload API errors on 3 September", "Public root_cause text.")
	if strings.Contains(txt, "ZZ-SITE-INTERNAL") {
		t.Error("internal section on the public page")
	}
	// Times in the page's zone: 16:05 in Berlin is 14:05 UTC.
	if !strings.Contains(txt, "4:05") {
		t.Errorf("update time not in Europe/Berlin: %s", txt)
	}
	// reportpdf: a regional tag formats dates and times its own way.
	gb := text(f.ok("/status/incidents/"+id, "Accept-Language", "en-GB,en;q=0.8"))
	inOrder(t, gb, "Occurred on", "3 Sep 2024, 16:00", "16:05")
	us := text(f.ok("/status/incidents/" + id + "?lang=en-US"))
	inOrder(t, us, "Occurred on", "Sep 3, 2024", "4:05")
	de := text(f.ok("/status/incidents/"+id, "Accept-Language", "de"))
	inOrder(t, de, "Auswirkung", "Erheblich", "Aufgetreten am", "dauerte etwa 1 Stunde", "Betroffen", "Teilausfall", "Gelöst", "16:05", "Ursachenanalyse")

	// The open incident has no duration yet and no RCA.
	open := text(f.ok("/status/incidents/" + f.inc["cdn"].ID))
	if !strings.Contains(open, "Ongoing since") || strings.Contains(open, "Root cause analysis") {
		t.Errorf("open incident: %s", open)
	}
	if w := f.get("/status/incidents/nope"); w.Code != 404 || !strings.Contains(w.Body.String(), "This incident does not exist.") {
		t.Errorf("unknown incident: %d", w.Code)
	}
}

func TestRCALinkedToTwoIncidentsShowsOnBoth(t *testing.T) {
	f := newSiteFixture(t)
	ctx := context.Background()
	r, err := f.st.GetRCA(ctx, f.rca.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.LinkIncident(f.inc["blip"].ID)
	if err := f.st.UpdateRCA(ctx, &r, "u1", "link"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"api", "blip"} {
		if txt := text(f.ok("/status/incidents/" + f.inc[k].ID)); !strings.Contains(txt, "Root cause analysis: Upload API errors on 3 September") {
			t.Errorf("%s lacks the RCA", k)
		}
	}
	// Unpublished: gone from both, and the status is no longer postmortem.
	r, _ = f.st.GetRCA(ctx, r.ID)
	if err := r.Transition(domain.StateDraft, "u1", domain.RoleAdmin, "wrong numbers", siteNow); err != nil {
		t.Fatal(err)
	}
	if err := f.st.UpdateRCA(ctx, &r, "u1", "unpublish"); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	for _, k := range []string{"api", "blip"} {
		if txt := text(f.ok("/status/incidents/" + f.inc[k].ID)); strings.Contains(txt, "Root cause analysis") || strings.Contains(txt, "Public root_cause text.") {
			t.Errorf("%s still shows an unpublished RCA", k)
		}
	}
	var doc V2IncidentsDoc
	if err := json.Unmarshal([]byte(f.ok("/api/v2/incidents.json")), &doc); err != nil {
		t.Fatal(err)
	}
	for _, in := range doc.Incidents {
		if in.Status == "postmortem" {
			t.Errorf("%s is postmortem without a published RCA", in.Name)
		}
	}
}

func TestHistoryPage(t *testing.T) {
	f := newSiteFixture(t)
	txt := text(f.ok("/status/history?month=2024-05"))
	inOrder(t, txt, "Incident history", "May 2024", "Old outage", "lasted about 3 hours", "Older notices", "Newer notices")
	txt = text(f.ok("/status/history?month=2024-07&lang=fr"))
	inOrder(t, txt, "Historique des incidents", "juillet 2024", "Aucun avis signalé ce mois-ci")
	for _, bad := range []string{"2024-13", "24-09", "x"} {
		if w := f.get("/status/history?month=" + bad); w.Code != 400 {
			t.Errorf("month=%s: %d", bad, w.Code)
		}
	}
	// This month: no link to the future.
	if strings.Contains(text(f.ok("/status/history")), "Newer notices") {
		t.Error("current month links to a newer one")
	}
}

func TestFeed(t *testing.T) {
	f := newSiteFixture(t)
	w := f.get("/status/feed.atom")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &feed); err != nil {
		t.Fatal(err)
	}
	if feed.Title != "Lumen Cloud: incidents" || len(feed.Entries) != 4 {
		t.Fatalf("feed %q with %d entries", feed.Title, len(feed.Entries))
	}
	e := feed.Entries[1] // newest first: cdn, api, blip, old
	if e.Title != "Upload API errors" || e.ID != "https://status.lumen.example/status/incidents/"+f.inc["api"].ID {
		t.Errorf("entry %+v", e)
	}
	inOrder(t, e.Content, "Resolved", "Uploads work normally again.", "Investigating", "About one in four", "Root cause analysis")

	de := f.ok("/status/feed.atom?lang=de")
	if !strings.Contains(de, `xml:lang="de"`) || !strings.Contains(de, "Gelöst") || !strings.Contains(de, "Lumen Cloud: Vorfälle") {
		t.Errorf("German feed: %.400s", de)
	}
	if en := f.ok("/status/feed.atom"); strings.Contains(en, "Gelöst") {
		t.Error("the German feed was served for the default language")
	}
	if !strings.Contains(f.ok("/status?lang=de"), `href="/status/feed.atom?lang=de"`) {
		t.Error("the German page links the feed in another language")
	}
}

func TestV2Documents(t *testing.T) {
	f := newSiteFixture(t)
	var sum V2Summary
	if err := json.Unmarshal([]byte(f.ok("/api/v2/summary.json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Page.Name != "Lumen Cloud" || sum.Page.TimeZone != "Europe/Berlin" || sum.Page.ID == "" || sum.Status.Indicator != "minor" {
		t.Errorf("summary page/status = %+v %+v", sum.Page, sum.Status)
	}
	if len(sum.Incidents) != 1 || sum.Incidents[0].Name != "Image delivery slow" || len(sum.Components) != 5 {
		t.Errorf("summary incidents %d components %d", len(sum.Incidents), len(sum.Components))
	}
	var st V2StatusDoc
	if err := json.Unmarshal([]byte(f.ok("/api/v2/status.json")), &st); err != nil || st.Page.ID != sum.Page.ID {
		t.Errorf("status.json %+v %v (page id must be stable)", st, err)
	}
	var inc V2IncidentsDoc
	if err := json.Unmarshal([]byte(f.ok("/api/v2/incidents.json")), &inc); err != nil || len(inc.Incidents) != 4 {
		t.Fatalf("incidents.json: %v %d", err, len(inc.Incidents))
	}
	if inc.Incidents[1].Status != "postmortem" || len(inc.Incidents[1].IncidentUpdates) != 3 || inc.Incidents[1].IncidentUpdates[0].Status != "resolved" {
		t.Errorf("api incident = %+v", inc.Incidents[1])
	}
	var un V2IncidentsDoc
	if err := json.Unmarshal([]byte(f.ok("/api/v2/incidents/unresolved.json")), &un); err != nil || len(un.Incidents) != 1 {
		t.Errorf("unresolved: %v %d", err, len(un.Incidents))
	}
	var comps V2ComponentsDoc
	if err := json.Unmarshal([]byte(f.ok("/api/v2/components.json")), &comps); err != nil || len(comps.Components) != 5 {
		t.Errorf("components: %v %d", err, len(comps.Components))
	}
	if w := f.get("/api/v2/components.json"); w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("v2 JSON should be readable by widgets on other sites")
	}
}

func TestETagAndInvalidate(t *testing.T) {
	f := newSiteFixture(t)
	for _, path := range []string{"/status", "/api/v2/summary.json", "/status/feed.atom", "/status/incidents/" + f.inc["api"].ID} {
		w := f.get(path)
		etag := w.Header().Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", path)
		}
		if w2 := f.get(path, "If-None-Match", etag); w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
			t.Errorf("%s: If-None-Match gave %d", path, w2.Code)
		}
		if w3 := f.get(path, "If-None-Match", `"other"`); w3.Code != 200 {
			t.Errorf("%s: stale ETag gave %d", path, w3.Code)
		}
	}
	before := f.get("/status")
	// A change the cache does not know about is not shown until Invalidate...
	c := f.api
	c.Status = domain.ComponentMajorOutage
	if err := f.st.UpdateComponent(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	if cached := f.get("/status"); cached.Header().Get("ETag") != before.Header().Get("ETag") {
		t.Fatal("served a fresh render without invalidation: the cache is not used")
	}
	f.site.Invalidate()
	after := f.get("/status")
	if after.Header().Get("ETag") == before.Header().Get("ETag") || !strings.Contains(text(after.Body.String()), "Major system outage") {
		t.Error("Invalidate did not refresh the page")
	}
	if f.get("/status", "If-None-Match", before.Header().Get("ETag")).Code != 200 {
		t.Error("old ETag still matches after a change")
	}
	// The languages are cached apart.
	if de := f.get("/status?lang=de"); de.Header().Get("ETag") == after.Header().Get("ETag") {
		t.Error("German and English share a cache entry")
	}
}

func TestCSPAllowsOnlyTheInlineStylesheet(t *testing.T) {
	f := newSiteFixture(t)
	w := f.get("/status")
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatal("no stylesheet")
	}
	sum := sha256.Sum256([]byte(m[1]))
	want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, want) || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q lacks %q", csp, want)
	}
}

// TestConcurrentLanguages renders many pages in two languages at once: a
// shared FuncMap would mix them.
func TestConcurrentLanguages(t *testing.T) {
	f := newSiteFixture(t)
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lang, want, not := "en", "Past incidents", "Vergangene Vorfälle"
			if i%2 == 1 {
				lang, want, not = "de", "Vergangene Vorfälle", "Past incidents"
			}
			f.site.Invalidate()
			body := f.get("/status?lang=" + lang).Body.String()
			if !strings.Contains(body, want) || strings.Contains(body, not) {
				errs <- lang
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for lang := range errs {
		t.Errorf("a %s page came out in another language", lang)
	}
}

func BenchmarkOverviewCached(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	cat, _ := i18n.Load()
	site, err := NewSite(st, cat, templates.FS, Config{Name: "Bench", TimeZone: "UTC", Now: func() time.Time { return siteNow }}, fakeRCAText, nil)
	if err != nil {
		b.Fatal(err)
	}
	comp := domain.Component{Name: "API"}
	_ = st.CreateComponent(ctx, &comp)
	seedIncidents(b, st, comp.ID, 1000)
	req := httptest.NewRequest("GET", "https://status.lumen.example/status", nil)
	w := httptest.NewRecorder()
	site.Handler().ServeHTTP(w, req) // warm the cache
	if w.Code != 200 {
		b.Fatalf("status %d", w.Code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			site.Handler().ServeHTTP(w, httptest.NewRequest("GET", "https://status.lumen.example/status", nil))
			if w.Code != 200 {
				b.Errorf("status %d", w.Code)
			}
		}
	})
}

func BenchmarkOverviewUncached(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	cat, _ := i18n.Load()
	site, err := NewSite(st, cat, templates.FS, Config{Name: "Bench", TimeZone: "UTC", Now: func() time.Time { return siteNow }}, fakeRCAText, nil)
	if err != nil {
		b.Fatal(err)
	}
	comp := domain.Component{Name: "API"}
	_ = st.CreateComponent(ctx, &comp)
	seedIncidents(b, st, comp.ID, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		site.Invalidate()
		w := httptest.NewRecorder()
		site.Handler().ServeHTTP(w, httptest.NewRequest("GET", "https://status.lumen.example/status", nil))
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// seedIncidents stores n resolved incidents spread over the last 100 days
// before siteNow, a third of them in the overview's three months.
func seedIncidents(tb testing.TB, st store.Store, compID string, n int) {
	tb.Helper()
	for i := 0; i < n; i++ {
		start := siteNow.Add(-time.Duration(i) * 2 * time.Hour * 2)
		end := start.Add(time.Duration(5+i%90) * time.Minute)
		in := domain.Incident{Title: fmt.Sprintf("Incident %d", i), Impact: domain.Impacts[i%4], Status: domain.StatusResolved,
			StartedAt: start, ResolvedAt: &end,
			Components: []domain.AffectedComponent{{ComponentID: compID, Status: domain.ComponentPartialOutage}},
			Updates: []domain.IncidentUpdate{
				{Status: domain.UpdateInvestigating, Body: "Looking into it.", At: start},
				{Status: domain.UpdateResolved, Body: "Fixed.", At: end},
			}}
		in.Normalize()
		if err := st.CreateIncident(context.Background(), &in); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestGzip(t *testing.T) {
	f := newSiteFixture(t)
	plain := f.get("/status")
	gz := f.get("/status", "Accept-Encoding", "br, gzip;q=0.8")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= plain.Body.Len() {
		t.Fatalf("gzip answer: %q, %d bytes vs %d", gz.Header().Get("Content-Encoding"), gz.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	un, _ := io.ReadAll(zr)
	if string(un) != plain.Body.String() {
		t.Error("gzip body differs from the plain one")
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("the two encodings share an ETag")
	}
	if !strings.Contains(plain.Header().Get("Vary"), "Accept-Encoding") || !strings.Contains(plain.Header().Get("Vary"), "Accept-Language") {
		t.Errorf("Vary %q", plain.Header().Values("Vary"))
	}
	if w := f.get("/status", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused")
	}
	if w := f.get("/status", "Accept-Encoding", "gzip", "If-None-Match", gz.Header().Get("ETag")); w.Code != 304 {
		t.Errorf("gzip revalidation: %d", w.Code)
	}
}

func TestEmptyPage(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	cat, _ := i18n.Load()
	site, err := NewSite(st, cat, templates.FS, Config{Now: func() time.Time { return siteNow }}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	site.Handler().ServeHTTP(w, httptest.NewRequest("GET", "https://status.lumen.example/status", nil))
	txt := text(w.Body.String())
	if w.Code != 200 || strings.Count(txt, "No notices reported this month") != 3 {
		t.Fatalf("%d: %s", w.Code, txt)
	}
	inOrder(t, txt, "Status", "All systems operational", "No components are listed yet.", "September 2024", "August 2024", "July 2024", "Times are shown in UTC.")
	w = httptest.NewRecorder()
	site.Handler().ServeHTTP(w, httptest.NewRequest("GET", "https://status.lumen.example/api/v2/summary.json", nil))
	var sum V2Summary
	if err := json.Unmarshal(w.Body.Bytes(), &sum); err != nil || sum.Status.Indicator != "none" || sum.Components == nil || sum.Incidents == nil {
		t.Errorf("summary %s (%v)", w.Body.String(), err)
	}
	if !strings.Contains(w.Body.String(), `"components":[]`) || !strings.Contains(w.Body.String(), `"incidents":[]`) {
		t.Errorf("empty lists must be [] not null: %s", w.Body.String())
	}
}
