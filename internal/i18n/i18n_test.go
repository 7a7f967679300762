package i18n

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		prefs []string
		want  string
	}{
		{nil, "en"},
		{[]string{""}, "en"},
		{[]string{"de"}, "de"},
		{[]string{"de-AT"}, "de"},
		{[]string{"pt"}, "pt-BR"},
		{[]string{"pt-BR"}, "pt-BR"},
		{[]string{"fr-CA,fr;q=0.9,en;q=0.8"}, "fr"},
		{[]string{"es-419"}, "es"},
		{[]string{"zh-CN"}, "en"},
		{[]string{"", "zh", "de-CH"}, "de"},
		{[]string{"xx-invalid-!!", "fr"}, "fr"},
		{[]string{"ja;q=0.9, de;q=0.5"}, "de"},
		{[]string{"en-GB", "de"}, "en"},
		{[]string{"*"}, "en"},
		{[]string{"DE"}, "de"},
		{[]string{"pt-PT"}, "pt-BR"},
		{[]string{"de;q=0, fr;q=0.5"}, "fr"},
	}
	for _, tt := range tests {
		if got := c.Match(tt.prefs...); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.prefs, got, tt.want)
		}
	}
}

func TestLocalizerLang(t *testing.T) {
	c := mustLoad(t)
	for in, want := range map[string]string{"de": "de", "de-DE": "de", "pt": "pt-BR", "": "en", "klingon": "en"} {
		if got := c.Localizer(in).Lang(); got != want {
			t.Errorf("Localizer(%q).Lang() = %q, want %q", in, got, want)
		}
	}
}

func TestT(t *testing.T) {
	c := mustLoad(t)
	de := c.Localizer("de")
	if got := de.T("report.section.root_cause"); got != "Ursache" {
		t.Errorf("de root_cause = %q", got)
	}
	if got := de.T("report.page_of", map[string]any{"Page": 2, "Total": 7}); got != "Seite 2 von 7" {
		t.Errorf("de page_of = %q", got)
	}
	if got := de.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key itself", got)
	}
	if got := c.Localizer("en").T("enum.component_status.partial_outage"); got != "Partial outage" {
		t.Errorf("en partial_outage = %q", got)
	}
}

func TestFallbackToEnglish(t *testing.T) {
	c, err := loadFS(fstestMap(map[string]string{
		"locales/en/ui.json": `{"ui.only_english": "Only in English"}`,
		"locales/fr/ui.json": `{}`,
	}), "locales")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Localizer("fr").T("ui.only_english"); got != "Only in English" {
		t.Errorf("fallback = %q", got)
	}
}

func TestN(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 0, "0 hours"},
		{"en", 1, "1 hour"},
		{"en", 2, "2 hours"},
		{"de", 1, "1 Stunde"},
		{"de", 5, "5 Stunden"},
		{"fr", 0, "0 heure"},
		{"fr", 1, "1 heure"},
		{"fr", 2, "2 heures"},
		{"fr", 1_000_000, "1000000 de heures"},
		{"es", 1, "1 hora"},
		{"pt-BR", 3, "3 horas"},
	}
	for _, tt := range tests {
		if got := c.Localizer(tt.lang).N("duration.hour", tt.count); got != tt.want {
			t.Errorf("%s N(hour, %d) = %q, want %q", tt.lang, tt.count, got, tt.want)
		}
	}
}

func TestDates(t *testing.T) {
	c := mustLoad(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 9, 7, 20, 0, 0, time.UTC) // 08:20 in Berlin (CET)
	sep := time.Date(2024, 9, 30, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		lang, what string
		got        func(*Localizer) string
		want       string
	}{
		{"en", "Date", func(l *Localizer) string { return l.Date(at, time.UTC) }, "March 9, 2026"},
		{"de", "Date", func(l *Localizer) string { return l.Date(at, berlin) }, "9. März 2026"},
		{"fr", "Date", func(l *Localizer) string { return l.Date(at, nil) }, "9 mars 2026"},
		{"pt-BR", "Date", func(l *Localizer) string { return l.Date(at, nil) }, "9 de março de 2026"},
		{"de", "DateTime", func(l *Localizer) string { return l.DateTime(at, berlin) }, "09.03.2026, 08:20"},
		{"en", "DateTime", func(l *Localizer) string { return l.DateTime(at, time.UTC) }, "Mar 9, 2026, 7:20 am"},
		{"de", "Time", func(l *Localizer) string { return l.Time(at, berlin) }, "08:20"},
		{"en", "Month", func(l *Localizer) string { return l.Month(sep, nil) }, "September 2024"},
		{"de", "Month", func(l *Localizer) string { return l.Month(sep, nil) }, "September 2024"},
		{"de", "Month in Berlin", func(l *Localizer) string { return l.Month(sep, berlin) }, "Oktober 2024"},
		{"es", "Month", func(l *Localizer) string { return l.Month(sep, nil) }, "septiembre de 2024"},
	}
	for _, tt := range tests {
		if got := tt.got(c.Localizer(tt.lang)); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.what, got, tt.want)
		}
	}
}

