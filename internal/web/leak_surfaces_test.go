package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// The cross-surface leak test: one published RCA, linked to two incidents,
// whose internal sections (and their translations), internal timeline
// entries (and translations), internal action items (title, owner, tracker
// URL, translations) and review comments each carry their own marker. No
// marker may appear on any public surface of the real server: the status
// pages and feed in every language, every /api/v2 document, every external
// export (Markdown, HTML, PDF through pdftotext) in every language, and every
// publish payload (webhooks in two languages, Statuspage's postmortem API),
// captured by in-process fake servers. Each surface must also show a marker
// of the external content, so a surface that renders nothing cannot pass.

// leakMarks hands out unique markers; secret ones must never be public.
type leakMarks struct {
	n      int
	secret map[string]string // marker -> where it was put
	public map[string]string
}

func (m *leakMarks) mark(secret bool, where string) string {
	m.n++
	if secret {
		s := fmt.Sprintf("QZSECRET%02dX%s", m.n, strings.ToUpper(strings.NewReplacer("_", "", ".", "", " ", "").Replace(where)))
		m.secret[s] = where
		return s
	}
	s := fmt.Sprintf("QZPUBLIC%02dX", m.n)
	m.public[s] = where
	return s
}

// check fails for any secret marker in body and counts the public ones seen.
func (m *leakMarks) check(t *testing.T, surface, body string) (publicSeen int) {
	t.Helper()
	for s, where := range m.secret {
		if strings.Contains(body, s) {
			t.Errorf("LEAK: %s shows %s (%s)", surface, where, s)
		}
	}
	for s := range m.public {
		if strings.Contains(body, s) {
			publicSeen++
		}
	}
	return publicSeen
}

// capture is a fake HTTP peer that records every request body.
type capture struct {
	*httptest.Server
	mu    sync.Mutex
	calls []string
}

func newCapture(t *testing.T, status int) *capture {
	c := &capture{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.calls = append(c.calls, r.Method+" "+r.URL.Path+"\n"+string(b))
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *capture) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

// pdftotext finds the tool; without it the PDF checks are skipped loudly
// (after the other formats ran), and CI=true makes that a failure.
func pdftotext(t *testing.T) (exe, skip string) {
	t.Helper()
	exe, err := exec.LookPath("pdftotext")
	if err != nil {
		msg := "SKIPPING PDF leak checks: pdftotext not found (install poppler-utils)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true makes this a failure")
		}
		return "", msg
	}
	return exe, ""
}

