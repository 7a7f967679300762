package domain

import (
	"encoding/json"
	"sort"
	"time"
)

// Cycle is one stretch of impact: from its start to mitigation and resolution.
// An incident whose impact came back ("recurred") has several cycles.
type Cycle struct {
	Start     time.Time  `json:"start"`
	Detected  *time.Time `json:"detected,omitempty"`
	Mitigated *time.Time `json:"mitigated,omitempty"`
	Resolved  *time.Time `json:"resolved,omitempty"`
	// Recurred is true when a "recurred" entry opened the cycle.
	Recurred bool `json:"recurred,omitempty"`
}

// ImpactEnd is when impact stopped: mitigation, else resolution, else nil.
func (c Cycle) ImpactEnd() *time.Time {
	if c.Mitigated != nil {
		return c.Mitigated
	}
	return c.Resolved
}

// End is when the cycle was over: resolution, else mitigation, else nil.
func (c Cycle) End() *time.Time {
	if c.Resolved != nil {
		return c.Resolved
	}
	return c.Mitigated
}

// Occurrence is one linked incident as the RCA's metrics see it: when its
// impact started, was detected, mitigated and resolved. Impact cycles inside
// the incident (recurrences) belong to it and are listed in Cycles.
type Occurrence struct {
	IncidentID string `json:"incident_id,omitempty"`
	Title      string `json:"title,omitempty"`
	// Start is the first impact (never an earlier trigger).
	Start     time.Time  `json:"start"`
	Detected  *time.Time `json:"detected,omitempty"`
	Mitigated *time.Time `json:"mitigated,omitempty"` // the last cycle's mitigation
	Resolved  *time.Time `json:"resolved,omitempty"`
	// End is when impact finally stopped; nil while it lasts.
	End    *time.Time `json:"end,omitempty"`
	Cycles []Cycle    `json:"cycles"`
	// Duration is the impact: the sum of each cycle's start to its end of
	// impact (mitigation, else resolution).
	Duration       time.Duration  `json:"-"`
	TimeToDetect   *time.Duration `json:"-"`
	TimeToMitigate *time.Duration `json:"-"`
	TimeToResolve  *time.Duration `json:"-"`
}

// Ongoing reports whether the occurrence's impact has not ended.
func (o Occurrence) Ongoing() bool { return o.End == nil }

// Aggregate says what the RCA-level TTD/TTM/TTR are.
type Aggregate string

// Aggregates: the one occurrence's own value, or the median over several.
const (
	AggregateSingle Aggregate = "single"
	AggregateMedian Aggregate = "median"
)

// Metrics are an RCA's derived times: one Occurrence per linked incident
// (or, without incidents, per impact the timeline starts afresh), and the
// RCA-wide figures derived from them. Every output shows these numbers.
type Metrics struct {
	Occurrences []Occurrence `json:"occurrences"`
	// Cycles are every occurrence's cycles in time order, for the chart.
	Cycles []Cycle `json:"-"`
	// Start is the first impact; End the last end of impact (nil while any
	// occurrence is ongoing).
	Start *time.Time `json:"start"`
	End   *time.Time `json:"end"`
	// Total sums the occurrences' durations: a total across N occurrences.
	Total time.Duration `json:"-"`
	// Span is Start to End, the quiet days between occurrences included.
	Span time.Duration `json:"-"`
	// Aggregate names what TimeToDetect, TimeToMitigate and TimeToResolve
	// are: the single occurrence's value, or the median over the
	// occurrences that have one.
	Aggregate      Aggregate      `json:"aggregate"`
	TimeToDetect   *time.Duration `json:"-"`
	TimeToMitigate *time.Duration `json:"-"`
	TimeToResolve  *time.Duration `json:"-"`
}

// Recurred reports whether the RCA covers more than one occurrence.
func (m Metrics) Recurred() bool { return len(m.Occurrences) > 1 }

// Ongoing reports whether any occurrence's impact has not ended.
func (m Metrics) Ongoing() bool { return len(m.Occurrences) > 0 && m.End == nil }

