package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

var allMarkers = []string{markerSection, markerEntry, markerAction, markerLessons, markerOwner, markerEntryTr, markerSecTrans}

// internalHeavyRCA adds more internal content, each piece with a marker of
// its own, on top of the sample's internal section, entry and action item.
func internalHeavyRCA() (domain.RCA, []string) {
	r := sampleRCA()
	markers := append([]string(nil), allMarkers...)
	add := func(m string) string { markers = append(markers, m); return m }
	r.Sections = append(r.Sections,
		domain.Section{Key: "internal_notes", Title: "Notes " + add("ZZINTTITLE1001"), Body: "Body " + add("ZZINTBODY1002"), Visibility: domain.Internal,
			Translations: map[string]domain.SectionTranslation{"de": {Title: add("ZZINTTITLEDE1003"), Body: add("ZZINTBODYDE1004")}}},
	)
	r.Timeline = append(r.Timeline,
		domain.TimelineEntry{At: at(9, 8, 14), Kind: domain.KindDetected, Text: "A dashboard showed it first " + add("ZZINTDET1011"), Visibility: domain.Internal},
		domain.TimelineEntry{At: at(9, 8, 40), Kind: domain.KindEscalated, Text: "Paged the DBA " + add("ZZINTESC1005"), Visibility: domain.Internal},
		domain.TimelineEntry{At: at(12, 1, 0), Kind: domain.KindResolved, Text: "Late internal resolution " + add("ZZINTLATE1006"), Visibility: domain.Internal},
	)
	r.ActionItems = append(r.ActionItems, domain.ActionItem{Title: "Rotate " + add("ZZINTACT1007"), Owner: add("ZZINTOWN1008"),
		TrackerURL: "https://tracker.example.com/" + add("ZZINTURL1009"), Visibility: domain.Internal, Translations: map[string]string{"de": add("ZZINTACTDE1010")}})
	r.Normalize()
	return r, markers
}

// TestAudienceExternalLeaksNothing renders the external edition in every
// language and format and looks for every internal marker; the internal
// edition must show them (so the markers would be found if leaked).
func TestAudienceExternalLeaksNothing(t *testing.T) {
	r, markers := internalHeavyRCA()
	for _, lang := range languages {
		for _, format := range Formats {
			for _, audience := range []Audience{External, Internal} {
				rep := build(t, r, Options{Lang: lang, TimeZone: "Europe/Berlin", Audience: audience, Now: fixedNow})
				var buf bytes.Buffer
				if _, err := Render(&buf, rep, format); err != nil {
					t.Fatalf("%s %s %s: %v", lang, format, audience, err)
				}
				text := buf.String()
				if format == "pdf" {
					text = pdfText(t, buf.Bytes())
				}
				found := 0
				for _, m := range markers {
					if strings.Contains(text, m) {
						found++
						if audience == External {
							t.Errorf("%s %s external edition shows internal marker %s", lang, format, m)
						}
					}
				}
				if audience == Internal && found < 5 {
					t.Errorf("%s %s internal edition shows only %d markers: the check would not see a leak", lang, format, found)
				}
			}
		}
	}
}

// TestAudienceMetrics derives times only from what the audience sees: an
// internal-only detection must not shorten the external time to detect.
func TestAudienceMetrics(t *testing.T) {
	r, _ := internalHeavyRCA()
	ext := build(t, r, Options{Audience: External, Now: fixedNow})
	in := build(t, r, Options{Audience: Internal, Now: fixedNow})
	// Counted from impact start, not the trigger (changed deliberately).
	if got := fact(ext, "time_to_detect"); got != "6 minutes" {
		t.Errorf("external time to detect = %q, want 6 minutes", got)
	}
	if got := fact(in, "time_to_detect"); got != "3 minutes" {
		t.Errorf("internal time to detect = %q, want 3 minutes (an internal entry detected it first)", got)
	}
}