// pdfText extracts a PDF's text with pdftotext.
func pdfText(t *testing.T, exe string, pdf []byte) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestLeakAcrossEverySurface(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BaseURL = "https://status.example.com" })
	ctx := context.Background()
	m := &leakMarks{secret: map[string]string{}, public: map[string]string{}}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	langs := cat.Languages()
	if len(langs) < 2 {
		t.Fatalf("catalog languages = %v", langs)
	}

	// Two incidents, both resolved, on one component.
	cp := e.component("Checkout API")
	var incidents []domain.Incident
	for i := range 2 {
		inc := e.incident(fmt.Sprintf("Checkout errors, wave %d", i+1), cp.ID)
		e.must(domain.RoleAuthor, "POST", "/api/v1/incidents/"+inc.ID+"/updates", map[string]any{
			"status": "resolved", "body": "Checkout works again.", "at": e.clock.Now().Add(-time.Hour)}, 201, nil)
		incidents = append(incidents, inc)
	}

	// The RCA, with every kind of internal content marked.
	r := e.rca("Checkout errors", "standard", incidents[0].ID, incidents[1].ID)
	r, err = e.st.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	internalSections := 0
	for i := range r.Sections {
		s := &r.Sections[i]
		secret := s.Visibility == domain.Internal
		if !secret && s.Key == "resolution" {
			// One section the template makes external, turned internal by the author.
			s.Visibility, secret = domain.Internal, true
		}
		if secret {
			internalSections++
		}
		s.Title = s.Title + " " + m.mark(secret, "section "+s.Key+" title")
		s.Body = "Text of " + s.Key + ": " + m.mark(secret, "section "+s.Key+" body") + "."
		s.Translations = map[string]domain.SectionTranslation{}
		for _, l := range langs {
			if l == r.Language {
				continue
			}
			s.Translations[l] = domain.SectionTranslation{
				Title: "T " + m.mark(secret, "section "+s.Key+" title "+l),
				Body:  "Translated " + m.mark(secret, "section "+s.Key+" body "+l) + ".",
			}
		}
	}
	if internalSections < 2 {
		t.Fatalf("only %d internal sections: the template changed; mark more", internalSections)
	}
	start := e.clock.Now().Add(-3 * time.Hour)
	entry := func(min int, kind domain.TimelineKind, secret bool) domain.TimelineEntry {
		tr := map[string]string{}
		for _, l := range langs {
			if l != r.Language {
				tr[l] = "Entry " + m.mark(secret, fmt.Sprintf("timeline %d text %s", min, l))
			}
		}
		vis := domain.External
		if secret {
			vis = domain.Internal
		}
		return domain.TimelineEntry{At: start.Add(time.Duration(min) * time.Minute), Kind: kind,
			Text: "Entry " + m.mark(secret, fmt.Sprintf("timeline %d text", min)), Visibility: vis, Translations: tr}
	}
	r.Timeline = []domain.TimelineEntry{
		entry(0, domain.KindImpactStart, false),
		entry(5, domain.KindDetected, true),
		entry(12, domain.KindEscalated, true),
		entry(30, domain.KindMitigated, false),
		entry(50, domain.KindNote, true),
		entry(60, domain.KindResolved, false),
	}
	action := func(n int, secret bool) domain.ActionItem {
		tr := map[string]string{}
		for _, l := range langs {
			if l != r.Language {
				tr[l] = "Action " + m.mark(secret, fmt.Sprintf("action %d title %s", n, l))
			}
		}
		vis := domain.External
		if secret {
			vis = domain.Internal
		}
		return domain.ActionItem{Title: "Action " + m.mark(secret, fmt.Sprintf("action %d title", n)),
			Owner: "team " + m.mark(secret, fmt.Sprintf("action %d owner", n)), State: domain.ActionOpen,
			TrackerURL: "https://tracker.example.com/" + m.mark(secret, fmt.Sprintf("action %d tracker", n)),
			Visibility: vis, Translations: tr}
	}
	r.ActionItems = []domain.ActionItem{action(1, false), action(2, true), action(3, true)}
	r.AffectedServices = []string{"Checkout " + m.mark(false, "affected service")}
	r.State = domain.StateApproved
	if err := e.st.UpdateRCA(ctx, &r, e.users[domain.RoleAuthor].ID, "leak test setup"); err != nil {
		t.Fatal(err)
	}
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/comments", map[string]any{
		"body": "Review note " + m.mark(true, "comment on the RCA")}, 201, nil)
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/comments", map[string]any{
		"section_key": "summary", "body": "Section note " + m.mark(true, "comment on summary")}, 201, nil)

	// Publish targets, captured in process: webhooks in two languages and Statuspage.
	hookEN, hookDE, sp := newCapture(t, http.StatusNoContent), newCapture(t, http.StatusNoContent), newCapture(t, http.StatusOK)
	for _, tg := range []map[string]any{
		{"name": "Hook EN", "kind": "webhook", "url": hookEN.URL + "/rca", "secret": hookSecret, "allow_private": true, "language": "en"},
		{"name": "Hook DE", "kind": "webhook", "url": hookDE.URL + "/rca", "secret": hookSecret, "allow_private": true, "language": "de"},
		{"name": "Statuspage", "kind": "statuspage", "url": sp.URL, "page_id": "pg1", "secret": "sp-key", "allow_private": true,
			"incident_map": map[string]string{incidents[0].ID: "sp-inc-1", incidents[1].ID: "sp-inc-2"}},
	} {
		e.must(domain.RoleAdmin, "POST", "/api/v1/targets", tg, 201, nil)
	}
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, nil)
	e.runDeliveries()

	// The published RCA is shown under its incidents: the public pages prove
	// it by showing external markers.
	publicOn := map[string]int{}
	get := func(path string) string {
		t.Helper()
		w := e.serve(req{method: "GET", path: path})
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, w.Code, snippet(w.Body.String()))
		}
		return w.Body.String()
	}
	t.Run("public pages", func(t *testing.T) {
		for _, l := range langs {
			paths := []string{"/status", "/status/history", "/status/feed.atom"}
			for _, inc := range incidents {
				paths = append(paths, "/status/incidents/"+inc.ID)
			}
			for _, p := range paths {
				surface := p + "?lang=" + l
				publicOn[surface] = m.check(t, surface, get(surface))
			}
		}
		// The public-only engine (a separate listener) serves the same pages.
		pub, err := e.srv.PublicHandler()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/status", "/status/history", "/status/feed.atom", "/status/incidents/" + incidents[0].ID,
			"/api/v2/summary.json", "/api/v2/incidents.json"} {
			w := httptest.NewRecorder()
			pub.ServeHTTP(w, httptest.NewRequest("GET", "https://status.example.com"+p, nil))
			if w.Code != http.StatusOK {
				t.Fatalf("public engine GET %s: %d", p, w.Code)
			}
			m.check(t, "public engine "+p, w.Body.String())
		}
		for _, inc := range incidents {
			for _, l := range langs {
				if publicOn["/status/incidents/"+inc.ID+"?lang="+l] == 0 {
					t.Errorf("the incident page (%s) shows no external RCA content: the check proves nothing", l)
				}
			}
		}
	})
	t.Run("api v2", func(t *testing.T) {
		for _, p := range []string{"/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json",
			"/api/v2/incidents.json", "/api/v2/incidents/unresolved.json"} {
			body := get(p)
			if !json.Valid([]byte(body)) {
				t.Errorf("%s is not JSON", p)
			}
			m.check(t, p, body)
			// JSON escapes could hide a marker; check the decoded strings too.
			var v any
			_ = json.Unmarshal([]byte(body), &v)
			m.check(t, p+" (decoded)", strings.Join(jsonStrings(v, nil), "\n"))
		}
		if body := get("/api/v2/incidents.json"); !strings.Contains(body, incidents[0].ID) && !strings.Contains(body, "Checkout errors, wave 1") {
			t.Errorf("incidents.json does not list the incidents: %s", snippet(body))
		}
	})
	t.Run("external exports", func(t *testing.T) {
		exe, skipPDF := pdftotext(t)
		if skipPDF != "" {
			defer t.Skip(skipPDF)
		}
		for _, l := range langs {
			for _, format := range []string{"md", "html", "pdf"} {
				if format == "pdf" && exe == "" {
					continue
				}
				surface := fmt.Sprintf("export %s %s", format, l)
				w := e.serve(req{method: "GET", path: "/api/v1/rcas/" + r.ID + "/export?format=" + format + "&lang=" + l + "&audience=external",
					token: e.tokens[domain.RoleViewer]})
				if w.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", surface, w.Code, snippet(w.Body.String()))
				}
				body := w.Body.String()
				if format == "pdf" {
					body = pdfText(t, exe, w.Body.Bytes())
				}
				if m.check(t, surface, body) < 3 {
					t.Errorf("%s shows fewer than 3 external markers: the check proves nothing:\n%s", surface, snippet(body))
				}
			}
		}
		// The internal export of the same RCA does carry the markers: the
		// markers are really in the RCA, so their absence above means something.
		w := e.serve(req{method: "GET", path: "/api/v1/rcas/" + r.ID + "/export?format=md&lang=en&audience=internal", token: e.tokens[domain.RoleAuthor]})
		missing := 0
		for s, where := range m.secret {
			if strings.HasPrefix(where, "comment") || strings.Contains(where, " de") || strings.Contains(where, " fr") ||
				strings.Contains(where, " es") || strings.Contains(where, " pt-BR") {
				continue // comments are never exported; other languages' text is not in an English export
			}
			if !strings.Contains(w.Body.String(), s) {
				missing++
				t.Logf("internal export lacks %s (%s)", s, where)
			}
		}
		if w.Code != http.StatusOK || missing > 0 {
			t.Errorf("internal export: %d, %d internal markers missing: the fixture is wrong", w.Code, missing)
		}
	})
	t.Run("publish payloads", func(t *testing.T) {
		for name, c := range map[string]*capture{"webhook en": hookEN, "webhook de": hookDE, "statuspage": sp} {
			calls := c.got()
			if len(calls) == 0 {
				t.Errorf("%s received nothing", name)
				continue
			}
			seen := 0
			for i, body := range calls {
				seen += m.check(t, fmt.Sprintf("%s call %d", name, i), body)
				var v any
				if _, js, ok := strings.Cut(body, "\n"); ok && json.Unmarshal([]byte(js), &v) == nil {
					m.check(t, fmt.Sprintf("%s call %d (decoded)", name, i), strings.Join(jsonStrings(v, nil), "\n"))
				}
			}
			if seen == 0 {
				t.Errorf("%s payloads carry no external content: the check proves nothing", name)
			}
		}
		if n := len(sp.got()); n != 4 {
			t.Errorf("statuspage calls = %d; want 2 (draft, publish) per mapped incident", n)
		}
	})
	t.Run("republish after an edit", func(t *testing.T) {
		before := map[*capture]int{hookEN: len(hookEN.got()), hookDE: len(hookDE.got()), sp: len(sp.got())}
		cur, err := e.st.GetRCA(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		fresh := m.mark(false, "summary after edit")
		for i := range cur.Sections {
			if cur.Sections[i].Key == "summary" {
				cur.Sections[i].Body += "\n\nEdited: " + fresh + "."
			}
		}
		cur.Timeline = append(cur.Timeline, domain.TimelineEntry{At: start.Add(70 * time.Minute), Kind: domain.KindNote,
			Text: "Late note " + m.mark(true, "timeline entry added after publishing"), Visibility: domain.Internal})
		if err := e.st.UpdateRCA(ctx, &cur, e.users[domain.RoleAuthor].ID, "edit after publishing"); err != nil {
			t.Fatal(err)
		}
		e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, nil)
		e.runDeliveries()
		for name, c := range map[string]*capture{"webhook en": hookEN, "webhook de": hookDE, "statuspage": sp} {
			calls := c.got()[before[c]:]
			if len(calls) == 0 {
				t.Errorf("%s received nothing for the re-publish", name)
			}
			joined := strings.Join(calls, "\n")
			m.check(t, name+" re-publish", joined)
			if name != "webhook de" && !strings.Contains(joined, fresh) { // the German text of summary is its translation
				t.Errorf("%s re-publish lacks the edited text", name)
			}
		}
		for _, inc := range incidents {
			body := get("/status/incidents/" + inc.ID)
			m.check(t, "incident page after re-publish", body)
			if !strings.Contains(body, fresh) {
				t.Errorf("incident page does not show the edited text")
			}
		}
	})
	if t.Failed() {
		var where []string
		for s, w := range m.secret {
			where = append(where, s+" = "+w)
		}
		sort.Strings(where)
		t.Logf("secret markers:\n%s", strings.Join(where, "\n"))
	}
}

// jsonStrings collects every string (keys too) of a decoded JSON value.
func jsonStrings(v any, out []string) []string {
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, y := range x {
			out = jsonStrings(y, out)
		}
	case map[string]any:
		for k, y := range x {
			out = append(out, k)
			out = jsonStrings(y, out)
		}
	}
	return out
}
