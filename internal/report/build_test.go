package report

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		for y := 0; y < 20; y++ {
			img.Set(x, y, color.RGBA{0, uint8(6 * x), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fact(rep Report, key string) string {
	for _, f := range rep.Facts {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

func section(rep Report, key string) *Section {
	for i := range rep.Sections {
		if rep.Sections[i].Key == key {
			return &rep.Sections[i]
		}
	}
	return nil
}

func TestBuildEnglish(t *testing.T) {
	rep := build(t, sampleRCA(), Options{Now: fixedNow})
	if rep.Lang != "en" || rep.Audience != External || rep.TimeZone != "UTC" {
		t.Errorf("defaults: lang %q, audience %q, zone %q", rep.Lang, rep.Audience, rep.TimeZone)
	}
	if !rep.Draft {
		t.Error("an RCA in review is a draft")
	}
	// Two linked incidents are two occurrences: a date range, a labelled
	// total, and medians over both, counted from impact start (changed
	// deliberately from one date, an unlabelled sum and means from the
	// trigger).
	wantFacts := map[string]string{
		"date":              "March 9–10, 2026",
		"duration":          "~1 h 15 min",
		"affected_services": "Templates API (Partners API)",
		"linked_incidents":  "Templates API errors (Mar 9, 2026), Templates API errors again (Mar 10, 2026)",
		"severity":          "SEV2",
		"time_to_detect":    "6 minutes",
		"time_to_mitigate":  "37 minutes",
		"time_to_resolve":   "1 hour 9 minutes",
		"occurrences":       "2 occurrences",
		"status":            "In review",
		"authors":           "",
	}
	for k, want := range wantFacts {
		if got := fact(rep, k); got != want {
			t.Errorf("fact %s = %q, want %q", k, got, want)
		}
	}
	if got := rep.Timeline.Heading; got != "Timeline (UTC)" {
		t.Errorf("timeline heading %q", got)
	}
	for key, want := range map[string]string{
		"duration":       "Total duration across 2 occurrences",
		"time_to_detect": "Time to detect (median over 2 occurrences)",
	} {
		for _, f := range rep.Facts {
			if f.Key == key && f.Label != want {
				t.Errorf("label of %s = %q, want %q", key, f.Label, want)
			}
		}
	}
	if s := section(rep, "timeline"); s == nil || s.Title != "Timeline (UTC)" || !s.WithTimeline {
		t.Errorf("timeline section = %+v", s)
	}
	if s := section(rep, "preventive_measures"); s == nil || !s.WithActions {
		t.Error("action items belong to preventive measures")
	}
	for _, s := range rep.Sections {
		if s.UntranslatedNote != "" {
			t.Errorf("section %s has an untranslated note in the RCA's own language", s.Key)
		}
	}
	if len(rep.Cycles) != 2 || rep.Cycles[1].Marks[0].Kind != domain.KindRecurred {
		t.Errorf("cycles = %+v", rep.Cycles)
	}
}

func TestBuildGermanBerlin(t *testing.T) {
	rep := build(t, sampleRCA(), Options{Lang: "de-DE", TimeZone: "Europe/Berlin", Audience: Internal, Now: fixedNow})
	if rep.Lang != "de" {
		t.Fatalf("lang %q", rep.Lang)
	}
	if rep.Title != "Templates-API: teilweise Störung" {
		t.Errorf("title %q", rep.Title)
	}
	if got := rep.Timeline.Heading; got != "Zeitablauf (MEZ, UTC+1)" {
		t.Errorf("heading %q", got)
	}
	if got := rep.Timeline.Entries[0].Time; got != "09:05" {
		t.Errorf("first entry at %q, want 09:05 Berlin time", got)
	}
	if got := fact(rep, "date"); got != "9.–10. März 2026" {
		t.Errorf("date %q", got)
	}
	if got := fact(rep, "authors"); got != "Ana Lima, Ben Okafor" {
		t.Errorf("authors %q (unknown ids are left out)", got)
	}
	sum := section(rep, "summary")
	if sum.Title != "Zusammenfassung" || sum.UntranslatedNote != "" || !strings.HasPrefix(sum.Markdown, "Am 9. März") || sum.BodyLang != "de" {
		t.Errorf("summary = %+v", sum)
	}
	impact := section(rep, "impact")
	if impact.Title != "Auswirkungen" || !strings.Contains(impact.UntranslatedNote, "Englisch") || impact.BodyLang != "en" {
		t.Errorf("impact = %+v", impact)
	}
	if rc := section(rep, "root_cause"); rc.Title != "Ursache des Ausfalls" {
		t.Errorf("author's translated title not used: %q", rc.Title)
	}
	if e := rep.Timeline.Entries[1]; e.Markdown != "Die Fehlerrate der Templates-API steigt." {
		t.Errorf("entry translation not used: %q", e.Markdown)
	}
	if a := rep.Actions.Items[0]; a.Title != "Konfigurationskomponenten in die Release-Checkliste aufnehmen" || a.StateLabel != "Erledigt" || a.Due != "01.04.2026" {
		t.Errorf("action = %+v", a)
	}
}

func TestBuildCustomTitlesKept(t *testing.T) {
	r := sampleRCA()
	r.Section("impact").Title = "Who was affected"
	rep := build(t, r, Options{Lang: "de", Now: fixedNow})
	if got := section(rep, "impact").Title; got != "Who was affected" {
		t.Errorf("an author's own title must be kept, got %q", got)
	}
	if got := section(rep, "summary").Title; got != "Zusammenfassung" {
		t.Errorf("a default title is translated, got %q", got)
	}
}

func TestBuildAudience(t *testing.T) {
	ext := build(t, sampleRCA(), Options{Audience: External, Now: fixedNow})
	for _, s := range ext.Sections {
		if s.Internal || s.Key == "detection" || s.Key == "lessons_learned" {
			t.Errorf("external report has internal section %s", s.Key)
		}
	}
	for _, e := range ext.Timeline.Entries {
		if e.Internal {
			t.Error("external report has an internal timeline entry")
		}
	}
	if len(ext.Actions.Items) != 2 {
		t.Errorf("external report has %d action items, want 2", len(ext.Actions.Items))
	}
	if fact(ext, "authors") != "" {
		t.Error("external report names authors")
	}
	in := build(t, sampleRCA(), Options{Audience: Internal, Now: fixedNow})
	if len(in.Actions.Items) != 3 || len(in.Timeline.Entries) != 11 || section(in, "detection") == nil {
		t.Error("internal report lost something")
	}
}

func TestBuildStates(t *testing.T) {
	for _, tt := range []struct {
		state domain.RCAState
		draft bool
	}{{domain.StateDraft, true}, {domain.StateInReview, true}, {domain.StateApproved, false}, {domain.StatePublished, false}, {domain.StateArchived, true}} {
		r := sampleRCA()
		r.State = tt.state
		if rep := build(t, r, Options{Now: fixedNow}); rep.Draft != tt.draft {
			t.Errorf("%s: draft = %v", tt.state, rep.Draft)
		}
	}
}

func TestBuildDurationSources(t *testing.T) {
	r := sampleRCA()
	r.DurationOverride = "about an hour, twice"
	if got := fact(build(t, r, Options{Now: fixedNow}), "duration"); got != "about an hour, twice" {
		t.Errorf("override ignored: %q", got)
	}
	// Without timeline the incidents' own times count.
	r = sampleRCA()
	r.Timeline = nil
	rep := build(t, r, Options{Now: fixedNow})
	if got := fact(rep, "duration"); got != "~2 h 20 min" {
		t.Errorf("duration from incidents = %q", got)
	}
	// An unresolved incident is ongoing.
	r.IncidentIDs = []string{"inc-other"}
	rep = build(t, r, Options{Now: fixedNow})
	if got := fact(rep, "duration"); got != "ongoing" {
		t.Errorf("duration of an open incident = %q", got)
	}
	// No services named: the linked incidents' components are used.
	r = sampleRCA()
	r.AffectedServices = nil
	if got := fact(build(t, r, Options{Now: fixedNow}), "affected_services"); got != "Templates API" {
		t.Errorf("affected services from components = %q", got)
	}
}

func TestBuildRejectsBadOptions(t *testing.T) {
	tests := []struct {
		opt   Options
		field string
	}{
		{Options{Lang: "xx"}, "lang"},
		{Options{Lang: "zh-CN"}, "lang"},
		{Options{TimeZone: "Mars/Olympus"}, "tz"},
		{Options{TimeZone: "Local"}, "tz"},
		{Options{Audience: "partners"}, "audience"},
		{Options{Branding: Branding{Accent: "red; background:url(x)"}}, "branding.accent"},
		{Options{Branding: Branding{LogoPNG: []byte("GIF89a not a png")}}, "branding.logo"},
		{Options{Branding: Branding{OrgName: strings.Repeat("x", 300)}}, "branding.org_name"},
	}
	for _, tt := range tests {
		_, err := Build(sampleRCA(), nil, nil, nil, catalog(t), tt.opt)
		var ve *domain.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != tt.field {
			t.Errorf("Build(%+v) = %v, want one problem on %s", tt.opt, err, tt.field)
		}
	}
}

func TestBuildEmptyRCA(t *testing.T) {
	r := domain.RCA{Title: "Nothing yet", Template: "custom-unknown"}
	r.Normalize()
	rep, err := Build(r, nil, nil, nil, catalog(t), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats {
		var buf bytes.Buffer
		if _, err := Render(&buf, rep, format); err != nil || buf.Len() == 0 {
			t.Errorf("%s: %v (%d bytes)", format, err, buf.Len())
		}
	}
}

func TestTablesWithoutTheirSection(t *testing.T) {
	r := sampleRCA()
	r.Template = "custom"
	var keep []domain.Section
	for _, s := range r.Sections {
		if s.Key != "timeline" && s.Key != "preventive_measures" {
			keep = append(keep, s)
		}
	}
	r.Sections = keep
	rep := build(t, r, Options{Now: fixedNow})
	n := len(rep.Sections)
	if n < 2 || !rep.Sections[n-2].WithTimeline || !rep.Sections[n-1].WithActions {
		t.Errorf("timeline and actions should close the report: %+v", rep.Sections[n-2:])
	}
}

func TestFileName(t *testing.T) {
	rep := build(t, sampleRCA(), Options{Lang: "de", Now: fixedNow})
	if got := FileName(rep, "pdf"); got != "2026-03-09-templates-api-teilweise-storung-de.pdf" {
		t.Errorf("FileName = %q", got)
	}
	r := sampleRCA()
	r.Translations = nil
	rep = build(t, r, Options{Lang: "pt-BR", Audience: Internal, Now: fixedNow, TimeZone: "Pacific/Auckland"})
	if got := FileName(rep, "md"); got != "2026-03-09-templates-api-partial-service-disruption-pt-br-internal.md" {
		t.Errorf("FileName = %q", got)
	}
	r.Timeline, r.IncidentIDs = nil, nil
	rep, _ = Build(r, nil, nil, nil, catalog(t), Options{Now: time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)})
	if got := FileName(rep, "html"); got != "2027-01-02-templates-api-partial-service-disruption-en.html" {
		t.Errorf("FileName without incident date = %q", got)
	}
}

func TestRenderDispatch(t *testing.T) {
	rep := build(t, sampleRCA(), Options{Now: fixedNow})
	for format, prefix := range map[string]string{"md": "# ", "html": "<!DOCTYPE html>", "pdf": "%PDF-"} {
		var buf bytes.Buffer
		ct, err := Render(&buf, rep, format)
		if err != nil || ct != ContentType(format) || !strings.HasPrefix(buf.String(), prefix) {
			t.Errorf("Render %s: %q, %v, starts %q", format, ct, err, buf.String()[:min(20, buf.Len())])
		}
	}
	var buf bytes.Buffer
	if _, err := Render(&buf, rep, "docx"); !domain.IsValidation(err) || buf.Len() != 0 {
		t.Errorf("unknown format: %v, %d bytes written", err, buf.Len())
	}
}

func TestBuildWithoutCatalog(t *testing.T) {
	if _, err := Build(sampleRCA(), nil, nil, nil, nil, Options{}); err == nil {
		t.Error("Build without a catalog must fail, not panic")
	}
}

func TestBuildSameBaseLanguageNeedsNoNote(t *testing.T) {
	r := sampleRCA()
	r.Language = "pt"
	r.Translations = nil
	rep := build(t, r, Options{Lang: "pt-BR", Now: fixedNow})
	for _, s := range rep.Sections {
		if s.UntranslatedNote != "" {
			t.Errorf("section %s: a pt RCA read in pt-BR is not untranslated", s.Key)
		}
	}
	// A translation tagged with the base language serves the regional one.
	r.Section("summary").Translations = map[string]domain.SectionTranslation{"de": {Body: "Deutsch"}}
	r.Language = "en"
	rep = build(t, r, Options{Lang: "de", Now: fixedNow})
	if s := section(rep, "summary"); s.Markdown != "Deutsch" || s.UntranslatedNote != "" {
		t.Errorf("summary = %+v", s)
	}
}
