package report

import (
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// Internal markers: none of them may appear in any external export.
const (
	markerSection  = "ZZINTSECTION7731"
	markerEntry    = "ZZINTENTRY4412"
	markerAction   = "ZZINTACTION9025"
	markerLessons  = "ZZINTLESSONS5110"
	markerOwner    = "ZZINTOWNER3307"
	markerEntryTr  = "ZZINTENTRYDE6621"
	markerSecTrans = "ZZINTSECDE2284"
)

var fixedNow = time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)

func at(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, time.UTC) }

func tp(t time.Time) *time.Time { return &t }

// sampleRCA is a partner RCA of an incident that recurred the next day,
// written in English with a German translation of some sections.
func sampleRCA() domain.RCA {
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Templates API Partial Service Disruption", tpl, "en", []string{"inc-1", "inc-2"}, "u-ana", at(11, 9, 0))
	r.ID = "rca-1"
	r.State = domain.StateInReview
	r.Severity = domain.Sev2
	r.AffectedServices = []string{"Templates API (Partners API)"}
	r.Authors = []string{"u-ana", "u-ben", "u-missing"}
	r.Translations = map[string]domain.RCATranslation{"de": {Title: "Templates-API: teilweise Störung"}}
	body := map[string]string{
		"summary": "Between 08:12 and 09:05 UTC on March 9, requests to the **Templates API** failed intermittently with `HTTP 503`. " +
			"The problem came back for 21 minutes the next morning. Both times service recovered fully.",
		"impact": "About 14% of template requests failed during the first window and 6% during the second.\n\n" +
			"| Window | Failed requests | Share |\n|:--|--:|--:|\n| March 9 | 48,210 | 14% |\n| March 10 | 9,870 | 6% |\n\n" +
			"No template data was lost.",
		"timeline": "Times are shown in the reader's zone. See the [status page](https://status.example.com/incidents/1) for the updates we posted.",
		"root_cause": "A configuration component that sets the database connection limit was not updated as part of release 4.18. " +
			"New instances therefore started with the old limit of 20 connections:\n\n" +
			"```yaml\npool:\n  max_connections: 20  # should have been 80\n```\n\n" +
			"When traffic grew, requests waited for a free connection and timed out.\n\n" +
			"> The release checklist covered the service, not its configuration components.",
		"detection":           "The error-rate alert fired 8 minutes after impact began. " + markerSection,
		"resolution":          "1. We rolled the configuration forward to release 4.18.\n2. We restarted the affected instances.\n   - first the canary\n   - then the rest\n3. We watched the error rate for 30 minutes.",
		"preventive_measures": "We are changing how releases treat configuration:\n\n- [x] Add configuration components to the release checklist\n- [ ] Alert on connection pool saturation\n\nDetails in the table below.",
		"lessons_learned":     "We got lucky that traffic was low on March 10. " + markerLessons,
	}
	for i := range r.Sections {
		s := &r.Sections[i]
		s.Body = body[s.Key]
	}
	r.Section("summary").Translations = map[string]domain.SectionTranslation{
		"de": {Body: "Am 9. März schlugen zwischen 08:12 und 09:05 UTC Anfragen an die **Templates-API** zeitweise mit `HTTP 503` fehl. " +
			"Am nächsten Morgen trat das Problem für 21 Minuten erneut auf. Beide Male erholte sich der Dienst vollständig."},
	}
	r.Section("root_cause").Translations = map[string]domain.SectionTranslation{
		"de": {Title: "Ursache des Ausfalls", Body: "Eine Konfigurationskomponente wurde mit Release 4.18 nicht aktualisiert."},
	}
	r.Section("detection").Translations = map[string]domain.SectionTranslation{"de": {Body: "Erkannt nach 8 Minuten. " + markerSecTrans}}
	r.Timeline = []domain.TimelineEntry{
		{At: at(9, 8, 5), Kind: domain.KindTrigger, Text: "Release 4.18 reaches all instances."},
		{At: at(9, 8, 12), Kind: domain.KindImpactStart, Text: "Error rate on the Templates API starts to rise.",
			Translations: map[string]string{"de": "Die Fehlerrate der Templates-API steigt."}},
		{At: at(9, 8, 20), Kind: domain.KindDetected, Text: "The error-rate alert fires | on-call paged."},
		{At: at(9, 8, 31), Kind: domain.KindNote, Text: "On-call checks the database dashboards. " + markerEntry, Visibility: domain.Internal,
			Translations: map[string]string{"de": "Bereitschaft prüft die Datenbank. " + markerEntryTr}},
		{At: at(9, 8, 47), Kind: domain.KindIdentified, Text: "Connection pool exhaustion identified."},
		{At: at(9, 9, 5), Kind: domain.KindMitigated, Text: "Configuration rolled forward; errors stop."},
		{At: at(9, 9, 40), Kind: domain.KindResolved, Text: "Error rate back at baseline for 30 minutes."},
		{At: at(10, 9, 10), Kind: domain.KindRecurred, Text: "Errors return on two instances that missed the restart."},
		{At: at(10, 9, 14), Kind: domain.KindDetected, Text: "Alert fires again."},
		{At: at(10, 9, 31), Kind: domain.KindMitigated, Text: "The two instances are restarted."},
		{At: at(10, 10, 0), Kind: domain.KindResolved, Text: "Resolved."},
	}
	due := domain.NewDate(2026, 4, 1)
	r.ActionItems = []domain.ActionItem{
		{Title: "Add configuration components to the release checklist", Owner: "Platform team", Due: &due, State: domain.ActionDone,
			TrackerURL: "https://tracker.example.com/PLAT-101", Translations: map[string]string{"de": "Konfigurationskomponenten in die Release-Checkliste aufnehmen"}},
		{Title: "Alert on connection pool saturation", Owner: "SRE", Due: &due, State: domain.ActionInProgress},
		{Title: "Review on-call handbook " + markerAction, Owner: markerOwner, State: domain.ActionOpen, Visibility: domain.Internal},
	}
	r.Normalize()
	return r
}

func sampleIncidents() []domain.Incident {
	return []domain.Incident{
		{ID: "inc-1", Title: "Templates API errors", Impact: domain.ImpactMajor, Status: domain.StatusResolved, StartedAt: at(9, 8, 12), ResolvedAt: tp(at(9, 9, 40)),
			Components: []domain.AffectedComponent{{ComponentID: "c-tpl", Status: domain.ComponentPartialOutage}}},
		{ID: "inc-2", Title: "Templates API errors again", Impact: domain.ImpactMinor, Status: domain.StatusResolved, StartedAt: at(10, 9, 10), ResolvedAt: tp(at(10, 10, 0))},
		{ID: "inc-other", Title: "Unrelated", StartedAt: at(1, 1, 1)},
	}
}

func sampleComponents() []domain.Component {
	return []domain.Component{{ID: "c-web", Name: "Website"}, {ID: "c-tpl", Name: "Templates API"}}
}

var sampleAuthors = map[string]string{"u-ana": "Ana Lima", "u-ben": "Ben Okafor"}

func catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func build(t testing.TB, r domain.RCA, opt Options) Report {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = fixedNow
	}
	rep, err := Build(r, sampleIncidents(), sampleComponents(), sampleAuthors, catalog(t), opt)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return rep
}
