package app

// Area "insights" (issue 14): trends across RCAs.

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// InsightsQuery asks for the insights of the calendar days From..To (both
// included) in Zone, the organisation's time zone, optionally of one
// service.
type InsightsQuery struct {
	From, To domain.Date
	Service  string
	Zone     *time.Location
}

// Insights is the answer of GET /api/v1/insights. Every month of the period
// is listed, empty ones with zero, so charts are continuous.
type Insights struct {
	From             string              `json:"from"`
	To               string              `json:"to"`
	Service          string              `json:"service,omitempty"`
	TimeZone         string              `json:"time_zone"`
	IncidentsByMonth []MonthCount        `json:"incidents_by_month"`
	MTTRByMonth      []MonthMTTR         `json:"mttr_minutes_by_month"`
	Factors          []FactorCount       `json:"factors"`
	ActionItems      ActionCounts        `json:"action_items"`
	Months           []domain.Date       `json:"-"` // the first day of each month, for labels
	Tally            domain.InsightTally `json:"-"`
}

// MonthCount is how many incident occurrences started in a month.
type MonthCount struct {
	Month string `json:"month"` // YYYY-MM
	Count int    `json:"count"`
}

// MonthMTTR is the mean time to resolve, in minutes (one decimal), of the
// occurrences that started in the month and are resolved; Resolved says how
// many that is (0: no figure, and Minutes is 0).
type MonthMTTR struct {
	Month    string  `json:"month"`
	Minutes  float64 `json:"minutes"`
	Resolved int     `json:"resolved"`
}

// FactorCount is how many RCAs of the period name a contributing factor.
type FactorCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// ActionCounts counts the action items of the period's RCAs; see
// domain.ActionTally.
type ActionCounts = domain.ActionTally

// MaxServiceLen bounds the service filter.
const MaxServiceLen = 200

// ErrInsightService: the service filter is too long.
var ErrInsightService = fmt.Errorf("app: insights: service longer than %d characters", MaxServiceLen)

// Insights answers the insights of q for actors who read internal data.
func (s *Service) Insights(ctx context.Context, a policy.Actor, q InsightsQuery) (Insights, error) {
	if err := policy.Can(a, policy.InsightsRead, nil); err != nil {
		return Insights{}, err
	}
	if len(q.Service) > MaxServiceLen {
		return Insights{}, ErrInsightService
	}
	loc := q.Zone
	if loc == nil {
		loc = time.UTC
	}
	bounds, months, err := domain.InsightMonths(q.From, q.To, loc)
	if err != nil {
		return Insights{}, err
	}
	w := domain.InsightWindow{Bounds: bounds, Service: q.Service, Today: domain.DateOf(s.now().In(loc)), Loc: loc}
	t, err := s.st.Insights(ctx, w)
	if err != nil {
		return Insights{}, err
	}
	return shapeInsights(q, loc, months, t), nil
}

func shapeInsights(q InsightsQuery, loc *time.Location, months []domain.Date, t domain.InsightTally) Insights {
	out := Insights{From: q.From.String(), To: q.To.String(), Service: q.Service, TimeZone: loc.String(),
		IncidentsByMonth: []MonthCount{}, MTTRByMonth: []MonthMTTR{}, Factors: []FactorCount{},
		ActionItems: t.Actions, Months: months, Tally: t}
	for i, m := range months {
		key := fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
		var mt domain.MonthTally
		if i < len(t.Months) {
			mt = t.Months[i]
		}
		out.IncidentsByMonth = append(out.IncidentsByMonth, MonthCount{Month: key, Count: mt.Count})
		mm := MonthMTTR{Month: key, Resolved: mt.Resolved}
		if mt.Resolved > 0 {
			mm.Minutes = math.Round(mt.TTRSum.Minutes()/float64(mt.Resolved)*10) / 10
		}
		out.MTTRByMonth = append(out.MTTRByMonth, mm)
	}
	for k, n := range t.Factors {
		out.Factors = append(out.Factors, FactorCount{Key: k, Count: n})
	}
	sort.Slice(out.Factors, func(i, j int) bool {
		if out.Factors[i].Count != out.Factors[j].Count {
			return out.Factors[i].Count > out.Factors[j].Count
		}
		return out.Factors[i].Key < out.Factors[j].Key
	})
	return out
}