func TestDurations(t *testing.T) {
	c := mustLoad(t)
	en, de := c.Localizer("en"), c.Localizer("de")
	fr, es, pt := c.Localizer("fr"), c.Localizer("es"), c.Localizer("pt-BR")
	tests := []struct {
		l    *Localizer
		f    string
		d    time.Duration
		want string
	}{
		{en, "Duration", 51*time.Hour + 4*time.Minute, "2 days 3 hours"},
		{en, "Duration", 24 * time.Hour, "1 day"},
		{en, "Duration", 24*time.Hour + 1*time.Minute, "1 day 1 minute"},
		{en, "Duration", 47 * time.Minute, "47 minutes"},
		{en, "Duration", 61 * time.Minute, "1 hour 1 minute"},
		{en, "Duration", 30 * time.Second, "30 seconds"},
		{en, "Duration", time.Second, "1 second"},
		{en, "Duration", 0, "0 seconds"},
		{en, "Duration", -2 * time.Hour, "2 hours"},
		{de, "Duration", 26 * time.Hour, "1 Tag 2 Stunden"},
		{en, "ApproxDuration", 62 * time.Minute, "~1 hour"},
		{en, "ApproxDuration", 47 * time.Minute, "~47 minutes"},
		{en, "ApproxDuration", 59*time.Minute + 50*time.Second, "~1 hour"},
		{en, "ApproxDuration", 20 * time.Second, "less than 1 minute"},
		{en, "ApproxDuration", 3*24*time.Hour + 2*time.Hour, "~3 days"},
		{de, "ApproxDuration", 2*time.Hour + 10*time.Minute, "ca. 2 Std. 10 Min."},
		{en, "ApproxDuration", 90 * time.Minute, "~1 h 30 min"},
		{en, "ApproxDuration", 92 * time.Minute, "~1 h 30 min"},
		{en, "ApproxDuration", 2*time.Hour + 1*time.Minute, "~2 hours"},
		{en, "ApproxDuration", 8*time.Hour + 20*time.Minute, "~8 h 15 min"},
		{en, "ApproxDuration", 28 * time.Hour, "~1 day 4 h"},
		{fr, "ApproxDuration", 90 * time.Minute, "environ 1 h 30 min"},
		{es, "ApproxDuration", 3 * time.Hour, "aprox. 3 horas"},
		{pt, "ApproxDuration", 45 * time.Minute, "cerca de 45 minutos"},
		{en, "Lasted", 40 * time.Second, "lasted less than 1 minute"},
		{en, "Lasted", 65 * time.Minute, "lasted about 1 h 5 min"},
		{en, "Lasted", time.Minute, "lasted about 1 minute"},
		{de, "Lasted", 40 * time.Second, "dauerte weniger als 1 Minute"},
		{de, "Lasted", 3 * time.Hour, "dauerte etwa 3 Stunden"},
	}
	for _, tt := range tests {
		var got string
		switch tt.f {
		case "Duration":
			got = tt.l.Duration(tt.d)
		case "ApproxDuration":
			got = tt.l.ApproxDuration(tt.d)
		case "Lasted":
			got = tt.l.Lasted(tt.d)
		}
		if got != tt.want {
			t.Errorf("%s %s(%v) = %q, want %q", tt.l.Lang(), tt.f, tt.d, got, tt.want)
		}
	}
}

