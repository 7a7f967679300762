package domain

import (
	"sort"
	"strconv"
	"time"
)

// Incident is something that went wrong, as shown on a status page.
type Incident struct {
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Impact     Impact              `json:"impact"`
	Status     IncidentStatus      `json:"status"`
	StartedAt  time.Time           `json:"started_at"`
	ResolvedAt *time.Time          `json:"resolved_at"`
	Components []AffectedComponent `json:"components"`
	Updates    []IncidentUpdate    `json:"updates"`
	Source     *Source             `json:"source,omitempty"`
	// RCAIDs is derived by the store from the RCAs that link this incident;
	// it is never written through an incident.
	RCAIDs    []string  `json:"rca_ids"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AffectedComponent is a component an incident touched, with its worst status
// and, when known, the interval it was affected.
type AffectedComponent struct {
	ComponentID string          `json:"component_id"`
	Status      ComponentStatus `json:"status"`
	From        *time.Time      `json:"from,omitempty"`
	To          *time.Time      `json:"to,omitempty"`
}

// IncidentUpdate is one message posted while an incident ran.
type IncidentUpdate struct {
	ID     string       `json:"id"`
	Status UpdateStatus `json:"status"`
	Body   string       `json:"body"`
	At     time.Time    `json:"at"`
}

// Source says where an imported incident came from. System is e.g. "statuspage";
// ID is the incident's id there. Import is idempotent by (System, ID).
type Source struct {
	System string `json:"system"`
	ID     string `json:"id"`
	PageID string `json:"page_id,omitempty"`
	URL    string `json:"url,omitempty"`
	// RawStatus and RawImpact keep enum values the source sent that Hindsight
	// does not know, so they can be shown as they were.
	RawStatus string `json:"raw_status,omitempty"`
	RawImpact string `json:"raw_impact,omitempty"`
	// UpdatedAt is the source's own last-change time, to skip stale imports.
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Normalize fills defaults, trims and orders updates oldest first and gives
// updates without an id one derived from their position.
func (in *Incident) Normalize() {
	if in.Impact == "" {
		in.Impact = ImpactNone
	}
	if in.Status == "" {
		in.Status = StatusInvestigating
	}
	in.StartedAt = in.StartedAt.UTC()
	if in.ResolvedAt != nil {
		t := in.ResolvedAt.UTC()
		in.ResolvedAt = &t
	}
	for i := range in.Updates {
		in.Updates[i].At = in.Updates[i].At.UTC()
	}
	sort.SliceStable(in.Updates, func(i, j int) bool { return in.Updates[i].At.Before(in.Updates[j].At) })
	for i := range in.Updates {
		if in.Updates[i].ID == "" {
			in.Updates[i].ID = "u" + strconv.Itoa(i+1) + "-" + NewID()[:8]
		}
	}
	if in.Components == nil {
		in.Components = []AffectedComponent{}
	}
	if in.Updates == nil {
		in.Updates = []IncidentUpdate{}
	}
	if in.RCAIDs == nil {
		in.RCAIDs = []string{}
	}
}

// Validate checks an incident before it is stored. Call Normalize first.
func (in *Incident) Validate() error {
	var ps problems
	checkTitle(&ps, "title", in.Title, true)
	if !in.Impact.Valid() {
		ps.add("impact", CodeUnknownEnum, string(in.Impact))
	}
	if !in.Status.Valid() {
		ps.add("status", CodeUnknownEnum, string(in.Status))
	}
	if in.StartedAt.IsZero() {
		ps.add("started_at", CodeRequired, "")
	}
	if in.ResolvedAt != nil && in.ResolvedAt.Before(in.StartedAt) {
		ps.add("resolved_at", CodeTimeOrder, "resolved_at is before started_at")
	}
	if len(in.Components) > MaxListLen {
		ps.add("components", CodeTooLong, "")
	}
	seen := map[string]bool{}
	for i, c := range in.Components {
		f := "components[" + strconv.Itoa(i) + "]"
		if c.ComponentID == "" {
			ps.add(f+".component_id", CodeRequired, "")
		}
		if seen[c.ComponentID] {
			ps.add(f+".component_id", CodeDuplicate, c.ComponentID)
		}
		seen[c.ComponentID] = true
		if !c.Status.Valid() {
			ps.add(f+".status", CodeUnknownEnum, string(c.Status))
		}
		if c.From != nil && c.To != nil && c.To.Before(*c.From) {
			ps.add(f+".to", CodeTimeOrder, "to is before from")
		}
	}
	if len(in.Updates) > MaxIncidentUpdates {
		ps.add("updates", CodeTooLong, "")
	}
	for i, u := range in.Updates {
		f := "updates[" + strconv.Itoa(i) + "]"
		if !u.Status.Valid() {
			ps.add(f+".status", CodeUnknownEnum, string(u.Status))
		}
		checkText(&ps, f+".body", u.Body, false, MaxBodyLen)
		if u.At.IsZero() {
			ps.add(f+".at", CodeRequired, "")
		}
	}
	in.checkLimits(&ps)
	return ps.err()
}

// AddUpdate appends an update and moves the incident's status with it: a
// "resolved" update resolves the incident at the update's time.
func (in *Incident) AddUpdate(u IncidentUpdate) {
	u.At = u.At.UTC()
	if u.ID == "" {
		u.ID = NewID()
	}
	in.Updates = append(in.Updates, u)
	sort.SliceStable(in.Updates, func(i, j int) bool { return in.Updates[i].At.Before(in.Updates[j].At) })
	switch u.Status {
	case UpdateInvestigating:
		in.Status = StatusInvestigating
	case UpdateIdentified:
		in.Status = StatusIdentified
	case UpdateMonitoring:
		in.Status = StatusMonitoring
	case UpdateResolved:
		in.Status = StatusResolved
		if in.ResolvedAt == nil || u.At.After(*in.ResolvedAt) {
			at := u.At
			in.ResolvedAt = &at
		}
	}
}

// Duration is how long the incident lasted; for an unresolved one, until now.
func (in *Incident) Duration(now time.Time) time.Duration {
	end := now
	if in.ResolvedAt != nil {
		end = *in.ResolvedAt
	}
	if end.Before(in.StartedAt) {
		return 0
	}
	return end.Sub(in.StartedAt)
}

// WorstComponentStatus is the worst status among the affected components,
// or operational when none is affected.
func (in *Incident) WorstComponentStatus() ComponentStatus {
	worst := ComponentOperational
	for _, c := range in.Components {
		if c.Status.Severity() > worst.Severity() {
			worst = c.Status
		}
	}
	return worst
}
