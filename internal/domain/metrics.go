package domain

import (
	"sort"
	"time"
)

// Cycle is one stretch of impact: from its start to mitigation and resolution.
// An incident that recurred has several cycles.
type Cycle struct {
	Start     time.Time  `json:"start"`
	Detected  *time.Time `json:"detected,omitempty"`
	Mitigated *time.Time `json:"mitigated,omitempty"`
	Resolved  *time.Time `json:"resolved,omitempty"`
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

// Metrics are the times derived from an RCA's timeline, or from its incidents
// when the timeline says nothing about start and end.
type Metrics struct {
	Cycles []Cycle `json:"cycles"`
	// Start is the first impact; End the last resolution (nil while open).
	Start *time.Time `json:"start"`
	End   *time.Time `json:"end"`
	// Impact sums the impact of every cycle (start to mitigation).
	Impact time.Duration `json:"impact_ns"`
	// Span is Start to End, recurrences and quiet days between them included.
	Span time.Duration `json:"span_ns"`
	// Time to detect, mitigate and resolve, each measured within its cycle and
	// averaged over the cycles that have it; nil when no cycle has it.
	TimeToDetect   *time.Duration `json:"time_to_detect_ns"`
	TimeToMitigate *time.Duration `json:"time_to_mitigate_ns"`
	TimeToResolve  *time.Duration `json:"time_to_resolve_ns"`
}

// Recurred reports whether impact came back after being mitigated.
func (m Metrics) Recurred() bool { return len(m.Cycles) > 1 }

// DeriveMetrics computes cycles and derived times. Timeline entries come
// first; the incidents' own start and resolution times are used when the
// timeline has no entry that starts impact.
func DeriveMetrics(timeline []TimelineEntry, incidents []Incident) Metrics {
	cycles := cyclesFromTimeline(timeline)
	if len(cycles) == 0 {
		cycles = cyclesFromIncidents(incidents)
	}
	m := Metrics{Cycles: cycles}
	if len(cycles) == 0 {
		return m
	}
	start := cycles[0].Start
	m.Start = &start
	last := cycles[len(cycles)-1]
	if end := last.End(); end != nil {
		e := *end
		m.End = &e
		m.Span = e.Sub(start)
	}
	var detect, mitigate, resolve []time.Duration
	for _, c := range cycles {
		if e := c.ImpactEnd(); e != nil {
			m.Impact += e.Sub(c.Start)
		}
		if c.Detected != nil {
			detect = append(detect, c.Detected.Sub(c.Start))
		}
		if e := c.ImpactEnd(); e != nil {
			mitigate = append(mitigate, e.Sub(c.Start))
		}
		if c.Resolved != nil {
			resolve = append(resolve, c.Resolved.Sub(c.Start))
		}
	}
	m.TimeToDetect = mean(detect)
	m.TimeToMitigate = mean(mitigate)
	m.TimeToResolve = mean(resolve)
	return m
}

func cyclesFromTimeline(entries []TimelineEntry) []Cycle {
	sorted := make([]TimelineEntry, len(entries))
	copy(sorted, entries)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	var cycles []Cycle
	var cur *Cycle
	open := func(at time.Time) {
		cycles = append(cycles, Cycle{Start: at.UTC()})
		cur = &cycles[len(cycles)-1]
	}
	for _, e := range sorted {
		at := e.At.UTC()
		switch e.Kind {
		case KindTrigger, KindImpactStart, KindRecurred:
			// A new cycle starts unless one is open and not yet mitigated
			// (a trigger followed by the start of impact is one cycle).
			if cur == nil || cur.Mitigated != nil || cur.Resolved != nil || e.Kind == KindRecurred {
				open(at)
			}
		case KindDetected:
			if cur == nil || cur.Resolved != nil {
				open(at)
			}
			if cur.Detected == nil {
				cur.Detected = &at
			}
		case KindEscalated, KindIdentified:
			if cur == nil || cur.Resolved != nil {
				open(at)
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

func cyclesFromIncidents(incidents []Incident) []Cycle {
	var cycles []Cycle
	for _, in := range incidents {
		if in.StartedAt.IsZero() {
			continue
		}
		c := Cycle{Start: in.StartedAt.UTC()}
		if in.ResolvedAt != nil {
			r := in.ResolvedAt.UTC()
			c.Resolved = &r
		}
		cycles = append(cycles, c)
	}
	sort.SliceStable(cycles, func(i, j int) bool { return cycles[i].Start.Before(cycles[j].Start) })
	return cycles
}

func mean(ds []time.Duration) *time.Duration {
	if len(ds) == 0 {
		return nil
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	m := sum / time.Duration(len(ds))
	return &m
}

// ResolvedIncidentDate is the RCA's incident date: the author's, else the
// first impact, else nil.
func (r *RCA) ResolvedIncidentDate(m Metrics) *time.Time {
	if r.IncidentDate != nil {
		return r.IncidentDate
	}
	return m.Start
}
