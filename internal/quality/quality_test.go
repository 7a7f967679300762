package quality

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

var t0 = time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// complete returns a standard-template RCA that passes every check.
func complete() Input {
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Checkout errors", tpl, "en", nil, "u1", t0)
	for i := range r.Sections {
		r.Sections[i].Body = "Written text about the " + r.Sections[i].Title + "."
	}
	r.Section("root_cause").Body = "The failover script did not refresh the cached connection string."
	r.Timeline = []domain.TimelineEntry{
		{At: at(0), Kind: domain.KindImpactStart, Text: "errors begin"},
		{At: at(6), Kind: domain.KindDetected, Text: "alert"},
		{At: at(30), Kind: domain.KindMitigated, Text: "traffic moved"},
		{At: at(47), Kind: domain.KindResolved, Text: "all clear"},
	}
	due := domain.DateOf(t0.Add(14 * 24 * time.Hour))
	r.ActionItems = []domain.ActionItem{{Title: "Re-resolve endpoint", Owner: "payments team", Due: &due}}
	r.Normalize()
	return Input{RCA: r, Template: tpl, People: []string{"Dana Scully", "fox.mulder@example.com"}}
}

func check(rep Report, code string) Check {
	for _, c := range rep.Checks {
		if c.Code == code {
			return c
		}
	}
	return Check{Code: "missing " + code}
}

func TestRunCompleteRCAPasses(t *testing.T) {
	rep := Run(complete())
	if !rep.OK() {
		t.Fatalf("complete RCA failed checks: %+v", rep.Checks)
	}
	if rep.Passed() != 6 {
		t.Fatalf("passed = %d, want 6", rep.Passed())
	}
}

func TestRunFindings(t *testing.T) {
	tests := []struct {
		name        string
		change      func(in *Input)
		check       string
		wantCodes   []string
		wantSection string
	}{
		{"empty required section", func(in *Input) { in.RCA.Section("impact").Body = "  \n" },
			CheckRequiredSections, []string{"empty"}, "impact"},
		{"empty optional section is fine", func(in *Input) { in.RCA.Section("lessons_learned").Body = "" },
			CheckRequiredSections, nil, ""},
		{"timeline section counts entries", func(in *Input) { in.RCA.Section("timeline").Body = "" },
			CheckRequiredSections, nil, ""},
		{"empty timeline section without entries", func(in *Input) {
			in.RCA.Section("timeline").Body = ""
			in.RCA.Timeline = nil
		}, CheckRequiredSections, []string{"empty"}, "timeline"},
		{"no detection", func(in *Input) { in.RCA.Timeline[1].Kind = domain.KindNote },
			CheckDetection, []string{"missing"}, "timeline"},
		{"no resolution", func(in *Input) { in.RCA.Timeline = in.RCA.Timeline[:3] },
			CheckResolution, []string{"missing"}, "timeline"},
		{"detected after mitigation", func(in *Input) {
			in.RCA.Timeline = append(in.RCA.Timeline, domain.TimelineEntry{At: at(35), Kind: domain.KindDetected, Text: "late"})
		}, CheckTimelineOrder, []string{"after_mitigated"}, "timeline"},
		{"recurrence starts a new cycle", func(in *Input) {
			in.RCA.Timeline = append(in.RCA.Timeline,
				domain.TimelineEntry{At: at(600), Kind: domain.KindRecurred, Text: "again"},
				domain.TimelineEntry{At: at(610), Kind: domain.KindDetected, Text: "alert again"},
				domain.TimelineEntry{At: at(650), Kind: domain.KindResolved, Text: "fixed again"})
		}, CheckTimelineOrder, nil, ""},
		{"untimed lines are not checked for order", func(in *Input) {
			in.Incidents = []domain.Incident{{StartedAt: at(0)}}
			in.RCA.Timeline = append(in.RCA.Timeline, domain.TimelineEntry{Precision: domain.PrecisionNone, Kind: domain.KindDetected, Text: "told by a partner"})
		}, CheckTimelineOrder, nil, ""},
		{"detection before the incident began", func(in *Input) {
			in.Incidents = []domain.Incident{{StartedAt: at(10)}}
		}, CheckTimelineOrder, []string{"before_incident"}, "timeline"},
		{"trigger before the incident is fine", func(in *Input) {
			in.Incidents = []domain.Incident{{StartedAt: at(0)}}
			in.RCA.Timeline = append(in.RCA.Timeline, domain.TimelineEntry{At: at(-120), Kind: domain.KindTrigger, Text: "deploy"})
		}, CheckTimelineOrder, nil, ""},
		{"action item without owner and due", func(in *Input) {
			in.RCA.ActionItems = append(in.RCA.ActionItems, domain.ActionItem{Title: "Add probe", State: domain.ActionOpen})
		}, CheckActionOwners, []string{"missing_owner", "missing_due"}, "preventive_measures"},
		{"won't-do items need no owner", func(in *Input) {
			in.RCA.ActionItems = append(in.RCA.ActionItems, domain.ActionItem{Title: "Rewrite", State: domain.ActionWontDo})
		}, CheckActionOwners, nil, ""},
		{"human error", func(in *Input) { in.RCA.Section("root_cause").Body = "Root cause: Human error during the deploy." },
			CheckBlameless, []string{"phrase"}, "root_cause"},
		{"a person's name", func(in *Input) { in.RCA.Section("root_cause").Body = "Scully ran the wrong script." },
			CheckBlameless, []string{"person"}, "root_cause"},
		{"an email's local part", func(in *Input) { in.RCA.Section("root_cause").Body = "Fox ran it twice." },
			CheckBlameless, []string{"person"}, "root_cause"},
		{"a mention", func(in *Input) { in.RCA.Section("root_cause").Body = "As @jdoe deployed it." },
			CheckBlameless, []string{"person"}, "root_cause"},
		{"german wording in a translation", func(in *Input) {
			in.RCA.Section("root_cause").Translations = map[string]domain.SectionTranslation{"de": {Body: "Menschliches Versagen."}}
		}, CheckBlameless, []string{"phrase"}, "root_cause"},
		{"names inside words do not count", func(in *Input) {
			in.RCA.Section("root_cause").Body = "The scullyctl tool and the humanerror table are fine."
		}, CheckBlameless, nil, ""},
		{"a full name from an email", func(in *Input) { in.RCA.Section("root_cause").Body = "Then Fox Mulder restarted it." },
			CheckBlameless, []string{"person"}, "root_cause"},
		{"a name part that is also a word", func(in *Input) {
			in.People = append(in.People, "Admin Person", "Will Mark")
			in.RCA.Section("root_cause").Body = "The admin console will mark every person's session as stale."
		}, CheckBlameless, nil, ""},
		{"the same part written as a name", func(in *Input) {
			in.People = append(in.People, "Will Mark")
			in.RCA.Section("root_cause").Body = "Then Will restarted the queue."
		}, CheckBlameless, []string{"person"}, "root_cause"},
		{"other sections may name people", func(in *Input) { in.RCA.Section("resolution").Body = "Dana Scully rolled back." },
			CheckBlameless, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := complete()
			tt.change(&in)
			c := check(Run(in), tt.check)
			if c.OK != (len(tt.wantCodes) == 0) {
				t.Fatalf("check %s OK = %v, findings %+v", tt.check, c.OK, c.Findings)
			}
			if len(c.Findings) != len(tt.wantCodes) {
				t.Fatalf("findings = %+v, want codes %v", c.Findings, tt.wantCodes)
			}
			for i, f := range c.Findings {
				if f.Code != tt.wantCodes[i] {
					t.Errorf("finding %d code = %q, want %q", i, f.Code, tt.wantCodes[i])
				}
				if f.SectionKey != tt.wantSection {
					t.Errorf("finding %d section = %q, want %q", i, f.SectionKey, tt.wantSection)
				}
			}
		})
	}
}