// DeriveMetrics computes occurrences and derived times from the timed
// entries of the timeline and the linked incidents. Each linked incident is
// one occurrence; each impact cycle of the timeline belongs to the incident
// whose start-to-resolution interval is nearest to it. An incident the
// timeline says nothing about takes its own start and resolution. Without
// incidents, a cycle opened by "recurred" belongs to the occurrence before
// it and any other cycle starts a new occurrence.
func DeriveMetrics(timeline []TimelineEntry, incidents []Incident) Metrics {
	cycles := cyclesFromTimeline(timeline)
	var occ []Occurrence
	if len(incidents) == 0 {
		for _, c := range cycles {
			if !c.Recurred || len(occ) == 0 {
				occ = append(occ, Occurrence{})
			}
			o := &occ[len(occ)-1]
			o.Cycles = append(o.Cycles, c)
		}
	} else {
		ins := make([]Incident, 0, len(incidents))
		for _, in := range incidents {
			if !in.StartedAt.IsZero() {
				ins = append(ins, in)
			}
		}
		sort.SliceStable(ins, func(i, j int) bool { return ins[i].StartedAt.Before(ins[j].StartedAt) })
		occ = make([]Occurrence, len(ins))
		for i, in := range ins {
			occ[i] = Occurrence{IncidentID: in.ID, Title: in.Title}
		}
		for _, c := range cycles {
			if len(ins) == 0 {
				break
			}
			best, bestDist := 0, time.Duration(-1)
			for i, in := range ins {
				if d := distance(c.Start, in); bestDist < 0 || d < bestDist {
					best, bestDist = i, d
				}
			}
			occ[best].Cycles = append(occ[best].Cycles, c)
		}
		for i, in := range ins {
			if len(occ[i].Cycles) == 0 {
				c := Cycle{Start: in.StartedAt.UTC()}
				if in.ResolvedAt != nil {
					r := in.ResolvedAt.UTC()
					c.Resolved = &r
				}
				occ[i].Cycles = []Cycle{c}
			} else if last := &occ[i].Cycles[len(occ[i].Cycles)-1]; last.End() == nil && in.ResolvedAt != nil && !in.ResolvedAt.Before(last.Start) {
				// The timeline stops early; the incident says when it ended.
				r := in.ResolvedAt.UTC()
				last.Resolved = &r
			}
		}
	}
	m := Metrics{Occurrences: occ, Aggregate: AggregateSingle}
	if len(occ) > 1 {
		m.Aggregate = AggregateMedian
	}
	var detect, mitigate, resolve []time.Duration
	ongoing := false
	for i := range occ {
		o := &occ[i]
		finishOccurrence(o)
		m.Cycles = append(m.Cycles, o.Cycles...)
		m.Total += o.Duration
		if m.Start == nil || o.Start.Before(*m.Start) {
			s := o.Start
			m.Start = &s
		}
		if o.End == nil {
			ongoing = true
		} else if m.End == nil || o.End.After(*m.End) {
			e := *o.End
			m.End = &e
		}
		if o.TimeToDetect != nil {
			detect = append(detect, *o.TimeToDetect)
		}
		if o.TimeToMitigate != nil {
			mitigate = append(mitigate, *o.TimeToMitigate)
		}
		if o.TimeToResolve != nil {
			resolve = append(resolve, *o.TimeToResolve)
		}
	}
	sort.SliceStable(occ, func(i, j int) bool { return occ[i].Start.Before(occ[j].Start) })
	sort.SliceStable(m.Cycles, func(i, j int) bool { return m.Cycles[i].Start.Before(m.Cycles[j].Start) })
	if ongoing {
		m.End = nil
	}
	if m.Start != nil && m.End != nil {
		m.Span = m.End.Sub(*m.Start)
	}
	m.TimeToDetect = median(detect)
	m.TimeToMitigate = median(mitigate)
	m.TimeToResolve = median(resolve)
	return m
}

// finishOccurrence derives an occurrence's times from its cycles.
func finishOccurrence(o *Occurrence) {
	sort.SliceStable(o.Cycles, func(i, j int) bool { return o.Cycles[i].Start.Before(o.Cycles[j].Start) })
	first, last := o.Cycles[0], o.Cycles[len(o.Cycles)-1]
	o.Start = first.Start
	o.Detected = first.Detected
	o.Mitigated = last.Mitigated
	o.Resolved = last.Resolved
	o.End = last.ImpactEnd()
	for _, c := range o.Cycles {
		if e := c.ImpactEnd(); e != nil {
			o.Duration += e.Sub(c.Start)
		}
	}
	since := func(t *time.Time) *time.Duration {
		if t == nil {
			return nil
		}
		d := t.Sub(o.Start)
		return &d
	}
	o.TimeToDetect = since(o.Detected)
	o.TimeToMitigate = since(o.End)
	o.TimeToResolve = since(o.Resolved)
}

