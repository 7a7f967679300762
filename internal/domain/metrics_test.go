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
	if len(m.Cycles) != 1 {
		t.Fatalf("cycles = %d, want 1 (a trigger followed by impact start is one cycle)", len(m.Cycles))
	}
	if !m.Start.Equal(at("2026-03-09T08:05:00Z")) {
		t.Errorf("start = %v", m.Start)
	}
	if !m.End.Equal(at("2026-03-09T09:05:00Z")) {
		t.Errorf("end = %v", m.End)
	}
	eqDur(t, "ttd", m.TimeToDetect, dur(15*time.Minute))
	eqDur(t, "ttm", m.TimeToMitigate, dur(45*time.Minute))
	eqDur(t, "ttr", m.TimeToResolve, dur(60*time.Minute))
	if m.Impact != 45*time.Minute || m.Span != 60*time.Minute {
		t.Errorf("impact %v span %v", m.Impact, m.Span)
	}
	if m.Recurred() {
		t.Error("single cycle reported as recurred")
	}
}

// A problem that came back twice over three days: three start/mitigate cycles.
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
	if len(m.Cycles) != 3 {
		t.Fatalf("cycles = %d, want 3: %+v", len(m.Cycles), m.Cycles)
	}
	if !m.Recurred() {
		t.Error("recurring timeline not reported as recurred")
	}
	if m.Impact != 30*time.Minute+20*time.Minute+60*time.Minute {
		t.Errorf("impact = %v, want 1h50m", m.Impact)
	}
	if want := at("2026-03-12T10:00:00Z").Sub(at("2026-03-09T08:00:00Z")); m.Span != want {
		t.Errorf("span = %v, want %v", m.Span, want)
	}
	// mean of 10m, 2m, 30m
	eqDur(t, "ttd", m.TimeToDetect, dur(14*time.Minute))
	// mean of 30m, 20m, 60m
	eqDur(t, "ttm", m.TimeToMitigate, dur(110*time.Minute/3))
	// only the last cycle was resolved: 12h
	eqDur(t, "ttr", m.TimeToResolve, dur(12*time.Hour))
	if m.Cycles[2].Resolved == nil || m.Cycles[0].Resolved != nil {
		t.Error("resolution attached to the wrong cycle")
	}
}

func TestDeriveMetricsFallsBackToIncidents(t *testing.T) {
	r1 := at("2026-09-02T10:45:00Z")
	r2 := at("2026-09-16T07:20:00Z")
	incidents := []Incident{
		{StartedAt: at("2026-09-16T07:00:00Z"), ResolvedAt: &r2},
		{StartedAt: at("2026-09-02T10:00:00Z"), ResolvedAt: &r1},
	}
	// only notes: the timeline says nothing about start and end
	m := DeriveMetrics([]TimelineEntry{entry("2026-09-02T11:00:00Z", KindNote)}, incidents)
	if len(m.Cycles) != 2 {
		t.Fatalf("cycles = %d, want 2", len(m.Cycles))
	}
	if !m.Start.Equal(at("2026-09-02T10:00:00Z")) || !m.End.Equal(r2) {
		t.Errorf("start %v end %v", m.Start, m.End)
	}
	if m.Impact != 65*time.Minute {
		t.Errorf("impact = %v, want 1h5m", m.Impact)
	}
	eqDur(t, "ttd", m.TimeToDetect, nil)
}

func TestDeriveMetricsOpenIncident(t *testing.T) {
	m := DeriveMetrics([]TimelineEntry{entry("2026-03-09T08:00:00Z", KindDetected)}, nil)
	if len(m.Cycles) != 1 || m.End != nil || m.Span != 0 {
		t.Fatalf("open incident: %+v", m)
	}
	eqDur(t, "ttd", m.TimeToDetect, dur(0))
	eqDur(t, "ttr", m.TimeToResolve, nil)
	if empty := DeriveMetrics(nil, nil); empty.Start != nil || len(empty.Cycles) != 0 {
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
