package web

// Area "insights" (issue 14): GET /api/v1/insights and the query both the
// API and the /insights page read.

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// insightsDefaultMonths is the period shown without from and to: this
// month and the eleven before it.
const insightsDefaultMonths = 12

// insightsQuery reads from, to and service. Missing dates default to the
// last twelve months in the organisation's time zone.
func (s *Server) insightsQuery(c *gin.Context) (app.InsightsQuery, error) {
	loc := s.orgZone()
	today := domain.DateOf(s.now().In(loc))
	q := app.InsightsQuery{Zone: loc, To: today, Service: strings.TrimSpace(c.Query("service"))}
	q.From = domain.NewDate(today.Year, today.Month, 1).AddMonths(1 - insightsDefaultMonths)
	for _, p := range []struct {
		name string
		dst  *domain.Date
	}{{"from", &q.From}, {"to", &q.To}} {
		v, ok := c.GetQuery(p.name)
		if !ok || v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return q, s.insightsBadQuery(c, p.name, "insights.error."+p.name+"_date")
		}
		*p.dst = domain.DateOf(t)
	}
	return q, nil
}

// insightsError maps the service's period errors to a 400 naming the
// parameter; anything else passes through.
func (s *Server) insightsError(c *gin.Context, err error) error {
	switch {
	case errors.Is(err, domain.ErrInsightOrder):
		return s.insightsBadQuery(c, "from", "insights.error.order")
	case errors.Is(err, domain.ErrInsightRange):
		return s.insightsBadQuery(c, "to", "insights.error.range")
	case errors.Is(err, app.ErrInsightService):
		return s.insightsBadQuery(c, "service", "insights.error.service")
	}
	return err
}

// insightsBadQuery is a localized 400 naming the query parameter.
func (s *Server) insightsBadQuery(c *gin.Context, field, key string) error {
	msg, ok := s.translate(c, key)
	if !ok {
		msg = "Query parameter " + field + " is not valid."
	}
	return &httpError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: msg, Extra: map[string]any{"field": field}}
}

// apiInsights answers the insights of a period (and a service).
func (s *Server) apiInsights(c *gin.Context) {
	q, err := s.insightsQuery(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	res, err := s.app.Insights(c.Request.Context(), actorOf(c), q)
	if err != nil {
		s.apiError(c, s.insightsError(c, err))
		return
	}
	c.JSON(http.StatusOK, res)
}

// insightsOps describes GET /api/v1/insights.
func insightsOps() []apiOp {
	return []apiOp{{Method: "GET", Path: "/insights", Tag: "insights", Role: domain.RoleAuthor,
		Summary: "Trends across RCAs per calendar month in the organisation's time zone (HINDSIGHT_DEFAULT_TZ), every month of the period " +
			"listed (empty ones with zero). From the metrics model: each occurrence counts in the month it started (a recurring " +
			"incident's occurrences count each); mttr_minutes_by_month is the mean time to resolve (resolution minus start of impact) " +
			"of the resolved occurrences that started in the month, one decimal, 0 with resolved 0 when none. Factors and action items " +
			"count for the RCAs whose first occurrence (without one: creation) falls in the period; open holds open and in-progress " +
			"items, overdue those past their due day, done_on_time done items finished by the end of their due day. All RCAs count, " +
			"whatever their state. Authors and above (the figures include internal data). A bad date, from after to, or more than " +
			"60 months is 400 naming the parameter.",
		Query: []queryParam{
			{Name: "from", Type: "string", Description: "YYYY-MM-DD, first day (default: the first of the month eleven months ago)"},
			{Name: "to", Type: "string", Description: "YYYY-MM-DD, last day, included (default: today)"},
			{Name: "service", Type: "string", Description: "only RCAs naming this affected service"},
		},
		Response: app.Insights{}}}
}
