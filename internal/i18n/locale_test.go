package i18n

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseTag(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		in, tag, lang string
		ok            bool
	}{
		{"en-GB", "en-GB", "en", true},
		{"en-US", "en-US", "en", true},
		{"de-AT", "de-AT", "de", true},
		{"de", "de", "de", true},
		{"pt-BR", "pt-BR", "pt-BR", true},
		{"pt-PT", "pt-PT", "pt-BR", true},
		{"fr-CA", "fr-CA", "fr", true},
		{"es-419", "es-419", "es", true},
		{"EN-gb", "en-GB", "en", true},
		{"en_GB", "", "", false},
		{"ja", "", "", false},
		{"en, de", "", "", false},
		{"", "", "", false},
		{"x", "", "", false},
	}
	for _, tt := range tests {
		tag, lang, err := c.ParseTag(tt.in)
		if (err == nil) != tt.ok || tag != tt.tag || lang != tt.lang {
			t.Errorf("ParseTag(%q) = %q, %q, %v; want %q, %q, ok=%v", tt.in, tag, lang, err, tt.tag, tt.lang, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrUnsupportedLanguage) {
			t.Errorf("ParseTag(%q): %v is not ErrUnsupportedLanguage", tt.in, err)
		}
	}
}

// TestRegionalFormats: labels come from the language's catalog, dates and
// times from CLDR for the full tag.
func TestRegionalFormats(t *testing.T) {
	c := mustLoad(t)
	at := time.Date(2026, 3, 9, 14, 5, 0, 0, time.UTC)
	first := time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		tag, what, got, want string
	}{
		{"en-GB", "Date", c.Localizer("en-GB").Date(at, nil), "9 March 2026"},
		{"en-GB", "Time", c.Localizer("en-GB").Time(at, nil), "14:05"},
		{"en-GB", "ShortDate", c.Localizer("en-GB").ShortDate(at, nil), "9 Mar 2026"},
		{"en-US", "Date", c.Localizer("en-US").Date(at, nil), "March 9, 2026"},
		{"en-US", "Time", c.Localizer("en-US").Time(at, nil), "2:05 pm"},
		{"fr", "Date 1st", c.Localizer("fr").Date(first, nil), "1er mars 2026"},
		{"fr", "ShortDate 1st", c.Localizer("fr").ShortDate(first, nil), "1er mars 2026"},
		{"fr", "Date 9th", c.Localizer("fr").Date(at, nil), "9 mars 2026"},
		{"pt-BR", "Date 1st", c.Localizer("pt-BR").Date(first, nil), "1º de março de 2026"},
		{"de-AT", "label", c.Localizer("de-AT").T("report.section.summary"), "Zusammenfassung"},
		{"en-GB", "label", c.Localizer("en-GB").T("report.section.summary"), "Summary"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.tag, tt.what, tt.got, tt.want)
		}
	}
	if l := c.Localizer("en-GB"); l.Lang() != "en" || l.Tag() != "en-GB" {
		t.Errorf("en-GB localizer: Lang %q, Tag %q", l.Lang(), l.Tag())
	}
}

func TestLanguageNameOf(t *testing.T) {
	c := mustLoad(t)
	for _, tt := range []struct{ reader, tag, want string }{
		{"de", "en", "Englisch"}, {"fr", "en", "anglais"}, {"en", "de", "German"}, {"es", "pt-BR", "portugués de Brasil"},
	} {
		if got := c.Localizer(tt.reader).LanguageNameOf(tt.tag); got != tt.want {
			t.Errorf("%s name of %s = %q, want %q", tt.reader, tt.tag, got, tt.want)
		}
	}
}

// TestWordingFixes pins the wording native speakers asked for.
func TestWordingFixes(t *testing.T) {
	c := mustLoad(t)
	tests := []struct{ lang, key, want string }{
		{"es", "report.internal_marker", "Interna"}, // agrees with sección, entrada, acción, edición
		{"pt-BR", "report.internal_marker", "Interna"},
		{"es", "enum.action_state.done", "Completada"},
		{"es", "report.actions.due", "Fecha límite"},
		{"de", "report.fact.occurrences", "Auftreten"},
		{"fr", "report.kind", "Analyse des causes profondes"},
		{"en", "report.timeline.kind", "Type"},
		{"en", "report.draft_notice_plain", "Draft: this report has not been approved yet."},
		{"fr", "format.label", "{{.Label}}\u202f:"},
		{"de", "duration.approx", "ca. {{.Duration}}"},
		{"fr", "duration.approx", "environ {{.Duration}}"},
		{"es", "duration.approx", "aprox. {{.Duration}}"},
		{"pt-BR", "duration.approx", "cerca de {{.Duration}}"},
		{"en", "duration.approx", "~{{.Duration}}"},
	}
	for _, tt := range tests {
		if got, _ := c.messages[tt.lang][tt.key].(string); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	// French puts a narrow no-break space, never a plain one, before a colon.
	for key, v := range c.messages["fr"] {
		if s, ok := v.(string); ok && (strings.Contains(s, " :") || strings.Contains(s, "\u00a0:")) && strings.HasPrefix(key, "report.") {
			t.Errorf("fr %s: %q has a wide space before the colon", key, s)
		}
	}
}

func TestResolve(t *testing.T) {
	c := mustLoad(t)
	for _, tt := range []struct {
		prefs []string
		want  string
	}{
		{[]string{"en-GB"}, "en-GB"},
		{[]string{"", "en-GB,en;q=0.8"}, "en-GB"},
		{[]string{"ja", "de-AT"}, "de-AT"},
		{[]string{"de-IT"}, "de"},
		{[]string{"pt"}, "pt-BR"},
		{[]string{"de-DE"}, "de"}, // writes like de
		{[]string{"en-US"}, "en"}, // writes like en
		{[]string{"xx"}, "en"},
		{[]string{"en_GB"}, "en-GB"}, // negotiation is lenient; exports are not
	} {
		if got := c.Resolve(tt.prefs...); got != tt.want {
			t.Errorf("Resolve(%q) = %q, want %q", tt.prefs, got, tt.want)
		}
	}
}
