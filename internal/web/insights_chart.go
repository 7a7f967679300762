package web

// Area "insights" (issue 14): the charts of the /insights page, drawn as
// SVG on the server. Geometry is computed here; the template only places
// it. Every chart carries its data as rows for the accessible table and a
// CSV link with the same figures.

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// insightCharts names the charts, in page order; CSV takes the same names.
var insightCharts = []string{"incidents", "mttr", "factors", "actions"}

type chartBar struct {
	X, Y, W, H float64
	Tip        string
}

type chartText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Minor  bool   // hidden on narrow screens, where every other label would collide
}

type chartGrid struct {
	Y    float64
	Text string
}

type chartPoint struct {
	X, Y float64
	Tip  string
}

type chartRow struct{ Label, Value string }

// insightsChart is one chart: its SVG parts and its table.
type insightsChart struct {
	ID, Title, Desc string
	Width, Height   int
	PlotLeft        float64
	PlotRight       float64
	Grid            []chartGrid
	Bars            []chartBar
	Lines           []string // polyline points; a month without a figure breaks the line
	Points          []chartPoint
	Labels          []chartText
	Head            [2]string
	Rows            []chartRow
	CSV             string
	Empty           bool
}

const (
	chartW      = 640
	chartH      = 240
	chartLeft   = 48.0
	chartRight  = 12.0
	chartTop    = 14.0
	chartBottom = 44.0
)

// gridTop is the top of a value axis with four steps: the smallest
// 4×step at or above m with a round step (1, 2, 3, 4, 5, 6 or 8 times a
// power of ten, at least 1), so every grid line is a whole number.
func gridTop(m float64) float64 {
	step := m / 4
	if step <= 1 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(step)))
	for _, f := range []float64{1, 2, 3, 4, 5, 6, 8, 10} {
		if step <= f*p {
			return 4 * f * p
		}
	}
	return 40 * p
}

// monthAxis places the month labels under n slots: every k-th month so
// that at most twelve labels show, the year under January and the first.
func monthAxis(l *i18n.Localizer, months []domain.Date, slot float64) []chartText {
	step := int(math.Ceil(float64(len(months)) / 12))
	var out []chartText
	for i, m := range months {
		if i%step != 0 {
			continue
		}
		minor := (i/step)%2 == 1
		x := chartLeft + slot*(float64(i)+0.5)
		out = append(out, chartText{X: x, Y: chartH - chartBottom + 18, Text: l.MonthShort(m.Month), Anchor: "middle", Minor: minor})
		if i == 0 || m.Month <= time.Month(step) {
			out = append(out, chartText{X: x, Y: chartH - chartBottom + 38, Text: strconv.Itoa(m.Year), Anchor: "middle", Minor: minor && i != 0})
		}
	}
	return out
}

// valueGrid draws four horizontal grid lines from 0 to top.
func valueGrid(top float64, format func(float64) string) []chartGrid {
	ph := chartH - chartTop - chartBottom
	var out []chartGrid
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		out = append(out, chartGrid{Y: chartTop + ph*(1-float64(i)/4), Text: format(v)})
	}
	return out
}

func monthName(l *i18n.Localizer, m domain.Date) string {
	return l.Month(m.In(time.UTC), time.UTC)
}

