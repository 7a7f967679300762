package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// seedShapedRCA is the second demo seed's shape: one published partner RCA
// for two incidents 18 days apart, the second with a recurrence inside it,
// its timeline written by people in UTC+1.
func seedShapedRCA(t *testing.T, e *uiEnv) (domain.RCA, domain.Incident, domain.Incident) {
	t.Helper()
	ctx := context.Background()
	plus1 := time.FixedZone("UTC+1", 3600)
	at := func(day, h, m int) time.Time { return time.Date(2024, 9, day, h, m, 0, 0, plus1) }
	mk := func(title string, start, end time.Time) domain.Incident {
		in := domain.Incident{Title: title, Impact: domain.ImpactMinor, Status: domain.StatusResolved, StartedAt: start, ResolvedAt: &end,
			Updates: []domain.IncidentUpdate{{Status: domain.UpdateResolved, Body: "Resolved.", At: end}}}
		in.Normalize()
		if err := e.st.CreateIncident(ctx, &in); err != nil {
			t.Fatal(err)
		}
		return in
	}
	// The incidents as declared on the status page: wider than the impact.
	in1 := mk("Templates API errors", at(12, 9, 10), at(12, 10, 40))
	in2 := mk("Templates API errors again", at(30, 18, 0), at(30, 19, 15))
	tpl, _ := domain.BuiltinTemplate(domain.TemplatePartner)
	author := e.users[domain.RoleAuthor]
	r := domain.NewRCA("Templates API partial service disruption", tpl, "en", []string{in1.ID, in2.ID}, author.ID, time.Now())
	for i := range r.Sections {
		r.Sections[i].Body = "Text of " + r.Sections[i].Key + "."
	}
	ext := func(t time.Time, k domain.TimelineKind, text string) domain.TimelineEntry {
		return domain.TimelineEntry{At: t, Kind: k, Text: text, Visibility: domain.External}
	}
	r.Timeline = []domain.TimelineEntry{
		ext(at(12, 8, 55), domain.KindTrigger, "Release deployed."),
		ext(at(12, 9, 14), domain.KindImpactStart, "First errors."),
		ext(at(12, 9, 19), domain.KindDetected, "Alert."),
		ext(at(12, 10, 3), domain.KindMitigated, "Rolled back."),
		ext(at(12, 10, 40), domain.KindResolved, "Closed."),
		ext(at(30, 18, 2), domain.KindImpactStart, "Errors again."),
		ext(at(30, 18, 6), domain.KindDetected, "Alert again."),
		ext(at(30, 18, 20), domain.KindMitigated, "New servers replaced."),
		ext(at(30, 18, 30), domain.KindRecurred, "Errors come back once more."),
		ext(at(30, 18, 35), domain.KindMitigated, "Recipe fixed."),
		ext(at(30, 19, 15), domain.KindResolved, "Closed."),
		{Precision: domain.PrecisionNone, Kind: domain.KindNote, Text: "Partners were told by e-mail.", Visibility: domain.External},
	}
	if err := e.st.CreateRCA(ctx, &r, author.ID); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	r.State, r.PublishedAt = domain.StatePublished, &now
	if err := e.st.UpdateRCA(ctx, &r, author.ID, "published for the test"); err != nil {
		t.Fatal(err)
	}
	return r, in1, in2
}

