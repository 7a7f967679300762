package web

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// insightsUIEnv is the page harness in Europe/Berlin with the
// hand-computed insights fixture (on the real clock: sessions need it, so
// the overdue count differs from the fixture's 2024-11-15).
func insightsUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	e := newUIEnv(t)
	e.srv.cfg.DefaultTimeZone = "Europe/Berlin"
	storetest.InsightFixture(t, e.st)
	return e
}

var leftoverInsightKey = regexp.MustCompile(`\binsights\.[a-z_]+\.?[a-z_]*\b`)

func TestInsightsPage(t *testing.T) {
	e := insightsUIEnv(t)
	c := e.as(domain.RoleAuthor)
	r := c.get("/insights?from=2024-08-01&to=2024-11-30", http.StatusOK)
	body := html.UnescapeString(r.body)
	mustContain(t, body,
		`href="/insights" aria-current="page"`, // in the navigation, marked current
		`<svg class="chart" viewBox="0 0 640 240" role="img" aria-labelledby="chart-incidents-t chart-incidents-d"`,
		`<title id="chart-incidents-t">Incidents per month</title>`,
		`<desc id="chart-incidents-d">Bar chart of incident occurrences per month, August 2024 to November 2024: 5 in all, at most 3 in one month.</desc>`,
		`<title>September 2024: 3</title>`, // the bar's own tooltip
		`<th scope="row">September 2024</th><td class="num">3</td>`,
		`<th scope="row">October 2024</th><td class="num">0</td>`, // empty months are listed
		`<th scope="row">September 2024</th><td class="num">70.0 min</td>`,
		`<th scope="row">October 2024</th><td class="num">–</td>`, // no resolved occurrence: no figure
		`<th scope="row">Capacity</th><td class="num">1</td>`,
		`<th scope="row">Done on time</th><td class="num">2</td>`,
		`href="/insights.csv?chart=incidents&from=2024-08-01&to=2024-11-30"`,
		`>Sep</text>`, `>2024</text>`, // axis: short month names, the year under the first
		`value="2024-08-01"`, `value="2024-11-30"`,
		"Months are calendar months in Europe/Berlin.",
	)
	if m := leftoverInsightKey.FindString(strings.ReplaceAll(body, "/insights", "")); m != "" {
		t.Errorf("untranslated key %q", m)
	}
	// The MTTR line breaks at months without a figure: here one point in
	// September and one in November, so no polyline joins them.
	if strings.Contains(body, `<polyline`) {
		t.Errorf("MTTR line drawn across empty months")
	}
	if n := strings.Count(body, `<circle class="dot"`); n != 2 {
		t.Errorf("MTTR points: %d, want 2", n)
	}

	// A service filter narrows every chart.
	r = c.get("/insights?from=2024-08-01&to=2024-11-30&service=db", http.StatusOK)
	mustContain(t, html.UnescapeString(r.body), `value="db"`, `<th scope="row">September 2024</th><td class="num">1</td>`,
		`<th scope="row">September 2024</th><td class="num">120.0 min</td>`, "&service=db")
}

// Month names, numbers and every text follow the reader's language.
func TestInsightsPageLanguages(t *testing.T) {
	e := insightsUIEnv(t)
	for _, tc := range []struct{ lang, title, row, mttr, axis string }{
		{"de", "Vorfälle pro Monat", "September 2024", "70,0 Min.", ">Sept.</text>"},
		{"fr", "Incidents par mois", "septembre 2024", "70,0 min", ">sept.</text>"},
		{"es", "Incidentes por mes", "septiembre de 2024", "70,0 min", ">sept.</text>"},
		{"pt-BR", "Incidentes por mês", "setembro de 2024", "70,0 min", ">set.</text>"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c := e.as(domain.RoleAuthor)
			c.lang = tc.lang
			r := c.get("/insights?from=2024-08-01&to=2024-11-30&lang="+tc.lang, http.StatusOK)
			body := html.UnescapeString(r.body)
			mustContain(t, body, tc.title, `<th scope="row">`+tc.row+`</th><td class="num">`+tc.mttr+`</td>`, tc.axis)
			mustNotContain(t, body, "Incidents per month", "Done on time")
			if m := leftoverInsightKey.FindString(strings.ReplaceAll(body, "/insights", "")); m != "" {
				t.Errorf("untranslated key %q", m)
			}
		})
	}
}

func TestInsightsPageBadInput(t *testing.T) {
	e := insightsUIEnv(t)
	c := e.as(domain.RoleAuthor)
	r := c.get("/insights?from=2024-11-02&to=2024-11-01", http.StatusBadRequest)
	mustContain(t, html.UnescapeString(r.body), `role="alert"`, "The parameter “from” must not be after “to”.", `aria-invalid="true"`)
	mustNotContain(t, r.body, "<svg class=\"chart\"")
	c.get("/insights?to=nope", http.StatusBadRequest)
	// Viewers are not offered the page.
	v := e.as(domain.RoleViewer)
	if r := v.get("/", http.StatusOK); strings.Contains(r.body, `href="/insights"`) {
		t.Error("viewer sees the insights link")
	}
	v.get("/insights", http.StatusForbidden)
}

func TestGridTop(t *testing.T) {
	for in, want := range map[float64]float64{0: 4, 3: 4, 5: 8, 10: 12, 13: 16, 21: 24, 70: 80, 120: 120, 244: 320} {
		if got := gridTop(in); got != want {
			t.Errorf("gridTop(%v) = %v, want %v", in, got, want)
		}
	}
}