// buildInsightCharts turns the answer into the page's four charts.
func buildInsightCharts(l *i18n.Localizer, res app.Insights, csv func(chart string) string) []insightsChart {
	period := ""
	if n := len(res.Months); n > 0 {
		period = l.T("insights.period", map[string]any{"From": monthName(l, res.Months[0]), "To": monthName(l, res.Months[n-1])})
	}
	n := len(res.Months)
	pw := chartW - chartLeft - chartRight
	ph := chartH - chartTop - chartBottom
	slot := pw / float64(max(n, 1))
	integer := func(v float64) string { return l.Number(v, 0) }

	// Incidents per month: bars.
	inc := insightsChart{ID: "incidents", Title: l.T("insights.chart.incidents"), Width: chartW, Height: chartH,
		PlotLeft: chartLeft, PlotRight: chartW - chartRight, Head: [2]string{l.T("insights.col.month"), l.T("insights.col.occurrences")}}
	peak := 0
	for _, m := range res.IncidentsByMonth {
		peak = max(peak, m.Count)
	}
	top := gridTop(float64(peak))
	inc.Grid = valueGrid(top, integer)
	total := 0
	for i, m := range res.IncidentsByMonth {
		h := ph * float64(m.Count) / top
		name := monthName(l, res.Months[i])
		value := l.Number(float64(m.Count), 0)
		inc.Bars = append(inc.Bars, chartBar{X: chartLeft + slot*float64(i) + slot*0.15, Y: chartTop + ph - h, W: slot * 0.7, H: h, Tip: name + ": " + value})
		inc.Rows = append(inc.Rows, chartRow{name, value})
		total += m.Count
	}
	inc.Labels = monthAxis(l, res.Months, slot)
	inc.Desc = l.T("insights.desc.incidents", map[string]any{"Period": period, "Total": l.Number(float64(total), 0), "Peak": l.Number(float64(peak), 0)})
	inc.Empty = total == 0

	// MTTR per month: a line through the months that have a figure.
	mttr := insightsChart{ID: "mttr", Title: l.T("insights.chart.mttr"), Width: chartW, Height: chartH,
		PlotLeft: chartLeft, PlotRight: chartW - chartRight, Head: [2]string{l.T("insights.col.month"), l.T("insights.col.mttr")}}
	peakM := 0.0
	for _, m := range res.MTTRByMonth {
		peakM = max(peakM, m.Minutes)
	}
	topM := gridTop(peakM)
	minutes := func(v float64) string { return l.Number(v, 0) }
	mttr.Grid = valueGrid(topM, minutes)
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			mttr.Lines = append(mttr.Lines, strings.Join(seg, " "))
		}
		seg = nil
	}
	for i, m := range res.MTTRByMonth {
		name := monthName(l, res.Months[i])
		if m.Resolved == 0 {
			flush()
			mttr.Rows = append(mttr.Rows, chartRow{name, "–"})
			continue
		}
		x := chartLeft + slot*(float64(i)+0.5)
		y := chartTop + ph*(1-m.Minutes/topM)
		seg = append(seg, fmt.Sprintf("%.1f,%.1f", x, y))
		value := l.T("insights.minutes", map[string]any{"N": l.Number(m.Minutes, 1)})
		mttr.Points = append(mttr.Points, chartPoint{X: x, Y: y, Tip: name + ": " + value})
		mttr.Rows = append(mttr.Rows, chartRow{name, value})
	}
	flush()
	mttr.Labels = monthAxis(l, res.Months, slot)
	mttr.Empty = len(mttr.Points) == 0
	mttr.Desc = l.T("insights.desc.mttr", map[string]any{"Period": period, "Months": l.Number(float64(len(mttr.Points)), 0)})
	// The y axis is in minutes; say so above it.
	mttr.Labels = append(mttr.Labels, chartText{X: chartLeft + 4, Y: chartTop + 14, Text: l.T("insights.minutes_unit"), Anchor: "start"})

	// Factors and action items: horizontal bars.
	factorRows := make([]chartRow, 0, len(res.Factors))
	factorValues := make([]int, 0, len(res.Factors))
	for _, f := range res.Factors {
		factorRows = append(factorRows, chartRow{factorLabel(l, f.Key), l.Number(float64(f.Count), 0)})
		factorValues = append(factorValues, f.Count)
	}
	factors := hbars("factors", l.T("insights.chart.factors"), factorRows, factorValues)
	factors.Head = [2]string{l.T("insights.col.factor"), l.T("insights.col.rcas")}
	factors.Desc = l.T("insights.desc.factors", map[string]any{"Period": period, "Count": l.Number(float64(len(res.Factors)), 0)})

	a := res.ActionItems
	actionValues := []int{a.Open, a.Overdue, a.Done, a.DoneOnTime}
	var actionRows []chartRow
	for i, k := range []string{"open", "overdue", "done", "done_on_time"} {
		actionRows = append(actionRows, chartRow{l.T("insights.actions." + k), l.Number(float64(actionValues[i]), 0)})
	}
	actions := hbars("actions", l.T("insights.chart.actions"), actionRows, actionValues)
	actions.Head = [2]string{l.T("insights.col.state"), l.T("insights.col.items")}
	actions.Desc = l.T("insights.desc.actions", map[string]any{"Period": period})
	actions.Empty = a == (domain.ActionTally{})

	charts := []insightsChart{inc, mttr, factors, actions}
	for i := range charts {
		charts[i].CSV = csv(charts[i].ID)
	}
	return charts
}

// hbars draws one horizontal bar per row, its label above it (so long
// names in any language fit, on a phone too) and its value after it.
func hbars(id, title string, rows []chartRow, values []int) insightsChart {
	const rowH, valueW = 52.0, 64.0
	c := insightsChart{ID: id, Title: title, Width: chartW, Height: int(rowH*float64(max(len(rows), 1)) + 4), Rows: rows}
	peak := 0
	for _, v := range values {
		peak = max(peak, v)
	}
	span := chartW - valueW
	for i, r := range rows {
		y := rowH * float64(i)
		w := 0.0
		if peak > 0 {
			w = span * float64(values[i]) / float64(peak)
		}
		c.Bars = append(c.Bars, chartBar{X: 0, Y: y + 26, W: w, H: 18, Tip: r.Label + ": " + r.Value})
		c.Labels = append(c.Labels,
			chartText{X: 0, Y: y + 20, Text: r.Label, Anchor: "start"},
			chartText{X: w + 6, Y: y + 41, Text: r.Value, Anchor: "start"})
	}
	c.Empty = peak == 0
	return c
}

// factorLabel is a factor's name in the language, or its key when the
// catalog has no name for it (an organisation's own factor).
func factorLabel(l *i18n.Localizer, key string) string {
	k := "insights.factor." + key
	if l.Catalog().Has(i18n.DefaultLanguage, k) {
		return l.T(k)
	}
	return key
}

// insightsLink is the address of path with the query's filters.
func insightsLink(path string, q app.InsightsQuery, extra url.Values) string {
	v := url.Values{}
	v.Set("from", q.From.String())
	v.Set("to", q.To.String())
	if q.Service != "" {
		v.Set("service", q.Service)
	}
	for k, vs := range extra {
		v[k] = vs
	}
	return path + "?" + v.Encode()
}