// TestMetricsAgreeEverywhere: the PDF, HTML and Markdown exports, the RCA
// page, the public incident pages and the JSON API show the same
// occurrences, durations and labels for the seed-shaped recurring RCA.
func TestMetricsAgreeEverywhere(t *testing.T) {
	e := newUIEnv(t)
	r, in1, in2 := seedShapedRCA(t, e)
	c := e.as(domain.RoleAuthor)
	// In UTC (the default display zone everywhere in this env).
	wantUTC := []string{
		"Date: September 12–30, 2024",
		"2 occurrences",
		"Sep 12, 2024, 8:14 am–9:03 am UTC (~49 minutes)",
		"Sep 30, 2024, 5:02 pm–5:35 pm UTC (~23 minutes; 2 impact periods)",
		"Total duration across 2 occurrences: ~1 h 10 min",
	}
	norm := func(s string) string {
		s = html.UnescapeString(s)
		for _, tag := range []string{"<dt>", "</dt>", "<dd>", "</dd>", "<li>", "</li>", "**", "<strong>", "</strong>", "|", "<td>", "</td>"} {
			s = strings.ReplaceAll(s, tag, " ")
		}
		s = strings.ReplaceAll(s, "\u202f", " ") // narrow no-break spaces some locales use
		return strings.Join(strings.Fields(s), " ")
	}
	check := func(where, body string, wants ...string) {
		t.Helper()
		flat := norm(body)
		for _, w := range wants {
			if !strings.Contains(flat, norm(w)) && !strings.Contains(flat, norm(strings.Replace(w, ": ", " ", 1))) {
				t.Errorf("%s lacks %q", where, w)
			}
		}
		if strings.Contains(flat, "Occurrences: 4") || strings.Contains(flat, "4 occurrences") {
			t.Errorf("%s counts recurrences as occurrences", where)
		}
	}
	base := "/api/v1/rcas/" + r.ID + "/export?audience=external&format="
	check("Markdown export", c.get(base+"md", http.StatusOK).body, wantUTC...)
	check("HTML export", c.get(base+"html", http.StatusOK).body, wantUTC...)
	if exe, skip := pdftotext(t); skip == "" {
		pdf := c.get(base+"pdf", http.StatusOK).body
		text := pdfText(t, exe, []byte(pdf))
		check("PDF export", text, "September 12–30, 2024", "2 occurrences",
			"Sep 12, 2024, 8:14 am–9:03 am UTC (~49 minutes)", "~23 minutes; 2 impact periods", "~1 h 10 min")
	} else {
		t.Log(skip)
	}
	page := c.get("/rcas/"+r.ID, http.StatusOK).body
	check("RCA page", page, "2 occurrences", "Sep 12, 2024, 8:14 am–9:03 am UTC (~49 minutes)",
		"Sep 30, 2024, 5:02 pm–5:35 pm UTC (~23 minutes; 2 impact periods)", "Total duration across 2 occurrences: ~1 h 10 min",
		"Time to detect (median over 2 occurrences): 5 minutes")
	// The public incident pages: each incident lasted as long as its
	// occurrence (not the declared start-to-resolution), and the embedded
	// report says the same.
	pub1 := c.get("/status/incidents/"+in1.ID, http.StatusOK).body
	check("incident page 1", pub1, "lasted about 49 minutes", "Sep 12, 2024, 8:14 am–9:03 am UTC (~49 minutes)")
	pub2 := c.get("/status/incidents/"+in2.ID, http.StatusOK).body
	check("incident page 2", pub2, "lasted about 23 minutes", "Total duration across 2 occurrences: ~1 h 10 min")

	var got struct {
		Metrics struct {
			Count       int    `json:"occurrence_count"`
			Aggregate   string `json:"aggregate"`
			Total       int64  `json:"total_duration_seconds"`
			TTD         int64  `json:"time_to_detect_seconds"`
			Occurrences []struct {
				IncidentID string `json:"incident_id"`
				Duration   int64  `json:"duration_seconds"`
				Cycles     []any  `json:"cycles"`
			} `json:"occurrences"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(c.get("/api/v1/rcas/"+r.ID, http.StatusOK).body), &got); err != nil {
		t.Fatal(err)
	}
	m := got.Metrics
	if m.Count != 2 || m.Aggregate != "median" || m.Total != (49+23)*60 || m.TTD != 270 || len(m.Occurrences) != 2 ||
		m.Occurrences[0].IncidentID != in1.ID || m.Occurrences[0].Duration != 49*60 ||
		m.Occurrences[1].Duration != 23*60 || len(m.Occurrences[1].Cycles) != 2 {
		t.Errorf("API metrics = %+v", m)
	}

	// The same RCA shown in UTC+1, the zone its timeline was written in.
	md := c.get(base+"md&tz="+url.QueryEscape("UTC+1"), http.StatusOK).body
	check("Markdown export in UTC+1", md, "Sep 12, 2024, 9:14 am–10:03 am UTC+1 (~49 minutes)", "Timeline (UTC+1)")
}
