package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/domain/domaintest"
)

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// problemsOf returns field → code of a validation error.
func problemsOf(t *testing.T, err error) map[string]domain.Problem {
	t.Helper()
	out := map[string]domain.Problem{}
	if err == nil {
		return out
	}
	ve, ok := err.(*domain.ValidationError)
	if !ok {
		t.Fatalf("got %T %v, want a *domain.ValidationError", err, err)
	}
	for _, p := range ve.Problems {
		out[p.Field] = p
	}
	return out
}

func TestRCAAtEveryLimitIsValid(t *testing.T) {
	r := domaintest.RCAAtLimits(now, 0)
	if err := r.Validate(); err != nil {
		t.Fatalf("an RCA at the limits is refused: %.300v", err)
	}
	if got := r.TextBytes(); got != domain.MaxRCATextBytes {
		t.Fatalf("text bytes %d, want exactly %d", got, domain.MaxRCATextBytes)
	}
	if n := len([]rune(r.Title)); n != domain.MaxTitleRunes || len(r.Title) <= domain.MaxTitleRunes {
		t.Fatalf("title has %d runes in %d bytes; want %d runes, more bytes", n, len(r.Title), domain.MaxTitleRunes)
	}
}

func TestRCAOverEachLimitNamesTheField(t *testing.T) {
	cases := []struct {
		name, field, code string
		limit             int
		edit              func(r *domain.RCA)
	}{
		{"title", "title", domain.CodeTooLong, domain.MaxTitleRunes, func(r *domain.RCA) { r.Title += "ü" }},
		{"sections", "sections", domain.CodeTooMany, domain.MaxSections, func(r *domain.RCA) {
			r.Sections = append(r.Sections, domain.Section{Key: "extra", Visibility: domain.External, Revision: 1})
		}},
		{"timeline", "timeline", domain.CodeTooMany, domain.MaxTimelineEntries, func(r *domain.RCA) {
			r.Timeline = append(r.Timeline, domain.TimelineEntry{ID: "x", At: now, Kind: domain.KindNote, Text: "x", Visibility: domain.External})
		}},
		{"action items", "action_items", domain.CodeTooMany, domain.MaxActionItems, func(r *domain.RCA) {
			r.ActionItems = append(r.ActionItems, domain.ActionItem{ID: "x", Title: "x", State: domain.ActionOpen, Visibility: domain.External})
		}},
		{"translations", "translations", domain.CodeTooMany, domain.MaxTranslations, func(r *domain.RCA) {
			r.Translations["ga"] = domain.RCATranslation{Title: "x"}
		}},
		{"section translations", "sections[0].translations", domain.CodeTooMany, domain.MaxTranslations, func(r *domain.RCA) {
			r.Sections[0].Translations["ga"] = domain.SectionTranslation{Body: "x"}
		}},
		{"text", "rca", domain.CodeTooLarge, domain.MaxRCATextBytes, func(r *domain.RCA) { r.Sections[3].Body += "y" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := domaintest.RCAAtLimits(now, 16) // 16 bytes of slack: only "text" goes over it
			if tc.name == "text" {
				r = domaintest.RCAAtLimits(now, 0)
			}
			tc.edit(&r)
			ps := problemsOf(t, r.Validate())
			p, ok := ps[tc.field]
			if !ok || p.Code != tc.code || p.Limit != tc.limit {
				t.Fatalf("problems %+v, want %s %s limit %d", ps, tc.field, tc.code, tc.limit)
			}
		})
	}
}