func TestTemplateWithoutTimelineSkipsTimelineChecks(t *testing.T) {
	tpl := domain.Template{Key: "short", Name: "Short", Sections: []domain.SectionDef{{Key: "summary", Title: "Summary", Required: true}}}
	r := domain.NewRCA("x", tpl, "en", nil, "", t0)
	r.Sections[0].Body = "done"
	rep := Run(Input{RCA: r, Template: tpl})
	for _, code := range []string{CheckDetection, CheckResolution, CheckTimelineOrder, CheckActionOwners} {
		c := check(rep, code)
		if c.Applies || !c.OK {
			t.Errorf("%s: applies=%v ok=%v, want not applicable and passed", code, c.Applies, c.OK)
		}
	}
}

func TestForSection(t *testing.T) {
	in := complete()
	in.RCA.Section("root_cause").Body = "human error"
	in.RCA.Section("impact").Body = ""
	rep := Run(in)
	if got := rep.ForSection("root_cause"); len(got) != 1 || got[0].Code != "phrase" {
		t.Errorf("root_cause findings = %+v", got)
	}
	if got := rep.ForSection("summary"); len(got) != 0 {
		t.Errorf("summary findings = %+v, want none", got)
	}
}

// FuzzRun feeds author text and names into the checks: they must never
// panic, and a text without letters never names a person.
func FuzzRun(f *testing.F) {
	f.Add("Human error by @jdoe", "Dana Scully")
	f.Add("", "")
	f.Add("ünïcödé fault of Ünal", "Ünal Öz")
	f.Fuzz(func(t *testing.T, body, person string) {
		in := complete()
		in.RCA.Section("root_cause").Body = body
		in.People = []string{person}
		rep := Run(in)
		if len(rep.Checks) != 6 {
			t.Fatalf("%d checks", len(rep.Checks))
		}
	})
}

// BenchmarkRunLongRootCause runs the checks on a root cause of ~200 KB
// (the section size limit) that mentions a colleague's first name often.
func BenchmarkRunLongRootCause(b *testing.B) {
	in := complete()
	in.People = []string{"Dan Brown", "Ana Lee"}
	in.RCA.Section("root_cause").Body = strings.Repeat("The Danube cluster and the dance service timed out. ", 4000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Run(in)
	}
}
