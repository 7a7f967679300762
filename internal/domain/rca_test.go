package domain

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewRCAFromEveryBuiltinTemplate(t *testing.T) {
	now := at("2026-03-10T12:00:00Z")
	for _, tpl := range BuiltinTemplates() {
		t.Run(tpl.Key, func(t *testing.T) {
			if err := tpl.Validate(); err != nil {
				t.Fatalf("built-in template invalid: %v", err)
			}
			r := NewRCA("Templates API Partial Service Disruption", tpl, "en", []string{"i1", "i2", "i1", " "}, "u1", now)
			if err := r.Validate(); err != nil {
				t.Fatalf("new RCA invalid: %v", err)
			}
			if len(r.Sections) != len(tpl.Sections) {
				t.Fatalf("sections %d, want %d", len(r.Sections), len(tpl.Sections))
			}
			for i, s := range r.Sections {
				d := tpl.Sections[i]
				if s.Key != d.Key || s.Title != d.Title || s.Guidance != d.Guidance || s.Revision != 1 || s.Visibility != d.Visibility {
					t.Errorf("section %d = %+v, want from %+v", i, s, d)
				}
				if d.Guidance == "" || d.Example == "" {
					t.Errorf("section %s lacks guidance or an example", d.Key)
				}
			}
			if r.State != StateDraft || r.Slug != "templates-api-partial-service-disruption" {
				t.Errorf("state %s slug %s", r.State, r.Slug)
			}
			if len(r.IncidentIDs) != 2 || r.Authors[0] != "u1" {
				t.Errorf("incident ids %v authors %v", r.IncidentIDs, r.Authors)
			}
		})
	}
	keys := map[string][]string{}
	for _, tpl := range BuiltinTemplates() {
		for _, d := range tpl.Sections {
			keys[tpl.Key] = append(keys[tpl.Key], d.Key)
		}
	}
	if got := strings.Join(keys[TemplatePartner], ","); got != "summary,timeline,root_cause,resolution,preventive_measures" {
		t.Errorf("partner sections: %s", got)
	}
	if got := strings.Join(keys[TemplateThirdParty], ","); !strings.Contains(got, "issue_description") || !strings.Contains(got, "cause") || !strings.Contains(got, "mitigation") || !strings.Contains(got, "prevention") {
		t.Errorf("third-party sections: %s", got)
	}
}

func problemCodes(err error) map[string]string {
	var ve *ValidationError
	out := map[string]string{}
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			out[p.Field] = p.Code
		}
	}
	return out
}

func TestRCAValidate(t *testing.T) {
	tpl, _ := BuiltinTemplate(TemplateStandard)
	base := func() RCA { return NewRCA("Checkout errors", tpl, "de", nil, "u1", time.Now()) }
	tests := []struct {
		name  string
		edit  func(r *RCA)
		field string
		code  string
	}{
		{"empty title", func(r *RCA) { r.Title = "  " }, "title", CodeRequired},
		{"long title", func(r *RCA) { r.Title = strings.Repeat("x", MaxTitleLen+1) }, "title", CodeTooLong},
		{"bad language", func(r *RCA) { r.Language = "not a tag!" }, "language", CodeInvalid},
		{"unknown state", func(r *RCA) { r.State = "shipped" }, "state", CodeUnknownEnum},
		{"unknown severity", func(r *RCA) { r.Severity = "sev9" }, "severity", CodeUnknownEnum},
		{"duplicate section", func(r *RCA) { r.Sections = append(r.Sections, r.Sections[0]) }, "sections[8].key", CodeDuplicate},
		{"bad visibility", func(r *RCA) { r.Sections[0].Visibility = "secret" }, "sections[0].visibility", CodeUnknownEnum},
		{"timeline kind", func(r *RCA) {
			r.Timeline = []TimelineEntry{{At: time.Now(), Kind: "explosion", Text: "x", Visibility: External}}
		}, "timeline[0].kind", CodeUnknownEnum},
		{"timeline text", func(r *RCA) {
			r.Timeline = []TimelineEntry{{At: time.Now(), Kind: KindNote, Visibility: External}}
		}, "timeline[0].text", CodeRequired},
		{"action title", func(r *RCA) {
			r.ActionItems = []ActionItem{{State: ActionOpen, Visibility: External}}
		}, "action_items[0].title", CodeRequired},
		{"tracker url", func(r *RCA) {
			r.ActionItems = []ActionItem{{Title: "x", State: ActionOpen, Visibility: External, TrackerURL: "javascript:alert(1)"}}
		}, "action_items[0].tracker_url", CodeInvalid},
		{"empty tag", func(r *RCA) { r.Tags = []string{"db", ""} }, "tags[1]", CodeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(&r)
			err := r.Validate()
			if got := problemCodes(err)[tt.field]; got != tt.code {
				t.Fatalf("problem for %s = %q, want %q (err: %v)", tt.field, got, tt.code, err)
			}
		})
	}
	ok := base()
	ok.Title = "Störung der Vorlagen-API 🔥 — 障害"
	if err := ok.Validate(); err != nil {
		t.Errorf("unicode title rejected: %v", err)
	}
}

