package domain

import (
	"errors"
	"slices"
	"time"
)

// ---- insights (issue 14): trends across RCAs, from the one metrics model ----

// InsightFacts is what the insights need of one RCA. Stores derive it on
// every write (InsightFactsOf) so that an insights query never reads whole
// RCAs.
type InsightFacts struct {
	// At places the RCA in a period: its first occurrence's start, or its
	// creation when it has no occurrence. Factors and action items count
	// for the period At falls in.
	At          time.Time
	Occurrences []InsightOccurrence
	Services    []string
	Factors     []string
	Items       []InsightItem
}

// InsightOccurrence is one occurrence of DeriveMetrics: its start and its
// time to resolve (nil while unresolved).
type InsightOccurrence struct {
	Start time.Time
	TTR   *time.Duration
}

// InsightItem is an action item as the insights count it.
type InsightItem struct {
	State  ActionState
	Due    *Date
	DoneAt *time.Time
}

// InsightFactsOf derives the facts of r. incidents may hold any incidents;
// those r links are its occurrences (DeriveMetrics).
func InsightFactsOf(r *RCA, incidents []Incident) InsightFacts {
	var linked []Incident
	for _, in := range incidents {
		if slices.Contains(r.IncidentIDs, in.ID) {
			linked = append(linked, in)
		}
	}
	m := DeriveMetrics(r.Timeline, linked)
	f := InsightFacts{At: r.CreatedAt.UTC(), Services: dedupe(r.AffectedServices), Factors: dedupe(r.ContributingFactors)}
	if m.Start != nil {
		f.At = m.Start.UTC()
	}
	for _, o := range m.Occurrences {
		f.Occurrences = append(f.Occurrences, InsightOccurrence{Start: o.Start.UTC(), TTR: o.TimeToResolve})
	}
	for _, a := range r.ActionItems {
		it := InsightItem{State: a.State, Due: a.Due}
		if a.DoneAt != nil {
			t := a.DoneAt.UTC()
			it.DoneAt = &t
		}
		f.Items = append(f.Items, it)
	}
	return f
}

// InsightWindow is what an insights query asks: the months (Bounds holds
// n+1 instants for n buckets: bucket i is [Bounds[i], Bounds[i+1])), an
// optional service (exact match in affected_services), Today for overdue
// items and Loc, the organisation's time zone, for "done on time".
type InsightWindow struct {
	Bounds  []time.Time
	Service string
	Today   Date
	Loc     *time.Location
}

// From and To are the window's first and end instants.
func (w InsightWindow) From() time.Time { return w.Bounds[0] }

// To is the end of the window (exclusive).
func (w InsightWindow) To() time.Time { return w.Bounds[len(w.Bounds)-1] }

// Bucket answers the bucket t falls in, or -1 outside the window.
func (w InsightWindow) Bucket(t time.Time) int {
	if len(w.Bounds) < 2 || t.Before(w.From()) || !t.Before(w.To()) {
		return -1
	}
	i, _ := slices.BinarySearchFunc(w.Bounds, t, func(b, t time.Time) int { return b.Compare(t) })
	if i < len(w.Bounds) && w.Bounds[i].Equal(t) {
		return i
	}
	return i - 1
}

// InsightTally is what a store answers: sums per month and counts.
type InsightTally struct {
	Months  []MonthTally   `json:"months"`
	Factors map[string]int `json:"factors"`
	Actions ActionTally    `json:"actions"`
}

// MonthTally is one month: occurrences that started in it, how many of
// them are resolved, and the sum of their times to resolve.
type MonthTally struct {
	Count    int           `json:"count"`
	Resolved int           `json:"resolved"`
	TTRSum   time.Duration `json:"ttr_sum"`
}

// ActionTally counts action items: Open holds open and in-progress ones,
// Overdue those of them past their due day, Done the done ones and
// DoneOnTime those done by the end of their due day (in the organisation's
// time zone). Won't-do items count nowhere.
type ActionTally struct {
	Open       int `json:"open"`
	Overdue    int `json:"overdue"`
	Done       int `json:"done"`
	DoneOnTime int `json:"done_on_time"`
}

// NewInsightTally is an empty tally for w.
func NewInsightTally(w InsightWindow) InsightTally {
	return InsightTally{Months: make([]MonthTally, max(len(w.Bounds)-1, 0)), Factors: map[string]int{}}
}

// Add counts one RCA's facts into t, as w asks. Stores that aggregate in
// their engine must answer what Add would.
func (t *InsightTally) Add(w InsightWindow, f InsightFacts) {
	if w.Service != "" && !slices.Contains(f.Services, w.Service) {
		return
	}
	for _, o := range f.Occurrences {
		if i := w.Bucket(o.Start); i >= 0 {
			t.Months[i].Count++
			if o.TTR != nil {
				t.Months[i].Resolved++
				t.Months[i].TTRSum += *o.TTR
			}
		}
	}
	if w.Bucket(f.At) < 0 {
		return
	}
	for _, k := range f.Factors {
		t.Factors[k]++
	}
	for _, it := range f.Items {
		t.Actions.add(w, it)
	}
}

func (a *ActionTally) add(w InsightWindow, it InsightItem) {
	switch it.State {
	case ActionOpen, ActionInProgress:
		a.Open++
		if it.Due != nil && it.Due.Before(w.Today) {
			a.Overdue++
		}
	case ActionDone:
		a.Done++
		if it.DoneOnTime(w.Loc) {
			a.DoneOnTime++
		}
	}
}

// DoneOnTime reports whether a done item with a due day was done by the
// end of that day in loc (nil: UTC).
func (it InsightItem) DoneOnTime(loc *time.Location) bool {
	if it.State != ActionDone || it.Due == nil || it.DoneAt == nil {
		return false
	}
	return it.DoneAt.Before(it.Due.AddDays(1).In(zoneOr(loc)))
}

func zoneOr(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// MaxInsightMonths is the longest period an insights query covers.
const MaxInsightMonths = 60

// Insight period errors, each naming what is wrong.
var (
	ErrInsightOrder = errors.New("domain: insights: from is after to")
	ErrInsightRange = errors.New("domain: insights: the period is longer than 60 months")
)

// InsightMonths answers the window of the calendar days from..to (both
// included) in loc: one bucket per calendar month, the first starting at
// from's midnight and the last ending at the midnight after to; and the
// first day of each month, for labels.
func InsightMonths(from, to Date, loc *time.Location) ([]time.Time, []Date, error) {
	loc = zoneOr(loc)
	if to.Before(from) {
		return nil, nil, ErrInsightOrder
	}
	n := (to.Year-from.Year)*12 + int(to.Month) - int(from.Month) + 1
	if n > MaxInsightMonths {
		return nil, nil, ErrInsightRange
	}
	bounds := []time.Time{from.In(loc).UTC()}
	months := make([]Date, 0, n)
	for i := range n {
		first := Date{Year: from.Year, Month: from.Month, Day: 1}.AddMonths(i)
		months = append(months, first)
		end := first.AddMonths(1)
		if i == n-1 {
			end = to.AddDays(1)
		}
		bounds = append(bounds, end.In(loc).UTC())
	}
	return bounds, months, nil
}

// AddMonths is the same day n months later (normalized like time.Date).
func (d Date) AddMonths(n int) Date {
	return DateOf(time.Date(d.Year, d.Month+time.Month(n), d.Day, 0, 0, 0, 0, time.UTC))
}

// ---- end insights ----
