package web

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// exportFixture stores an RCA with one internal section, entry and action
// item, each carrying a marker that must never reach an external export.
func exportFixture(t *testing.T, e *env) domain.RCA {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 3, 9, 8, 12, 0, 0, time.UTC)
	end := start.Add(53 * time.Minute)
	in := domain.Incident{Title: "Templates API errors", Impact: domain.ImpactMajor, Status: domain.StatusResolved, StartedAt: start, ResolvedAt: &end}
	in.Normalize()
	if err := e.st.CreateIncident(ctx, &in); err != nil {
		t.Fatal(err)
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	author := e.users[domain.RoleAuthor]
	r := domain.NewRCA("Templates API Partial Service Disruption", tpl, "en", []string{in.ID}, author.ID, start)
	r.Section("summary").Body = "Requests failed with **HTTP 503**."
	r.Section("detection").Body = "Alert fired late. EXPORTSECRETSECTION"
	r.Timeline = []domain.TimelineEntry{
		{At: start, Kind: domain.KindImpactStart, Text: "Errors start."},
		{At: start.Add(10 * time.Minute), Kind: domain.KindNote, Text: "EXPORTSECRETENTRY", Visibility: domain.Internal},
		{At: end, Kind: domain.KindResolved, Text: "Recovered."},
	}
	r.ActionItems = []domain.ActionItem{
		{Title: "Check config in releases", Owner: "Platform"},
		{Title: "EXPORTSECRETACTION", Owner: "SRE", Visibility: domain.Internal},
	}
	r.Normalize()
	if err := e.st.CreateRCA(ctx, &r, author.ID); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExportFormats(t *testing.T) {
	e := newEnv(t)
	r := exportFixture(t, e)
	tests := []struct {
		query, contentType, file, contains string
	}{
		{"format=md", "text/markdown; charset=utf-8", "2026-03-09-templates-api-partial-service-disruption-en.md", "# Templates API Partial Service Disruption"},
		{"format=html&lang=de&tz=Europe/Berlin", "text/html; charset=utf-8", "2026-03-09-templates-api-partial-service-disruption-de.html", "Zeitablauf (MEZ, UTC&#43;1)"},
		{"", "application/pdf", "2026-03-09-templates-api-partial-service-disruption-en.pdf", "%PDF-"},
		{"format=PDF&lang=pt", "application/pdf", "2026-03-09-templates-api-partial-service-disruption-pt-br.pdf", "%PDF-"},
		{"format=md&audience=internal", "text/markdown; charset=utf-8", "2026-03-09-templates-api-partial-service-disruption-en-internal.md", "EXPORTSECRETSECTION"},
		// reportpdf: a regional tag formats dates its way; paper is honoured.
		{"format=html&lang=en-GB", "text/html; charset=utf-8", "2026-03-09-templates-api-partial-service-disruption-en.html", "9 March 2026"},
		{"format=html&lang=en-US", "text/html; charset=utf-8", "2026-03-09-templates-api-partial-service-disruption-en.html", "March 9, 2026"},
		{"paper=letter&lang=de", "application/pdf", "2026-03-09-templates-api-partial-service-disruption-de.pdf", "/MediaBox [0 0 612.00 792.00]"},
		{"paper=A4&lang=en-US", "application/pdf", "2026-03-09-templates-api-partial-service-disruption-en.pdf", "/MediaBox [0 0 595.28 841.89]"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			role := domain.RoleViewer
			if strings.Contains(tt.query, "internal") {
				role = domain.RoleAuthor
			}
			w := e.as(role, http.MethodGet, "/api/v1/rcas/"+r.ID+"/export?"+tt.query, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
			if got := w.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got, want := w.Header().Get("Content-Disposition"), `attachment; filename="`+tt.file+`"`; got != want {
				t.Errorf("Content-Disposition = %q, want %q", got, want)
			}
			if !strings.Contains(w.Body.String(), tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
		})
	}
}

func TestExportExternalHidesInternal(t *testing.T) {
	e := newEnv(t)
	r := exportFixture(t, e)
	for _, format := range []string{"md", "html"} {
		w := e.as(domain.RoleAdmin, http.MethodGet, "/api/v1/rcas/"+r.ID+"/export?format="+format, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", format, w.Code)
		}
		if strings.Contains(w.Body.String(), "EXPORTSECRET") {
			t.Errorf("%s: external export shows an internal marker", format)
		}
	}
}

func TestExportRejectsBadQuery(t *testing.T) {
	e := newEnv(t)
	r := exportFixture(t, e)
	tests := []struct {
		role   domain.Role
		query  string
		status int
		field  string
		says   string
	}{
		{domain.RoleViewer, "format=docx", http.StatusBadRequest, "format", "pdf, html or md"},
		{domain.RoleViewer, "lang=xx", http.StatusBadRequest, "lang", "en, de"},
		{domain.RoleViewer, "lang=de,fr", http.StatusBadRequest, "lang", ""},
		{domain.RoleViewer, "tz=Mars/Olympus", http.StatusBadRequest, "tz", "IANA"},
		{domain.RoleViewer, "tz=Local", http.StatusBadRequest, "tz", ""},
		{domain.RoleViewer, "audience=partners", http.StatusBadRequest, "audience", "external or internal"},
		{domain.RoleViewer, "audience=internal", http.StatusForbidden, "", "author"},
		// reportpdf: malformed tags, unknown parameters and paper sizes.
		{domain.RoleViewer, "lang=en_GB", http.StatusBadRequest, "lang", "en-GB"},
		{domain.RoleViewer, "lang=ja", http.StatusBadRequest, "lang", "pt-BR"},
		{domain.RoleViewer, "paper=a5", http.StatusBadRequest, "paper", "a4 or letter"},
		{domain.RoleViewer, "papr=letter", http.StatusBadRequest, "papr", "paper"},
		{domain.RoleViewer, "format=pdf&format=md", http.StatusBadRequest, "format", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			w := e.as(tt.role, http.MethodGet, "/api/v1/rcas/"+r.ID+"/export?"+tt.query, nil)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body.String())
			}
			ae := decodeErr(t, w)
			if ae.Error.Field != tt.field {
				t.Errorf("field = %q, want %q", ae.Error.Field, tt.field)
			}
			if !strings.Contains(ae.Error.Message, tt.says) {
				t.Errorf("message %q does not say %q", ae.Error.Message, tt.says)
			}
		})
	}
	if w := e.as(domain.RoleViewer, http.MethodGet, "/api/v1/rcas/nope/export", nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown RCA: status %d, want 404", w.Code)
	}
	if w := e.serve(req{method: http.MethodGet, path: "/api/v1/rcas/" + r.ID + "/export"}); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: status %d, want 401", w.Code)
	}
}