func TestNULAndBidiRefused(t *testing.T) {
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	cases := []struct {
		name, field, code string
		edit              func(r *domain.RCA)
	}{
		{"nul in title", "title", domain.CodeNUL, func(r *domain.RCA) { r.Title = "a\x00b" }},
		{"nul in body", "sections[0].body", domain.CodeNUL, func(r *domain.RCA) { r.Sections[0].Body = "a\x00b" }},
		{"nul in tag", "tags[0]", domain.CodeNUL, func(r *domain.RCA) { r.Tags = []string{"db\x00"} }},
		{"nul in section key", "sections[0].key", domain.CodeNUL, func(r *domain.RCA) { r.Sections[0].Key = "sum\x00mary" }},
		{"nul in timeline text", "timeline[0].text", domain.CodeNUL, func(r *domain.RCA) {
			r.Timeline = []domain.TimelineEntry{{ID: "t", At: now, Kind: domain.KindNote, Text: "\x00", Visibility: domain.External}}
		}},
		{"rlo in title", "title", domain.CodeBidi, func(r *domain.RCA) { r.Title = "Outage \u202Egnp.exe" }},
		{"isolate in title", "title", domain.CodeBidi, func(r *domain.RCA) { r.Title = "Outage \u2066x\u2069" }},
		{"rlo in section title", "sections[1].title", domain.CodeBidi, func(r *domain.RCA) { r.Sections[1].Title = "\u202Dx" }},
		{"rlo in action item", "action_items[0].title", domain.CodeBidi, func(r *domain.RCA) {
			r.ActionItems = []domain.ActionItem{{ID: "a", Title: "\u202Ax", State: domain.ActionOpen, Visibility: domain.External}}
		}},
		{"rlo in translated title", "translations.de.title", domain.CodeBidi, func(r *domain.RCA) {
			r.Translations = map[string]domain.RCATranslation{"de": {Title: "\u2067x"}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := domain.NewRCA("Outage", tpl, "en", nil, "u", now)
			tc.edit(&r)
			ps := problemsOf(t, r.Validate())
			if ps[tc.field].Code != tc.code {
				t.Fatalf("problems %+v, want %s %s", ps, tc.field, tc.code)
			}
		})
	}
	// Bidi characters stay allowed in body text (Arabic and Hebrew quotes use them).
	r := domain.NewRCA("Outage", tpl, "en", nil, "u", now)
	r.Sections[0].Body = "quoted \u2067שלום\u2069 text"
	if err := r.Validate(); err != nil {
		t.Fatalf("a body with an isolate was refused: %v", err)
	}
	in := domain.Incident{Title: "API \u202Edown", Impact: domain.ImpactMajor, Status: domain.StatusResolved, StartedAt: now}
	in.Normalize()
	if ps := problemsOf(t, in.Validate()); ps["title"].Code != domain.CodeBidi {
		t.Fatalf("incident title: %+v", ps)
	}
	tp, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	tp.Key, tp.BuiltIn = "custom", false
	tp.Sections = append([]domain.SectionDef(nil), tp.Sections...)
	tp.Sections[0].Title = "Sum\u202Emary"
	if ps := problemsOf(t, tp.Validate()); ps["sections[0].title"].Code != domain.CodeBidi {
		t.Fatalf("template section title: %+v", ps)
	}
	c := domain.Component{Name: "API\x00"}
	if ps := problemsOf(t, c.Validate()); ps["name"].Code != domain.CodeNUL {
		t.Fatalf("component name: %+v", ps)
	}
	c = domain.Component{Name: "API \u202E"}
	if ps := problemsOf(t, c.Validate()); ps["name"].Code != domain.CodeBidi {
		t.Fatalf("component name: %+v", ps)
	}
}

func TestLoadZoneTakesIANANamesOnly(t *testing.T) {
	for _, name := range []string{"UTC", "Europe/Berlin", "America/Sao_Paulo", " Asia/Tokyo "} {
		if _, err := domain.LoadZone(name); err != nil {
			t.Errorf("LoadZone(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "Local", "local", "LOCAL", "Mars/Olympus", "../etc/passwd", "Europe/Berlin\x00"} {
		if _, err := domain.LoadZone(name); err == nil {
			t.Errorf("LoadZone(%q) accepted", name)
		}
	}
	u := domain.User{Email: "a@example.com", Role: domain.RoleViewer, TimeZone: "Local"}
	if ps := problemsOf(t, u.Validate()); ps["time_zone"].Code != domain.CodeInvalid {
		t.Fatalf("user with zone Local: %+v", ps)
	}
}

func TestRecordValidation(t *testing.T) {
	cases := []struct {
		name, field string
		err         error
	}{
		{"comment without body", "body", (&domain.Comment{RCAID: "r"}).Validate()},
		{"comment with NUL", "body", (&domain.Comment{RCAID: "r", Body: "a\x00"}).Validate()},
		{"comment body too long", "body", (&domain.Comment{RCAID: "r", Body: strings.Repeat("x", domain.MaxBodyLen+1)}).Validate()},
		{"audit without action", "action", (&domain.AuditEvent{}).Validate()},
		{"target without name", "name", (&domain.Target{Kind: domain.TargetWebhook}).Validate()},
		{"target of unknown kind", "kind", (&domain.Target{Name: "x", Kind: "pigeon"}).Validate()},
		{"delivery without target", "target_id", (&domain.Delivery{RCAID: "r", State: domain.DeliveryPending}).Validate()},
		{"delivery in unknown state", "state", (&domain.Delivery{TargetID: "t", RCAID: "r", State: "lost"}).Validate()},
		{"token without hash", "hash", (&domain.APIToken{UserID: "u", Scope: domain.ScopeRead}).Validate()},
		{"token of unknown scope", "scope", (&domain.APIToken{UserID: "u", Hash: "h", Scope: "root"}).Validate()},
		{"session without user", "user_id", (&domain.Session{ID: "s"}).Validate()},
		{"setting without key", "key", domain.ValidateSettingKey(" ")},
	}
	for _, tc := range cases {
		if _, ok := problemsOf(t, tc.err)[tc.field]; !ok {
			t.Errorf("%s: %v does not name %s", tc.name, tc.err, tc.field)
		}
	}
	ok := []error{
		(&domain.Comment{RCAID: "r", Body: "fine"}).Validate(),
		(&domain.AuditEvent{Action: "rca.state"}).Validate(),
		(&domain.Target{Name: "x", Kind: domain.TargetStatuspage}).Validate(),
		(&domain.Delivery{TargetID: "t", RCAID: "r", State: domain.DeliveryFailed}).Validate(),
		(&domain.APIToken{UserID: "u", Hash: "h", Scope: domain.ScopeAdmin}).Validate(),
		(&domain.Session{ID: "s", UserID: "u"}).Validate(),
		domain.ValidateSettingKey("statuspage.name"),
	}
	for i, err := range ok {
		if err != nil {
			t.Errorf("valid record %d refused: %v", i, err)
		}
	}
}
