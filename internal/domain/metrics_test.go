package domain

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func entry(ts string, k TimelineKind) TimelineEntry {
	return TimelineEntry{At: at(ts), Kind: k, Text: string(k)}
}

func dur(d time.Duration) *time.Duration { return &d }

func eqDur(t *testing.T, name string, got, want *time.Duration) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, got, want)
	case *got != *want:
		t.Errorf("%s = %v, want %v", name, *got, *want)
	}
}

// Duration counts from the start of impact, not from an earlier trigger
// (changed deliberately: it used to start at the trigger).
func TestDeriveMetricsSingleCycle(t *testing.T) {
	tl := []TimelineEntry{
		entry("2026-03-09T08:05:00Z", KindTrigger),
		entry("2026-03-09T08:12:00Z", KindImpactStart),
		entry("2026-03-09T08:20:00Z", KindDetected),
		entry("2026-03-09T08:25:00Z", KindEscalated),
		entry("2026-03-09T08:40:00Z", KindIdentified),
		entry("2026-03-09T08:50:00Z", KindMitigated),
		entry("2026-03-09T09:05:00Z", KindResolved),
		entry("2026-03-09T09:30:00Z", KindNote),
	}
	m := DeriveMetrics(tl, nil)
	if len(m.Cycles) != 1 || len(m.Occurrences) != 1 {
		t.Fatalf("cycles = %d, occurrences = %d, want 1 and 1 (a trigger followed by impact start is one cycle)", len(m.Cycles), len(m.Occurrences))
	}
	if !m.Start.Equal(at("2026-03-09T08:12:00Z")) {
		t.Errorf("start = %v, want the impact start 08:12", m.Start)
	}
	if !m.End.Equal(at("2026-03-09T08:50:00Z")) {
		t.Errorf("end = %v, want the end of impact 08:50", m.End)
	}
	eqDur(t, "ttd", m.TimeToDetect, dur(8*time.Minute))
	eqDur(t, "ttm", m.TimeToMitigate, dur(38*time.Minute))
	eqDur(t, "ttr", m.TimeToResolve, dur(53*time.Minute))
	if m.Total != 38*time.Minute || m.Aggregate != AggregateSingle {
		t.Errorf("total %v aggregate %v", m.Total, m.Aggregate)
	}
	if m.Recurred() {
		t.Error("single cycle reported as recurred")
	}
}

// Without linked incidents, a "recurred" cycle belongs to the occurrence
// before it; a fresh impact start opens a new occurrence.
func TestDeriveMetricsRecurringOverDays(t *testing.T) {
	tl := []TimelineEntry{
		entry("2026-03-09T08:00:00Z", KindImpactStart),
		entry("2026-03-09T08:10:00Z", KindDetected),
		entry("2026-03-09T08:30:00Z", KindMitigated),
		entry("2026-03-10T14:00:00Z", KindRecurred),
		entry("2026-03-10T14:02:00Z", KindDetected),
		entry("2026-03-10T14:20:00Z", KindMitigated),
		entry("2026-03-11T22:00:00Z", KindImpactStart),
		entry("2026-03-11T22:30:00Z", KindDetected),
		entry("2026-03-11T23:00:00Z", KindMitigated),
		entry("2026-03-12T10:00:00Z", KindResolved),
	}
	// entries out of order must not matter
	tl[0], tl[5] = tl[5], tl[0]
	m := DeriveMetrics(tl, nil)
	if len(m.Cycles) != 3 || len(m.Occurrences) != 2 {
		t.Fatalf("cycles = %d, occurrences = %d, want 3 and 2: %+v", len(m.Cycles), len(m.Occurrences), m.Occurrences)
	}
	if len(m.Occurrences[0].Cycles) != 2 {
		t.Errorf("the recurrence should stay in the first occurrence: %+v", m.Occurrences[0])
	}
	if m.Total != 30*time.Minute+20*time.Minute+60*time.Minute {
		t.Errorf("total = %v, want 1h50m", m.Total)
	}
	if want := at("2026-03-11T23:00:00Z").Sub(at("2026-03-09T08:00:00Z")); m.Span != want {
		t.Errorf("span = %v, want %v", m.Span, want)
	}
	if m.Aggregate != AggregateMedian {
		t.Errorf("aggregate %v", m.Aggregate)
	}
	// median of 10m and 30m: 20m
	eqDur(t, "ttd", m.TimeToDetect, dur(20*time.Minute))
	// occurrence 1: impact ended 14:20 the next day; occurrence 2: 60m
	o1 := at("2026-03-10T14:20:00Z").Sub(at("2026-03-09T08:00:00Z"))
	eqDur(t, "ttm occurrence 1", m.Occurrences[0].TimeToMitigate, dur(o1))
	eqDur(t, "ttm", m.TimeToMitigate, dur((o1+time.Hour)/2))
	// only the second occurrence was resolved: 12h
	eqDur(t, "ttr", m.TimeToResolve, dur(12*time.Hour))
}

