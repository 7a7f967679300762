package mongo

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func codecRCA(t testing.TB) domain.RCA {
	t.Helper()
	tpl, _ := domain.BuiltinTemplate(domain.TemplatePartner)
	start := time.Date(2026, 3, 2, 14, 2, 0, 0, time.UTC)
	r := domain.NewRCA("SMS notifications delayed", tpl, "en", []string{"inc-1", "inc-2"}, "u-ana", start)
	day := domain.DateOf(start)
	r.IncidentDate = &day
	r.FactOverrides = map[string]domain.FactOverride{"duration": {Text: "~40 minutes", Translations: map[string]string{"de": "ca. 40 Minuten"}}}
	r.AffectedServices = []string{"Notifications"}
	r.Tags = []string{"third-party"}
	r.Severity = domain.Sev3
	r.Translations = map[string]domain.RCATranslation{"de": {Title: "SMS-Benachrichtigungen verzögert"}}
	for i := range r.Sections {
		r.Sections[i].Body = "Our SMS provider applied a new rate limit; about 30% of messages were delayed."
		r.Sections[i].Translations = map[string]domain.SectionTranslation{"de": {Body: "Unser SMS-Anbieter hat ein neues Limit eingeführt.", SourceRevision: 2}}
		r.Sections[i].SourceRevision = 3 // collab
	}
	for i := range 12 {
		r.Timeline = append(r.Timeline, domain.TimelineEntry{ID: fmt.Sprint("t", i), At: start.Add(time.Duration(i) * 3 * time.Minute), Kind: domain.KindNote, Text: fmt.Sprintf("Step %d.", i), Visibility: domain.External, Translations: map[string]string{"de": "Schritt."}})
	}
	r.Timeline[0].Precision, r.Timeline[0].Day = domain.PrecisionDay, &day
	due := day.AddDays(14)
	r.ActionItems = []domain.ActionItem{{ID: "a1", Title: "Add a second SMS provider", Owner: "team-messaging", Due: &due, State: domain.ActionOpen, Visibility: domain.External}}
	r.History = []domain.StateChange{{From: domain.StateDraft, To: domain.StateInReview, By: "u-ana", At: start.Add(time.Hour)}}
	r.Version, r.CreatedAt, r.UpdatedAt = 4, start, start.Add(2*time.Hour)
	r.DurationOverride = "~40 minutes"
	published := start.Add(3 * time.Hour)
	r.PublishedAt = &published
	r.Sections[0].UpdatedBy, r.Sections[0].UpdatedAt = "u-bo", &published
	r.Sections[0].Title = "Summary (edited)"
	r.ActionItems[0].TrackerURL = "https://tracker.example.com/MSG-7"
	r.ActionItems[0].Translations = map[string]string{"de": "Zweiten SMS-Anbieter anbinden"}
	r.ActionItems[0].OwnerID = "u-messaging" // actions (issue 14)
	doneAt := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	r.ActionItems[0].DoneAt = &doneAt
	r.History[0].Comment = "ready for review"
	r.History[0].OverrideReason, r.History[0].Version = "vendor report pending", 7 // flow
	r.ContributingFactors = []string{"third_party"}                                // area insights (and tmpl)
	return r
}

// TestRCACodecRoundTrip checks that the BSON shape carries every field of
// an RCA, through real BSON bytes.
func TestRCACodecRoundTrip(t *testing.T) {
	want := codecRCA(t)
	d := toRCADoc(&want)
	raw, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back rcaDoc
	if err := bson.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got := back.domain()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the RCA:\ngot  %+v\nwant %+v", got, want)
	}
	// Every field codecRCA's pieces have must be set, or the comparison
	// above proves nothing for it.
	for name, v := range map[string]any{
		"RCA": want, "Section": want.Sections[0], "TimelineEntry": want.Timeline[0],
		"ActionItem": want.ActionItems[0], "StateChange": want.History[0],
	} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Errorf("codecRCA leaves %s.%s unset", name, rv.Type().Field(i).Name)
			}
		}
	}
}

// BenchmarkRCACodec measures this package's own cost per RCA read or write
// (mapping plus BSON), apart from the server.
func BenchmarkRCACodec(b *testing.B) {
	r := codecRCA(b)
	b.ReportAllocs()
	for b.Loop() {
		d := toRCADoc(&r)
		raw, err := bson.Marshal(d)
		if err != nil {
			b.Fatal(err)
		}
		var back rcaDoc
		if err := bson.Unmarshal(raw, &back); err != nil {
			b.Fatal(err)
		}
		_ = back.domain()
	}
}

// FuzzRCACodec feeds arbitrary text through the BSON mapping: whatever an
// author can type comes back byte for byte, or (keys with NUL bytes) is
// refused by domain validation before it reaches the encoder.
func FuzzRCACodec(f *testing.F) {
	f.Add("Überlast im Rechenzentrum", "**bold** and `code`\n\n- item", "de", "Zusammenfassung")
	f.Add("👩🏽‍💻 🚨", "\x00\t\r\n", "pt-BR", "")
	f.Add("", "", "a.b", "$x")
	f.Add("x", "y", "k\x00", "v")
	f.Fuzz(func(t *testing.T, title, body, key, value string) {
		r := codecRCA(t)
		r.Title = title
		r.Sections[1].Body = body
		r.Sections[1].Translations = map[string]domain.SectionTranslation{key: {Title: value, Body: body}}
		r.Timeline[0].Translations = map[string]string{key: value}
		r.Tags = []string{title, value}
		if err := r.Validate(); err != nil {
			if !domain.IsValidation(err) {
				t.Fatalf("Validate: %v", err)
			}
			return
		}
		d := toRCADoc(&r)
		raw, err := bson.Marshal(d)
		if err != nil {
			t.Fatalf("marshal after Validate passed: %v", err)
		}
		var back rcaDoc
		if err := bson.Unmarshal(raw, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		if got := back.domain(); !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip changed the RCA: title %q body %q", got.Title, got.Sections[1].Body)
		}
	})
}

// TestOldDatesStillLoad: documents written before Date existed hold due and
// incident dates as midnight UTC; they load as the same calendar days.
func TestOldDatesStillLoad(t *testing.T) {
	midnight := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	raw, err := bson.Marshal(bson.M{"_id": "r1", "incident_date": midnight,
		"action_items": bson.A{bson.M{"id": "a1", "title": "x", "due": midnight}}})
	if err != nil {
		t.Fatal(err)
	}
	var d rcaDoc
	if err := bson.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	r := d.domain()
	want := domain.NewDate(2026, 4, 1)
	if r.IncidentDate == nil || *r.IncidentDate != want || r.ActionItems[0].Due == nil || *r.ActionItems[0].Due != want {
		t.Fatalf("old dates: %v %v", r.IncidentDate, r.ActionItems[0].Due)
	}
}