func TestExportMessageInRequestLanguage(t *testing.T) {
	e := newEnv(t)
	r := exportFixture(t, e)
	w := e.serve(req{method: http.MethodGet, path: "/api/v1/rcas/" + r.ID + "/export?format=odt", token: e.tokens[domain.RoleViewer],
		header: map[string]string{"Accept-Language": "de-DE,de;q=0.9"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d", w.Code)
	}
	if ae := decodeErr(t, w); !strings.Contains(ae.Error.Message, "Unbekanntes Exportformat") {
		t.Errorf("message = %q, want German", ae.Error.Message)
	}
}

// TestExportPDFText reads the PDF the endpoint answers with pdftotext (skipped
// loudly without poppler-utils, failing under CI=true): German labels, the
// Berlin zone, and no internal marker in the external edition.
func TestExportPDFText(t *testing.T) {
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		msg := "pdftotext is not installed (Debian: apt-get install poppler-utils)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " and CI=true requires it")
		}
		t.Skip("SKIPPED: " + msg)
	}
	e := newEnv(t)
	r := exportFixture(t, e)
	w := e.as(domain.RoleViewer, http.MethodGet, "/api/v1/rcas/"+r.ID+"/export?format=pdf&lang=de&tz=Europe/Berlin", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, w.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Templates API Partial Service Disruption", "Zusammenfassung", "Zeitablauf (MEZ, UTC+1)", "Seite 1 von"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, "EXPORTSECRET") {
		t.Error("the external PDF shows an internal marker")
	}
}