func TestDeriveMetricsFallsBackToIncidents(t *testing.T) {
	r1 := at("2026-09-02T10:45:00Z")
	r2 := at("2026-09-16T07:20:00Z")
	incidents := []Incident{
		{ID: "b", StartedAt: at("2026-09-16T07:00:00Z"), ResolvedAt: &r2},
		{ID: "a", StartedAt: at("2026-09-02T10:00:00Z"), ResolvedAt: &r1},
	}
	// only notes: the timeline says nothing about start and end
	m := DeriveMetrics([]TimelineEntry{entry("2026-09-02T11:00:00Z", KindNote)}, incidents)
	if len(m.Occurrences) != 2 || m.Occurrences[0].IncidentID != "a" {
		t.Fatalf("occurrences = %+v, want a then b", m.Occurrences)
	}
	if !m.Start.Equal(at("2026-09-02T10:00:00Z")) || !m.End.Equal(r2) {
		t.Errorf("start %v end %v", m.Start, m.End)
	}
	if m.Total != 65*time.Minute {
		t.Errorf("total = %v, want 1h5m", m.Total)
	}
	eqDur(t, "ttd", m.TimeToDetect, nil)
}

// The second demo seed's shape: two linked incidents 18 days apart, the
// second with a recurrence inside it. Two occurrences, not four.
func TestDeriveMetricsSeedShape(t *testing.T) {
	r1, r2 := at("2024-09-12T09:40:00Z"), at("2024-09-30T18:15:00Z")
	incidents := []Incident{
		{ID: "one", StartedAt: at("2024-09-12T08:20:00Z"), ResolvedAt: &r1},
		{ID: "two", StartedAt: at("2024-09-30T17:05:00Z"), ResolvedAt: &r2},
	}
	tl := []TimelineEntry{
		entry("2024-09-12T07:55:00Z", KindTrigger),
		entry("2024-09-12T08:14:00Z", KindImpactStart),
		entry("2024-09-12T08:19:00Z", KindDetected),
		entry("2024-09-12T09:03:00Z", KindMitigated),
		entry("2024-09-12T09:40:00Z", KindResolved),
		entry("2024-09-30T17:02:00Z", KindImpactStart),
		entry("2024-09-30T17:06:00Z", KindDetected),
		entry("2024-09-30T17:20:00Z", KindMitigated),
		entry("2024-09-30T17:30:00Z", KindRecurred),
		entry("2024-09-30T17:35:00Z", KindMitigated),
		entry("2024-09-30T18:15:00Z", KindResolved),
		{Text: "no time", Precision: PrecisionNone, Kind: KindImpactStart},
	}
	m := DeriveMetrics(tl, incidents)
	if len(m.Occurrences) != 2 {
		t.Fatalf("occurrences = %d, want 2", len(m.Occurrences))
	}
	o1, o2 := m.Occurrences[0], m.Occurrences[1]
	if o1.IncidentID != "one" || o2.IncidentID != "two" || len(o2.Cycles) != 2 {
		t.Fatalf("wrong assignment: %+v", m.Occurrences)
	}
	if o1.Duration != 49*time.Minute || o2.Duration != 18*time.Minute+5*time.Minute {
		t.Errorf("durations %v %v", o1.Duration, o2.Duration)
	}
	if m.Total != o1.Duration+o2.Duration {
		t.Errorf("total %v", m.Total)
	}
	eqDur(t, "ttd", m.TimeToDetect, dur((5*time.Minute+4*time.Minute)/2))
}
func TestDeriveMetricsOpenIncident(t *testing.T) {
	m := DeriveMetrics([]TimelineEntry{entry("2026-03-09T08:00:00Z", KindDetected)}, nil)
	if len(m.Cycles) != 1 || m.End != nil || m.Span != 0 {
		t.Fatalf("open incident: %+v", m)
	}
	eqDur(t, "ttd", m.TimeToDetect, dur(0))
	eqDur(t, "ttr", m.TimeToResolve, nil)
	if empty := DeriveMetrics(nil, nil); empty.Start != nil || len(empty.Occurrences) != 0 {
		t.Errorf("empty input: %+v", empty)
	}
}

func TestIncidentDurationAndWorstStatus(t *testing.T) {
	r := at("2026-03-09T08:00:40Z")
	in := Incident{StartedAt: at("2026-03-09T08:00:00Z"), ResolvedAt: &r, Components: []AffectedComponent{
		{ComponentID: "a", Status: ComponentDegraded},
		{ComponentID: "b", Status: ComponentMajorOutage},
		{ComponentID: "c", Status: ComponentPartialOutage},
	}}
	if d := in.Duration(time.Now()); d != 40*time.Second {
		t.Errorf("duration %v", d)
	}
	if w := in.WorstComponentStatus(); w != ComponentMajorOutage {
		t.Errorf("worst %v", w)
	}
	open := Incident{StartedAt: at("2026-03-09T08:00:00Z")}
	if d := open.Duration(at("2026-03-09T09:00:00Z")); d != time.Hour {
		t.Errorf("open duration %v", d)
	}
}
