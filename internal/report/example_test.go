package report_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/report"
)

// Example shows what an export command does once it has loaded an RCA, its
// linked incidents, the components and the authors' names from the store.
func Example() {
	cat, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplatePartner)
	start := time.Date(2026, 3, 9, 8, 12, 0, 0, time.UTC)
	r := domain.NewRCA("Templates API Partial Service Disruption", tpl, "en", nil, "", start)
	r.State = domain.StateApproved
	r.Section("summary").Body = "Requests to the Templates API failed for 53 minutes."
	r.Timeline = []domain.TimelineEntry{
		{At: start, Kind: domain.KindImpactStart, Text: "Errors start."},
		{At: start.Add(53 * time.Minute), Kind: domain.KindMitigated, Text: "Errors stop."},
	}
	r.Normalize()

	rep, err := report.Build(r, nil, nil, nil, cat, report.Options{
		Lang: "de", TimeZone: "Europe/Berlin", Audience: report.External, Now: start.Add(48 * time.Hour),
	})
	if err != nil {
		panic(err) // a *domain.ValidationError for a bad language, zone or audience
	}
	var out bytes.Buffer
	contentType, err := report.Render(&out, rep, "pdf")
	if err != nil {
		panic(err)
	}
	fmt.Println(contentType)
	fmt.Println(report.FileName(rep, "pdf"))
	fmt.Println(rep.Timeline.Heading)
	// Output:
	// application/pdf
	// 2026-03-09-templates-api-partial-service-disruption-de.pdf
	// Zeitablauf (MEZ, UTC+1)
}