func TestZones(t *testing.T) {
	c := mustLoad(t)
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatalf("LoadLocation(%s): %v (time/tzdata should be embedded)", name, err)
		}
		return loc
	}
	winter := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		lang string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"en", winter, time.UTC, "UTC"},
		{"en", winter, nil, "UTC"},
		{"en", winter, load("UTC"), "UTC"},
		{"en", winter, load("Europe/Berlin"), "CET, UTC+1"},
		{"en", summer, load("Europe/Berlin"), "CEST, UTC+2"},
		{"de", winter, load("Europe/Berlin"), "MEZ, UTC+1"},
		{"de", summer, load("Europe/Berlin"), "MESZ, UTC+2"},
		{"en", winter, load("Asia/Kolkata"), "IST, UTC+5:30"},
		{"en", winter, load("America/Sao_Paulo"), "UTC-3"},
		{"en", winter, load("America/New_York"), "EST, UTC-5"},
		{"en", winter, load("Asia/Kathmandu"), "UTC+5:45"},
		{"en", winter, load("Europe/London"), "GMT, UTC+0"},
	}
	for _, tt := range tests {
		if got := c.Localizer(tt.lang).ZoneLabel(tt.t, tt.loc); got != tt.want {
			t.Errorf("%s ZoneLabel(%v) = %q, want %q", tt.lang, tt.loc, got, tt.want)
		}
	}
	if got := c.Localizer("en").TimelineHeading(winter, time.UTC); got != "Timeline (UTC)" {
		t.Errorf("en heading = %q", got)
	}
	if got := c.Localizer("de").TimelineHeading(winter, load("Europe/Berlin")); got != "Zeitablauf (MEZ, UTC+1)" {
		t.Errorf("de heading = %q", got)
	}
}

func TestLanguageName(t *testing.T) {
	c := mustLoad(t)
	if got := c.LanguageName("de"); got != "Deutsch" {
		t.Errorf("LanguageName(de) = %q", got)
	}
	if got := c.LanguageName("ja"); got != "ja" {
		t.Errorf("LanguageName(ja) = %q", got)
	}
}

// TestConcurrentLocalizers renders in two languages at once; a shared
// mutable state would mix them up (or trip the race detector).
func TestConcurrentLocalizers(t *testing.T) {
	c := mustLoad(t)
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lang, want := "en", "Root cause"
			if i%2 == 1 {
				lang, want = "de", "Ursache"
			}
			for j := 0; j < 50; j++ {
				if got := c.Localizer(lang).T("report.section.root_cause"); got != want {
					errs <- lang + ": " + got
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestLoadRejectsBadCatalogs(t *testing.T) {
	tests := map[string]map[string]string{
		"bad json":      {"locales/en/common.json": `{"enum.x": `},
		"unknown area":  {"locales/en/misc.json": `{"misc.x": "x"}`},
		"no english":    {"locales/de/common.json": `{"enum.x": "x"}`},
		"bad tag":       {"locales/en/common.json": `{}`, "locales/EN_us/common.json": `{}`},
		"number value":  {"locales/en/common.json": `{"enum.x": 3}`},
		"bad plural":    {"locales/en/common.json": `{"duration.x": {"one": "a", "lots": "b"}}`},
		"duplicate key": {"locales/en/common.json": `{"report.x": "a"}`, "locales/en/report.json": `{"report.x": "b"}`},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := loadFS(fstestMap(files), "locales"); err == nil {
				t.Error("loadFS accepted a broken catalog")
			} else if !strings.HasPrefix(err.Error(), "i18n: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"de", "de", true}, {"de-CH", "de", true}, {"pt", "pt-BR", true}, {"en", "en", true},
		{"", "", false}, {"zh", "", false}, {"not a tag!", "", false},
	}
	for _, tt := range tests {
		got, ok := c.Lookup(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestFormatsEveryLanguage formats every month and a range of durations in
// every language: nothing may come back empty, as a raw key or with a
// template hole.
func TestFormatsEveryLanguage(t *testing.T) {
	c := mustLoad(t)
	loc, _ := time.LoadLocation("America/Sao_Paulo")
	for _, lang := range c.Languages() {
		l := c.Localizer(lang)
		for m := time.January; m <= time.December; m++ {
			at := time.Date(2026, m, 15, 13, 45, 0, 0, time.UTC)
			for _, s := range []string{l.Date(at, loc), l.ShortDate(at, nil), l.Time(at, loc), l.DateTime(at, loc), l.Month(at, nil), l.ZoneLabel(at, loc), l.TimelineHeading(at, loc)} {
				if strings.TrimSpace(s) == "" || strings.Contains(s, "<no value>") || strings.Contains(s, "format.") || strings.Contains(s, "report.") {
					t.Errorf("%s %s: bad output %q", lang, m, s)
				}
			}
		}
		for _, d := range []time.Duration{0, time.Second, 59 * time.Second, time.Minute, 90 * time.Minute, 25 * time.Hour, 400 * 24 * time.Hour} {
			for _, s := range []string{l.Duration(d), l.ApproxDuration(d), l.Lasted(d)} {
				if strings.TrimSpace(s) == "" || strings.Contains(s, "<no value>") || strings.Contains(s, "duration.") {
					t.Errorf("%s %v: bad output %q", lang, d, s)
				}
			}
		}
	}
}
