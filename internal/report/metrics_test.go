package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// A timeline across the end of daylight saving time names its zone and
// gives each entry its own abbreviation.
func TestTimelineAcrossDST(t *testing.T) {
	r := sampleRCA()
	r.IncidentIDs = nil
	r.Timeline = []domain.TimelineEntry{
		{At: time.Date(2025, 10, 25, 22, 0, 0, 0, time.UTC), Kind: domain.KindImpactStart, Text: "Start."},
		{At: time.Date(2025, 10, 26, 3, 0, 0, 0, time.UTC), Kind: domain.KindMitigated, Text: "Mitigated."},
	}
	r.Normalize()
	rep := build(t, r, Options{Lang: "de", TimeZone: "Europe/Berlin", Now: fixedNow})
	if got := rep.Timeline.Heading; got != "Zeitablauf (Europe/Berlin, MESZ/MEZ)" {
		t.Errorf("heading %q", got)
	}
	if a, b := rep.Timeline.Entries[0].Time, rep.Timeline.Entries[1].Time; a != "00:00 MESZ" || b != "04:00 MEZ" {
		t.Errorf("times %q %q", a, b)
	}
	// One offset only: the heading as before, no abbreviation per entry.
	rep = build(t, sampleRCA(), Options{Lang: "de", TimeZone: "Europe/Berlin", Now: fixedNow})
	if rep.Timeline.MultiZone || strings.Contains(rep.Timeline.Entries[0].Time, "MEZ") {
		t.Errorf("single-offset timeline marked: %+v", rep.Timeline.Entries[0])
	}
}

// A fixed offset is a display zone shown as written.
func TestFixedOffsetZone(t *testing.T) {
	rep := build(t, sampleRCA(), Options{TimeZone: "UTC+1", Now: fixedNow})
	if rep.Timeline.Heading != "Timeline (UTC+1)" || rep.Timeline.Entries[0].Time != "9:05 am" {
		t.Errorf("heading %q, first %q", rep.Timeline.Heading, rep.Timeline.Entries[0].Time)
	}
}

// A due date is a calendar day: read in Los Angeles it is still that day.
func TestDueDateWestOfUTC(t *testing.T) {
	rep := build(t, sampleRCA(), Options{TimeZone: "America/Los_Angeles", Now: fixedNow})
	if got := rep.Actions.Items[0].Due; got != "Apr 1, 2026" {
		t.Errorf("due %q, want Apr 1, 2026", got)
	}
	r := sampleRCA()
	r.IncidentDate = domain.DatePtr(domain.NewDate(2026, 3, 9))
	rep = build(t, r, Options{TimeZone: "America/Los_Angeles", Now: fixedNow})
	if got := fact(rep, "date"); got != "March 9, 2026" {
		t.Errorf("author's date %q", got)
	}
}

func TestUntimedTimelineLines(t *testing.T) {
	r := sampleRCA()
	r.Timeline = append(r.Timeline,
		domain.TimelineEntry{Precision: domain.PrecisionDay, Day: domain.DatePtr(domain.NewDate(2026, 3, 12)), Kind: domain.KindNote, Text: "Partners informed."},
		domain.TimelineEntry{Precision: domain.PrecisionNone, Kind: domain.KindNote, Text: "Post-incident review held."})
	r.Normalize()
	rep := build(t, r, Options{TimeZone: "America/Los_Angeles", Now: fixedNow})
	var day, none *Entry
	for i := range rep.Timeline.Entries {
		switch rep.Timeline.Entries[i].Markdown {
		case "Partners informed.":
			day = &rep.Timeline.Entries[i]
		case "Post-incident review held.":
			none = &rep.Timeline.Entries[i]
		}
	}
	if day == nil || day.Date != "Mar 12, 2026" || day.Time != "" || !day.Untimed {
		t.Errorf("date-only line %+v", day)
	}
	if none == nil || none.Date != "" || none.Time != "" {
		t.Errorf("untimed line %+v", none)
	}
	var md bytes.Buffer
	if err := RenderMarkdown(&md, rep); err != nil || !strings.Contains(md.String(), "| Mar 12, 2026 |  | Note | Partners informed. |") {
		t.Errorf("markdown: %v\n%s", err, md.String())
	}
	if got := fact(rep, "occurrences"); got != "2 occurrences" {
		t.Errorf("untimed lines changed the metrics: %q", got)
	}
}