func TestSectionEditAndBump(t *testing.T) {
	tpl, _ := BuiltinTemplate(TemplatePartner)
	r := NewRCA("x", tpl, "en", nil, "u1", time.Now())
	if err := r.ApplySectionEdit("nope", SectionEdit{Body: "b"}, "u2", time.Now()); !errors.Is(err, ErrUnknownSection) {
		t.Fatalf("unknown section: %v", err)
	}
	if err := r.ApplySectionEdit("summary", SectionEdit{Body: "It broke.", Visibility: Internal}, "u2", time.Now()); err != nil {
		t.Fatal(err)
	}
	s := r.Section("summary")
	if s.Body != "It broke." || s.Revision != 2 || s.Visibility != Internal || s.UpdatedBy != "u2" {
		t.Fatalf("after edit: %+v", s)
	}
	prev := r
	prev.Sections = append([]Section(nil), r.Sections...)
	next := r
	next.Sections = append([]Section(nil), r.Sections...)
	next.Sections[1].Body = "changed"
	next.Sections[0].Revision = 99 // a client cannot set revisions
	next.BumpChangedSections(&prev)
	if next.Sections[0].Revision != 2 || next.Sections[1].Revision != 2 {
		t.Fatalf("revisions after replace: %d %d", next.Sections[0].Revision, next.Sections[1].Revision)
	}
}

