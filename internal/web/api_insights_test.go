package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// insightsEnv is a server in Europe/Berlin on 2024-11-15 holding the
// hand-computed insights fixture (storetest.InsightFixture).
func insightsEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(c *Config) { c.DefaultTimeZone = "Europe/Berlin" })
	e.clock.mu.Lock()
	e.clock.now = time.Date(2024, 11, 15, 12, 0, 0, 0, time.UTC)
	e.clock.mu.Unlock()
	storetest.InsightFixture(t, e.st)
	return e
}

func TestAPIInsightsFigures(t *testing.T) {
	e := insightsEnv(t)
	var got app.Insights
	e.must(domain.RoleAuthor, "GET", "/api/v1/insights?from=2024-08-01&to=2024-11-30", nil, http.StatusOK, &got)
	want := app.Insights{From: "2024-08-01", To: "2024-11-30", TimeZone: "Europe/Berlin",
		// Three occurrences of the recurring incident (two in September,
		// one on 1 November in Berlin, 31 October in UTC), RCA B's
		// timeline in September, RCA D's unresolved one in November;
		// August and October are empty and still listed.
		IncidentsByMonth: []app.MonthCount{mc("2024-08", 0), mc("2024-09", 3), mc("2024-10", 0), mc("2024-11", 2)},
		// (30 + 60 + 120) / 3 = 70 in September; November: only the resolved one, 60.
		MTTRByMonth: []app.MonthMTTR{mm("2024-08", 0, 0), mm("2024-09", 70, 3), mm("2024-10", 0, 0), mm("2024-11", 60, 1)},
		Factors:     []app.FactorCount{fc("capacity", 1), fc("config_change", 1), fc("deploy", 1), fc("monitoring_gap", 1), fc("third_party", 1)},
		ActionItems: app.ActionCounts{Open: 4, Overdue: 2, Done: 3, DoneOnTime: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("insights:\n got %+v\nwant %+v", got, want)
	}

	var api app.Insights
	e.must(domain.RoleAuthor, "GET", "/api/v1/insights?from=2024-08-01&to=2024-11-30&service=api", nil, http.StatusOK, &api)
	wantAPI := app.Insights{From: "2024-08-01", To: "2024-11-30", Service: "api", TimeZone: "Europe/Berlin",
		IncidentsByMonth: []app.MonthCount{mc("2024-08", 0), mc("2024-09", 2), mc("2024-10", 0), mc("2024-11", 2)},
		MTTRByMonth:      []app.MonthMTTR{mm("2024-08", 0, 0), mm("2024-09", 45, 2), mm("2024-10", 0, 0), mm("2024-11", 60, 1)},
		Factors:          []app.FactorCount{fc("config_change", 1), fc("deploy", 1), fc("third_party", 1)},
		ActionItems:      app.ActionCounts{Open: 2, Overdue: 1, Done: 2, DoneOnTime: 1},
	}
	if !reflect.DeepEqual(api, wantAPI) {
		t.Fatalf("insights of service api:\n got %+v\nwant %+v", api, wantAPI)
	}

	// The wire names are the issue's.
	w := e.as(domain.RoleAuthor, "GET", "/api/v1/insights?from=2024-09-01&to=2024-09-30", nil)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"incidents_by_month", "mttr_minutes_by_month", "factors", "action_items"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("answer lacks %q: %s", k, w.Body.String())
		}
	}
	if !strings.Contains(string(raw["incidents_by_month"]), `{"month":"2024-09","count":3}`) ||
		!strings.Contains(string(raw["action_items"]), `"done_on_time":`) {
		t.Errorf("wire shape: %s", w.Body.String())
	}
}

// Without from and to the period is this month and the eleven before it.
func TestAPIInsightsDefaultPeriod(t *testing.T) {
	e := insightsEnv(t)
	var got app.Insights
	e.must(domain.RoleReviewer, "GET", "/api/v1/insights", nil, http.StatusOK, &got)
	if got.From != "2023-12-01" || got.To != "2024-11-15" || len(got.IncidentsByMonth) != 12 ||
		got.IncidentsByMonth[0].Month != "2023-12" || got.IncidentsByMonth[11].Month != "2024-11" {
		t.Fatalf("default period: %s..%s, %d months %+v", got.From, got.To, len(got.IncidentsByMonth), got.IncidentsByMonth)
	}
	// July's RCA C is inside this period: its occurrence and factor count.
	if got.IncidentsByMonth[7] != (app.MonthCount{Month: "2024-07", Count: 1}) {
		t.Errorf("July: %+v", got.IncidentsByMonth[7])
	}
}

