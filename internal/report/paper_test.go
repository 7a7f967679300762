package report

import (
	"net/url"
	"strings"
	"testing"
)

func TestDefaultPaper(t *testing.T) {
	for tag, want := range map[string]Paper{
		"en-US": Letter, "en-CA": Letter, "es-MX": Letter, "fr-CA": Letter, "es-CO": Letter,
		"en-GB": A4, "en": A4, "de": A4, "de-AT": A4, "pt-BR": A4, "es-ES": A4, "fr": A4, "bad tag": A4,
	} {
		if got := DefaultPaper(tag); got != want {
			t.Errorf("DefaultPaper(%q) = %q, want %q", tag, got, want)
		}
	}
}

// TestPDFPaper: the page size follows paper=, and without one the
// language tag; the text reflows to the width.
func TestPDFPaper(t *testing.T) {
	tests := []struct {
		lang  string
		paper Paper
		box   string
	}{
		{"en-US", "", "/MediaBox [0 0 612.00 792.00]"},
		{"en-GB", "", "/MediaBox [0 0 595.28 841.89]"},
		{"de", Letter, "/MediaBox [0 0 612.00 792.00]"},
		{"en-US", A4, "/MediaBox [0 0 595.28 841.89]"},
	}
	for _, tt := range tests {
		rep := build(t, fivePageRCA(), Options{Lang: tt.lang, Paper: tt.paper, Audience: Internal, Now: fixedNow})
		pdf := renderPDF(t, rep)
		if !strings.Contains(string(pdf), tt.box) {
			t.Errorf("%s paper %q: no %s", tt.lang, tt.paper, tt.box)
		}
		qpdfCheck(t, pdf)
	}
}

func TestParseOptions(t *testing.T) {
	cat := catalog(t)
	ok := []struct {
		query string
		want  ExportRequest
	}{
		{"", ExportRequest{Format: "pdf", Options: Options{TimeZone: "UTC", Audience: External}}},
		{"format=HTML&lang=en-gb&paper=Letter&tz=Europe/Berlin&audience=internal",
			ExportRequest{Format: "html", Options: Options{Lang: "en-GB", TimeZone: "Europe/Berlin", Audience: Internal, Paper: Letter}}},
		{"lang=pt-PT", ExportRequest{Format: "pdf", Options: Options{Lang: "pt-PT", TimeZone: "UTC", Audience: External}}},
	}
	for _, tt := range ok {
		q, _ := url.ParseQuery(tt.query)
		got, err := ParseOptions(cat, q, ExportDefaults{TimeZone: "UTC"})
		if err != nil || got.Format != tt.want.Format || got.Options.Lang != tt.want.Options.Lang || got.Options.TimeZone != tt.want.Options.TimeZone || got.Options.Audience != tt.want.Options.Audience || got.Options.Paper != tt.want.Options.Paper {
			t.Errorf("ParseOptions(%q) = %+v, %v; want %+v", tt.query, got, err, tt.want)
		}
	}
	bad := map[string]string{
		"paper=a5":              "paper",
		"paper=letter&pages=2":  "pages",
		"lang=en_GB":            "lang",
		"lang=ja":               "lang",
		"format=docx":           "format",
		"tz=Mars/Base":          "tz",
		"audience=partner":      "audience",
		"lang=de&lang=fr":       "lang",
		"format=pdf&Format=pdf": "Format",
	}
	for query, field := range bad {
		q, _ := url.ParseQuery(query)
		_, err := ParseOptions(cat, q, ExportDefaults{})
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("ParseOptions(%q) = %v, want a problem with %s", query, err, field)
		}
	}
}
