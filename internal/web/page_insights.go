package web

// Area "insights" (issue 14): the /insights page and its CSV downloads.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
)

type insightsFilter struct{ From, To, Service string }

type insightsPage struct {
	PageData
	Filter       insightsFilter
	Problem      string // a bad filter, localized
	ProblemField string
	Charts       []insightsChart
	Zone         string
}

// insights shows the charts of a period (and a service).
func (p *pages) insights(c *gin.Context) {
	data := insightsPage{PageData: p.base(c, "insights"), Zone: p.s.orgZone().String()}
	data.Filter = insightsFilter{From: c.Query("from"), To: c.Query("to"), Service: c.Query("service")}
	q, err := p.s.insightsQuery(c)
	var res app.Insights
	if err == nil {
		res, err = p.s.app.Insights(c.Request.Context(), actorOf(c), q)
		err = p.s.insightsError(c, err)
	}
	var he *httpError
	if errors.As(err, &he) && he.Status == http.StatusBadRequest {
		data.Problem, data.ProblemField = he.Message, fmt.Sprint(he.Extra["field"])
		p.render(c, http.StatusBadRequest, "insights", data)
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	data.Filter = insightsFilter{From: q.From.String(), To: q.To.String(), Service: q.Service}
	data.Charts = buildInsightCharts(p.localeOf(c).l, res, func(chart string) string {
		return insightsLink("/insights.csv", q, url.Values{"chart": {chart}})
	})
	p.render(c, http.StatusOK, "insights", data)
}

// insightsCSV answers one chart's figures as CSV: machine values (months
// as YYYY-MM, factor keys, minutes with one decimal), the same numbers as
// the API.
func (p *pages) insightsCSV(c *gin.Context) {
	chart := c.Query("chart")
	if !slices.Contains(insightCharts, chart) {
		p.s.respondError(c, http.StatusBadRequest, codeBadRequest, p.s.insightsBadQuery(c, "chart", "insights.error.chart").(*httpError).Message)
		return
	}
	q, err := p.s.insightsQuery(c)
	var res app.Insights
	if err == nil {
		res, err = p.s.app.Insights(c.Request.Context(), actorOf(c), q)
		err = p.s.insightsError(c, err)
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := insightsCSVRows(chart, res)
	for _, r := range rows {
		for i := range r {
			r[i] = csvSafe(r[i])
		}
	}
	if err := w.WriteAll(rows); err != nil {
		p.s.pageError(c, err)
		return
	}
	name := fmt.Sprintf("insights-%s-%s-%s.csv", chart, q.From, q.To)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func insightsCSVRows(chart string, res app.Insights) [][]string {
	switch chart {
	case "incidents":
		rows := [][]string{{"month", "occurrences"}}
		for _, m := range res.IncidentsByMonth {
			rows = append(rows, []string{m.Month, strconv.Itoa(m.Count)})
		}
		return rows
	case "mttr":
		rows := [][]string{{"month", "mttr_minutes", "resolved_occurrences"}}
		for _, m := range res.MTTRByMonth {
			v := ""
			if m.Resolved > 0 {
				v = strconv.FormatFloat(m.Minutes, 'f', 1, 64)
			}
			rows = append(rows, []string{m.Month, v, strconv.Itoa(m.Resolved)})
		}
		return rows
	case "factors":
		rows := [][]string{{"factor", "rcas"}}
		for _, f := range res.Factors {
			rows = append(rows, []string{f.Key, strconv.Itoa(f.Count)})
		}
		return rows
	default: // actions
		a := res.ActionItems
		return [][]string{{"state", "items"}, {"open", strconv.Itoa(a.Open)}, {"overdue", strconv.Itoa(a.Overdue)},
			{"done", strconv.Itoa(a.Done)}, {"done_on_time", strconv.Itoa(a.DoneOnTime)}}
	}
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