func TestAPIInsightsBadInput(t *testing.T) {
	e := insightsEnv(t)
	cases := []struct {
		name, query, field string
	}{
		{"from not a date", "from=2024-13-01&to=2024-11-30", "from"},
		{"from an instant", "from=2024-08-01T00:00:00Z", "from"},
		{"to not a date", "from=2024-08-01&to=soon", "to"},
		{"to not a day", "to=2024-02-30", "to"},
		{"from after to", "from=2024-11-02&to=2024-11-01", "from"},
		{"more than 60 months", "from=2019-01-01&to=2024-01-31", "to"},
		{"service too long", "service=" + strings.Repeat("s", 201), "service"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.as(domain.RoleAuthor, "GET", "/api/v1/insights?"+tc.query, nil)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", w.Code, w.Body.String())
			}
			ae := decodeErr(t, w)
			if ae.Error.Field != tc.field || !strings.Contains(ae.Error.Message, `“`+tc.field+`”`) {
				t.Fatalf("error %+v, want one naming %q", ae.Error, tc.field)
			}
		})
	}
	// Exactly 60 months is fine.
	e.must(domain.RoleAuthor, "GET", "/api/v1/insights?from=2019-01-01&to=2023-12-31", nil, http.StatusOK, nil)
	// The message is in the caller's language.
	w := e.serve(req{method: "GET", path: "/api/v1/insights?from=gestern", token: e.tokens[domain.RoleAuthor],
		header: map[string]string{"Accept-Language": "de"}})
	if ae := decodeErr(t, w); !strings.Contains(ae.Error.Message, "muss ein Datum sein") {
		t.Fatalf("German error: %+v", ae.Error)
	}
}

// Insights sum internal data: viewers may not read them, authors may, a
// read-scope token too (it reads).
func TestAPIInsightsPolicy(t *testing.T) {
	e := insightsEnv(t)
	e.must(domain.RoleViewer, "GET", "/api/v1/insights", nil, http.StatusForbidden, nil)
	w := e.serve(req{method: "GET", path: "/api/v1/insights"})
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", w.Code)
	}
	read := e.addToken(e.users[domain.RoleAuthor], domain.ScopeRead, nil)
	if w := e.serve(req{method: "GET", path: "/api/v1/insights", token: read}); w.Code != http.StatusOK {
		t.Fatalf("read token: %d %s", w.Code, w.Body.String())
	}
}

func TestInsightsCSV(t *testing.T) {
	e := insightsEnv(t)
	q := url.Values{"from": {"2024-08-01"}, "to": {"2024-11-30"}}
	get := func(chart string, extra ...string) string {
		t.Helper()
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("chart", chart)
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		w := e.as(domain.RoleAuthor, "GET", "/insights.csv?"+v.Encode(), nil)
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %d %s %s", chart, w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
		if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "insights-"+chart+"-2024-08-01-2024-11-30.csv") {
			t.Errorf("%s: Content-Disposition %q", chart, cd)
		}
		return w.Body.String()
	}
	for chart, want := range map[string]string{
		"incidents": "month,occurrences\n2024-08,0\n2024-09,3\n2024-10,0\n2024-11,2\n",
		"mttr":      "month,mttr_minutes,resolved_occurrences\n2024-08,,0\n2024-09,70.0,3\n2024-10,,0\n2024-11,60.0,1\n",
		"factors":   "factor,rcas\ncapacity,1\nconfig_change,1\ndeploy,1\nmonitoring_gap,1\nthird_party,1\n",
		"actions":   "state,items\nopen,4\noverdue,2\ndone,3\ndone_on_time,2\n",
	} {
		if got := get(chart); got != want {
			t.Errorf("%s CSV:\n%s\nwant\n%s", chart, got, want)
		}
	}
	if got := get("incidents", "service", "db"); got != "month,occurrences\n2024-08,0\n2024-09,1\n2024-10,0\n2024-11,0\n" {
		t.Errorf("incidents of db: %s", got)
	}
	if w := e.as(domain.RoleAuthor, "GET", "/insights.csv?chart=pie", nil); w.Code != http.StatusBadRequest {
		t.Errorf("unknown chart: %d", w.Code)
	}
	if w := e.as(domain.RoleViewer, "GET", "/insights.csv?chart=incidents", nil); w.Code != http.StatusForbidden {
		t.Errorf("viewer CSV: %d", w.Code)
	}
	if got := csvSafe("=HYPERLINK(1)"); got != "'=HYPERLINK(1)" {
		t.Errorf("csvSafe: %q", got)
	}
}

func mc(m string, n int) app.MonthCount { return app.MonthCount{Month: m, Count: n} }

func mm(m string, minutes float64, resolved int) app.MonthMTTR {
	return app.MonthMTTR{Month: m, Minutes: minutes, Resolved: resolved}
}

func fc(k string, n int) app.FactorCount { return app.FactorCount{Key: k, Count: n} }