// distance is how far t lies from the incident's start-to-resolution
// interval (zero inside it; an open incident reaches to the end of time).
func distance(t time.Time, in Incident) time.Duration {
	if t.Before(in.StartedAt) {
		return in.StartedAt.Sub(t)
	}
	if in.ResolvedAt != nil && t.After(*in.ResolvedAt) {
		return t.Sub(*in.ResolvedAt)
	}
	return 0
}

func cyclesFromTimeline(entries []TimelineEntry) []Cycle {
	sorted := make([]TimelineEntry, 0, len(entries))
	for _, e := range entries {
		if e.Timed() {
			sorted = append(sorted, e)
		}
	}
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	var cycles []Cycle
	var cur *Cycle
	// fromTrigger: the open cycle was opened by a trigger, so a later
	// start of impact moves its start (duration counts from impact).
	fromTrigger := false
	open := func(at time.Time, recurred bool) {
		cycles = append(cycles, Cycle{Start: at, Recurred: recurred})
		cur = &cycles[len(cycles)-1]
		fromTrigger = false
	}
	for _, e := range sorted {
		at := e.At.UTC()
		closed := cur == nil || cur.Mitigated != nil || cur.Resolved != nil
		switch e.Kind {
		case KindTrigger:
			if closed {
				open(at, false)
				fromTrigger = true
			}
		case KindImpactStart:
			switch {
			case closed:
				open(at, false)
			case fromTrigger:
				cur.Start = at
				fromTrigger = false
			}
		case KindRecurred:
			open(at, true)
		case KindDetected:
			if cur == nil || cur.Resolved != nil {
				open(at, false)
			}
			if cur.Detected == nil {
				cur.Detected = &at
			}
		case KindEscalated, KindIdentified:
			if cur == nil || cur.Resolved != nil {
				open(at, false)
			}
		case KindMitigated:
			if cur != nil && cur.Mitigated == nil && cur.Resolved == nil {
				cur.Mitigated = &at
			}
		case KindResolved:
			if cur != nil && cur.Resolved == nil {
				cur.Resolved = &at
			}
		}
	}
	return cycles
}

// median is the middle value (the mean of the two middle ones for an even
// count), nil for none.
func median(ds []time.Duration) *time.Duration {
	if len(ds) == 0 {
		return nil
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}

// OccurrenceOf returns the occurrence of the incident with id.
func (m Metrics) OccurrenceOf(id string) (Occurrence, bool) {
	for _, o := range m.Occurrences {
		if o.IncidentID == id && id != "" {
			return o, true
		}
	}
	return Occurrence{}, false
}

func seconds(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	s := int64(d.Round(time.Second) / time.Second)
	return &s
}

// MarshalJSON adds the durations in whole seconds.
func (o Occurrence) MarshalJSON() ([]byte, error) {
	type plain Occurrence
	d := o.Duration
	return json.Marshal(struct {
		plain
		DurationSeconds       *int64 `json:"duration_seconds"`
		TimeToDetectSeconds   *int64 `json:"time_to_detect_seconds"`
		TimeToMitigateSeconds *int64 `json:"time_to_mitigate_seconds"`
		TimeToResolveSeconds  *int64 `json:"time_to_resolve_seconds"`
	}{plain(o), seconds(&d), seconds(o.TimeToDetect), seconds(o.TimeToMitigate), seconds(o.TimeToResolve)})
}

// MarshalJSON adds the durations in whole seconds; the TTD/TTM/TTR carry
// the aggregate they are (single or median).
func (m Metrics) MarshalJSON() ([]byte, error) {
	type plain Metrics
	if m.Occurrences == nil {
		m.Occurrences = []Occurrence{}
	}
	t, s := m.Total, m.Span
	return json.Marshal(struct {
		plain
		Count                 int    `json:"occurrence_count"`
		TotalSeconds          *int64 `json:"total_duration_seconds"`
		SpanSeconds           *int64 `json:"span_seconds"`
		TimeToDetectSeconds   *int64 `json:"time_to_detect_seconds"`
		TimeToMitigateSeconds *int64 `json:"time_to_mitigate_seconds"`
		TimeToResolveSeconds  *int64 `json:"time_to_resolve_seconds"`
	}{plain(m), len(m.Occurrences), seconds(&t), seconds(&s), seconds(m.TimeToDetect), seconds(m.TimeToMitigate), seconds(m.TimeToResolve)})
}