// An author's wording of a fact wins, per language.
func TestFactOverridePerLanguage(t *testing.T) {
	r := sampleRCA()
	r.FactOverrides = map[string]domain.FactOverride{"duration": {Text: "about an hour, twice", Translations: map[string]string{"de": "zweimal etwa eine Stunde"}}}
	if got := fact(build(t, r, Options{Now: fixedNow}), "duration"); got != "about an hour, twice" {
		t.Errorf("en %q", got)
	}
	if got := fact(build(t, r, Options{Lang: "de", Now: fixedNow}), "duration"); got != "zweimal etwa eine Stunde" {
		t.Errorf("de %q", got)
	}
}

// A partner header: only date, duration and affected services, plus the
// issue date, version, contact, status page link and a closing paragraph,
// in every format.
func TestPartnerHeader(t *testing.T) {
	h, err := ParseHeader(func(name string) (string, bool) {
		v, ok := map[string]string{"facts": "date,duration,affected_services", "issue_date": "2026-03-21", "doc_version": "1.1",
			"contact": "partners@example.com", "status_url": "https://status.example.com/incidents/1",
			"closing": "We apologise for the disruption. Questions: partners@example.com."}[name]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := build(t, sampleRCA(), Options{Now: fixedNow, Header: h})
	var keys []string
	for _, f := range rep.Facts {
		keys = append(keys, f.Key)
	}
	if got := strings.Join(keys, ","); got != "date,duration,affected_services,issue_date,document_version,contact,status_page" {
		t.Errorf("facts %s", got)
	}
	for _, format := range []string{"md", "html", "pdf"} {
		var buf bytes.Buffer
		if _, err := Render(&buf, rep, format); err != nil {
			t.Fatal(err)
		}
		text := buf.String()
		if format == "pdf" {
			text = strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
		}
		for _, w := range []string{"March 21, 2026", "1.1", "partners@example.com", "https://status.example.com/incidents/1", "We apologise for the disruption."} {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q", format, w)
			}
		}
		if strings.Contains(text, "SEV2") || strings.Contains(text, "Time to detect") {
			t.Errorf("%s shows facts the header left out", format)
		}
	}
	// The partner template's default header is the partner's view; the
	// internal edition shows every fact.
	r := sampleRCA()
	r.Template = domain.TemplatePartner
	if fact(build(t, r, Options{Now: fixedNow}), "severity") != "" || fact(build(t, r, Options{Now: fixedNow, Audience: Internal}), "severity") == "" {
		t.Error("partner template defaults")
	}
	for params, field := range map[string]string{"issue_date=21.03.2026": "issue_date", "facts=date,bogus": "facts", "status_url=javascript:alert(1)": "status_url"} {
		name, value, _ := strings.Cut(params, "=")
		_, err := ParseHeader(func(n string) (string, bool) { return value, n == name })
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", params, err)
		}
	}
}

// The PDF's dates carry the report zone's offset, and the file stays valid.
func TestPDFCreationDateOffset(t *testing.T) {
	rep := build(t, sampleRCA(), Options{TimeZone: "America/Los_Angeles", Now: fixedNow})
	pdf := renderPDF(t, rep)
	if !bytes.Contains(pdf, []byte("/CreationDate (D:20260320030000-07'00')")) || !bytes.Contains(pdf, []byte("/ModDate (D:20260320030000-07'00')")) {
		t.Errorf("dates: %s", regexp.MustCompile(`/CreationDate \([^)]*\)`).Find(pdf))
	}
	qpdfCheck(t, pdf)
}