func TestIncidentValidateAndUpdates(t *testing.T) {
	start := at("2026-03-09T08:00:00Z")
	before := start.Add(-time.Minute)
	in := Incident{Title: "API errors", StartedAt: start, ResolvedAt: &before, Impact: "huge"}
	in.Normalize()
	codes := problemCodes(in.Validate())
	if codes["resolved_at"] != CodeTimeOrder || codes["impact"] != CodeUnknownEnum {
		t.Fatalf("codes %v", codes)
	}
	in = Incident{Title: "API errors", StartedAt: start}
	in.Normalize()
	in.AddUpdate(IncidentUpdate{Status: UpdateIdentified, Body: "found it", At: start.Add(20 * time.Minute)})
	in.AddUpdate(IncidentUpdate{Status: UpdateInvestigating, Body: "looking", At: start.Add(5 * time.Minute)})
	in.AddUpdate(IncidentUpdate{Status: UpdateResolved, Body: "fixed", At: start.Add(time.Hour)})
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.Updates[0].Body != "looking" || in.Status != StatusResolved || in.ResolvedAt == nil || !in.ResolvedAt.Equal(start.Add(time.Hour)) {
		t.Fatalf("after updates: %+v", in)
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Templates API Partial Service Disruption": "templates-api-partial-service-disruption",
		"Überlast im Straßen-Dienst":               "uberlast-im-strassen-dienst",
		"🔥🔥":                                       "rca",
		"  --Crème brûlée!!  ":                     "creme-brulee",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Slugify(strings.Repeat("abc ", 60)); len(got) > 80 || strings.HasSuffix(got, "-") {
		t.Errorf("long slug %q", got)
	}
}

func TestRolesAndUsers(t *testing.T) {
	if !RoleAdmin.Allows(RoleReviewer) || RoleAuthor.Allows(RoleReviewer) || Role("root").Allows(RoleViewer) {
		t.Error("role ordering wrong")
	}
	u := User{Email: " Ada@Example.COM ", Role: RoleAuthor, TimeZone: "Europe/Berlin"}
	if err := u.Validate(); err != nil || u.Email != "ada@example.com" {
		t.Fatalf("user: %v %q", err, u.Email)
	}
	bad := User{Email: "not-mail", Role: "boss", TimeZone: "Mars/Olympus"}
	codes := problemCodes(bad.Validate())
	if codes["email"] != CodeInvalid || codes["role"] != CodeUnknownEnum || codes["time_zone"] != CodeInvalid {
		t.Fatalf("codes %v", codes)
	}
}

func TestActionItemOverdue(t *testing.T) {
	due := NewDate(2026, time.March, 1)
	a := ActionItem{Due: &due, State: ActionOpen}
	if a.Overdue(at("2026-03-01T20:00:00Z"), nil) {
		t.Error("overdue on its due day")
	}
	if !a.Overdue(at("2026-03-02T01:00:00Z"), nil) {
		t.Error("not overdue the day after")
	}
	// 01:00 UTC on 2 March is still 1 March in Los Angeles: not overdue
	// there, overdue in Berlin.
	la, _ := time.LoadLocation("America/Los_Angeles")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if a.Overdue(at("2026-03-02T01:00:00Z"), la) {
		t.Error("overdue in Los Angeles while its due day lasts there")
	}
	if !a.Overdue(at("2026-03-01T23:30:00Z"), berlin) {
		t.Error("not overdue in Berlin once the due day is over there")
	}
	a.State = ActionDone
	if a.Overdue(at("2026-04-01T00:00:00Z"), nil) {
		t.Error("done item overdue")
	}
}

func TestDateJSONReadsOldInstantsAndRejectsBadValues(t *testing.T) {
	var a ActionItem
	if err := json.Unmarshal([]byte(`{"due":"2026-03-01T00:00:00Z"}`), &a); err != nil || a.Due == nil || *a.Due != NewDate(2026, 3, 1) {
		t.Fatalf("old RFC 3339 midnight: %v %v", a.Due, err)
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-03-01"}`), &a); err != nil || a.Due.String() != "2026-03-01" {
		t.Fatalf("date: %v %v", a.Due, err)
	}
	b, _ := json.Marshal(a)
	if !strings.Contains(string(b), `"due":"2026-03-01"`) {
		t.Errorf("marshal: %s", b)
	}
	for _, bad := range []string{`"01/03/2026"`, `"2026-3-1"`, `17`} {
		if err := json.Unmarshal([]byte(`{"due":`+bad+`}`), &a); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if (Date{2024, 2, 30}).Valid() || !(Date{2024, 2, 29}).Valid() {
		t.Error("Valid")
	}
}

func TestLoadZoneFixedOffsets(t *testing.T) {
	for in, want := range map[string]string{"UTC+1": "UTC+1", "utc-03:30": "UTC-3:30", "GMT+5:30": "UTC+5:30", "Europe/Berlin": "Europe/Berlin", "UTC+0": "UTC"} {
		loc, err := LoadZone(in)
		if err != nil || loc.String() != want {
			t.Errorf("%s: %v %v, want %s", in, loc, err, want)
		}
	}
	loc, _ := LoadZone("UTC+1")
	if _, off := at("2024-07-01T00:00:00Z").In(loc).Zone(); off != 3600 {
		t.Errorf("offset %d", off)
	}
	for _, bad := range []string{"", "Local", "UTC+15", "Mars/Olympus", "UTC+1:75"} {
		if _, err := LoadZone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestUntimedTimelineEntries(t *testing.T) {
	tpl, _ := BuiltinTemplate(TemplatePartner)
	r := NewRCA("ok", tpl, "en", nil, "u1", time.Now())
	d := NewDate(2024, 9, 30)
	r.Timeline = []TimelineEntry{
		{At: at("2024-09-30T10:00:00Z"), Kind: KindNote, Text: "timed"},
		{Precision: PrecisionNone, Text: "then, later that day"},
		{Precision: PrecisionDay, Day: &d, Text: "sometime that day"},
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		t.Fatalf("untimed entries refused: %v", err)
	}
	if r.Timeline[0].Text != "sometime that day" || r.Timeline[2].Text != "then, later that day" {
		t.Errorf("order %q %q %q", r.Timeline[0].Text, r.Timeline[1].Text, r.Timeline[2].Text)
	}
	r.Timeline = append(r.Timeline, TimelineEntry{Precision: PrecisionDay, Text: "no day", Kind: KindNote, Visibility: External, ID: "x"},
		TimelineEntry{Precision: "hour", Text: "bad", Kind: KindNote, Visibility: External, ID: "y", At: time.Now()})
	codes := problemCodes(r.Validate())
	if codes["timeline[3].date"] != CodeRequired || codes["timeline[4].precision"] != CodeUnknownEnum {
		t.Errorf("codes %v", codes)
	}
}

func TestFactWordingPerLanguage(t *testing.T) {
	r := RCA{DurationOverride: "about an hour", FactOverrides: map[string]FactOverride{
		"time_to_detect": {Text: "~5 minutes", Translations: map[string]string{"de": "ca. 5 Minuten"}},
	}}
	if w, _ := r.FactWording("time_to_detect", "de-AT"); w != "ca. 5 Minuten" {
		t.Errorf("de-AT: %q", w)
	}
	if w, _ := r.FactWording("time_to_detect", "fr"); w != "~5 minutes" {
		t.Errorf("fr: %q", w)
	}
	if w, ok := r.FactWording("duration", "de"); !ok || w != "about an hour" {
		t.Errorf("legacy duration override: %q", w)
	}
	r.FactOverrides["nonsense"] = FactOverride{Text: "x"}
	if codes := problemCodes(r.Validate()); codes["fact_overrides.nonsense"] != CodeUnknownEnum {
		t.Errorf("codes %v", codes)
	}
}

func TestValidateRejectsBadUTF8AndTags(t *testing.T) {
	tpl, _ := BuiltinTemplate(TemplatePartner)
	r := NewRCA("ok", tpl, "en", nil, "u1", time.Now())
	r.Sections[0].Body = "broken \xff byte"
	r.Timeline = []TimelineEntry{{At: time.Now(), Kind: KindNote, Text: "x", Visibility: External,
		Translations: map[string]string{"de.x": "y"}}}
	r.ActionItems = []ActionItem{{Title: "t", State: ActionOpen, Visibility: External,
		Translations: map[string]string{"not a tag": "y", "pt-BR": "ok"}}}
	codes := problemCodes(r.Validate())
	for field, want := range map[string]string{
		"sections[0].body":                       CodeInvalid,
		"timeline[0].translations.de.x":          CodeInvalid,
		"action_items[0].translations.not a tag": CodeInvalid,
	} {
		if codes[field] != want {
			t.Errorf("%s: %q, want %q (all: %v)", field, codes[field], want, codes)
		}
	}
	if _, bad := codes["action_items[0].translations.pt-BR"]; bad {
		t.Error("pt-BR rejected")
	}
}

func TestLockedRCARefusesSectionEdits(t *testing.T) {
	tpl, _ := BuiltinTemplate(TemplatePartner)
	for _, st := range RCAStates {
		r := NewRCA("x", tpl, "en", nil, "u1", time.Now())
		r.State = st
		err := r.ApplySectionEdit("summary", SectionEdit{Body: "new"}, "u1", time.Now())
		editable := st == StateDraft || st == StateInReview
		if editable != r.Editable() || editable != (err == nil) {
			t.Errorf("%s: editable %v, err %v", st, r.Editable(), err)
		}
		if !editable && (!errors.Is(err, ErrLocked) || r.Section("summary").Body != "") {
			t.Errorf("%s: err %v, body %q", st, err, r.Section("summary").Body)
		}
	}
}
