package statuspage

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Content is everything the public status page shows at one moment: the
// components, the incidents in view and the published RCAs linked to them.
// RCAs holds published RCAs only; Load never puts anything else in it.
type Content struct {
	Page       V2Page
	BaseURL    string // public base URL, for shortlinks; no trailing slash
	Components []domain.Component
	Incidents  []domain.Incident // newest started first
	RCAs       map[string]domain.RCA

	byIncident map[string][]domain.RCA
}

// PublishedRCAs returns the published RCAs linked to incident id, oldest
// published first.
func (c *Content) PublishedRCAs(in domain.Incident) []domain.RCA {
	if c.byIncident == nil {
		c.byIncident = map[string][]domain.RCA{}
		for _, r := range c.RCAs {
			if r.State != domain.StatePublished {
				continue
			}
			for _, id := range r.IncidentIDs {
				c.byIncident[id] = append(c.byIncident[id], r)
			}
		}
		for id := range c.byIncident {
			list := c.byIncident[id]
			sort.Slice(list, func(i, j int) bool { return publishedAt(list[i]).Before(publishedAt(list[j])) })
		}
	}
	out := c.byIncident[in.ID]
	// An incident may name an RCA (store-derived) that does not name it back
	// in this snapshot; include it too when it is published.
	for _, id := range in.RCAIDs {
		r, ok := c.RCAs[id]
		if !ok || r.State != domain.StatePublished || containsRCA(out, id) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func containsRCA(list []domain.RCA, id string) bool {
	for _, r := range list {
		if r.ID == id {
			return true
		}
	}
	return false
}

func publishedAt(r domain.RCA) time.Time {
	if r.PublishedAt != nil {
		return *r.PublishedAt
	}
	return r.UpdatedAt
}

// GroupID is the stable id of the component group named name in v2 documents.
func GroupID(name string) string {
	sum := sha256.Sum256([]byte("group:" + name))
	return "grp" + hex.EncodeToString(sum[:10])
}

// V2Components maps the components to Statuspage's shape: a group becomes a
// component with group true listing its members, which name it in group_id.
func (c *Content) V2Components() []V2Component {
	out := make([]V2Component, 0, len(c.Components))
	groupAt := map[string]int{}
	pos := 0
	for _, comp := range c.Components {
		pos++
		v := c.v2Component(comp)
		v.Position = pos
		if comp.Group != "" {
			gid := GroupID(comp.Group)
			i, ok := groupAt[comp.Group]
			if !ok {
				out = append(out, V2Component{
					ID: gid, Name: comp.Group, Status: string(domain.ComponentOperational),
					CreatedAt: comp.CreatedAt.UTC(), UpdatedAt: comp.UpdatedAt.UTC(),
					Position: pos, PageID: c.Page.ID, Group: true, Components: []string{},
				})
				i = len(out) - 1
				groupAt[comp.Group] = i
				pos++
				v.Position = pos
			}
			g := &out[i]
			g.Components = append(g.Components, comp.ID)
			if comp.Status.Severity() > domain.ComponentStatus(g.Status).Severity() {
				g.Status = string(comp.Status)
			}
			if comp.CreatedAt.Before(g.CreatedAt) {
				g.CreatedAt = comp.CreatedAt.UTC()
			}
			if comp.UpdatedAt.After(g.UpdatedAt) {
				g.UpdatedAt = comp.UpdatedAt.UTC()
			}
			v.GroupID = &gid
		}
		out = append(out, v)
	}
	return out
}

func (c *Content) v2Component(comp domain.Component) V2Component {
	v := V2Component{
		ID: comp.ID, Name: comp.Name, Status: string(comp.Status),
		CreatedAt: comp.CreatedAt.UTC(), UpdatedAt: comp.UpdatedAt.UTC(),
		Position: comp.Position, Showcase: true, PageID: c.Page.ID,
	}
	if v.Status == "" {
		v.Status = string(domain.ComponentOperational)
	}
	if comp.Description != "" {
		d := comp.Description
		v.Description = &d
	}
	if comp.Group != "" {
		gid := GroupID(comp.Group)
		v.GroupID = &gid
	}
	return v
}

func (c *Content) component(id string) (domain.Component, bool) {
	for _, comp := range c.Components {
		if comp.ID == id {
			return comp, true
		}
	}
	return domain.Component{}, false
}

// IncidentStatus is the status Statuspage would show: postmortem once a
// resolved incident has a published RCA, else the source's own value when
// it sent one Hindsight does not know, else ours.
func (c *Content) IncidentStatus(in domain.Incident) string {
	if in.Status == domain.StatusResolved && len(c.PublishedRCAs(in)) > 0 {
		return statusPostmortem
	}
	if in.Source != nil && in.Source.RawStatus != "" {
		return in.Source.RawStatus
	}
	return string(in.Status)
}

// IncidentImpact is the impact as shown: the source's unknown value when it
// sent one, else ours.
func IncidentImpact(in domain.Incident) string {
	if in.Source != nil && in.Source.RawImpact != "" {
		return in.Source.RawImpact
	}
	if in.Impact == "" {
		return string(domain.ImpactNone)
	}
	return string(in.Impact)
}

// UpdateStatuses returns the Statuspage status of each update (same order as
// in.Updates, oldest first): a progress "update" carries the status before it.
func UpdateStatuses(in domain.Incident) []string {
	out := make([]string, len(in.Updates))
	cur := string(domain.StatusInvestigating)
	for i, u := range in.Updates {
		if u.Status != domain.UpdateProgress && u.Status != "" {
			cur = string(u.Status)
		}
		out[i] = cur
	}
	return out
}

// V2Incident maps one incident, updates newest first.
func (c *Content) V2Incident(in domain.Incident) V2Incident {
	updates := oldestFirst(in.Updates)
	in.Updates = updates
	v := V2Incident{
		ID: in.ID, Name: in.Title, Status: c.IncidentStatus(in),
		CreatedAt: in.StartedAt.UTC(), StartedAt: in.StartedAt.UTC(),
		Impact: IncidentImpact(in), Shortlink: c.IncidentURL(in.ID), PageID: c.Page.ID,
		IncidentUpdates: make([]V2IncidentUpdate, 0, len(updates)),
		Components:      []V2Component{},
	}
	if in.CreatedAt.Before(v.CreatedAt) && !in.CreatedAt.IsZero() && in.Source == nil {
		v.CreatedAt = in.CreatedAt.UTC()
	}
	v.UpdatedAt = latest(in.UpdatedAt, v.CreatedAt)
	if in.ResolvedAt != nil {
		t := in.ResolvedAt.UTC()
		v.ResolvedAt = &t
		v.UpdatedAt = latest(v.UpdatedAt, t)
	}
	for _, r := range c.PublishedRCAs(in) {
		v.UpdatedAt = latest(v.UpdatedAt, publishedAt(r))
	}
	statuses := UpdateStatuses(in)
	affected := c.affectedByUpdate(in)
	for i := len(updates) - 1; i >= 0; i-- {
		u := updates[i]
		at := u.At.UTC()
		if statuses[i] == string(domain.StatusMonitoring) && (v.MonitoringAt == nil || at.Before(*v.MonitoringAt)) {
			t := at
			v.MonitoringAt = &t
		}
		v.UpdatedAt = latest(v.UpdatedAt, at)
		v.IncidentUpdates = append(v.IncidentUpdates, V2IncidentUpdate{
			ID: u.ID, Status: statuses[i], Body: u.Body, IncidentID: in.ID,
			CreatedAt: at, UpdatedAt: at, DisplayAt: at,
			AffectedComponents: affected[i],
		})
	}
	for _, ac := range in.Components {
		if comp, ok := c.component(ac.ComponentID); ok {
			v.Components = append(v.Components, c.v2Component(comp))
		}
	}
	return v
}

// affectedByUpdate spreads the incident's affected components over its
// updates (index as in in.Updates): each component goes down on the last
// update at or before it was affected (the first update when unknown) and
// comes back on the first update at or after its interval ended (the first
// resolved update when unknown).
func (c *Content) affectedByUpdate(in domain.Incident) map[int][]V2AffectedComponent {
	out := map[int][]V2AffectedComponent{}
	if len(in.Updates) == 0 {
		return out
	}
	firstResolved := -1
	for i, u := range in.Updates {
		if u.Status == domain.UpdateResolved {
			firstResolved = i
			break
		}
	}
	for _, ac := range in.Components {
		name := ac.ComponentID
		if comp, ok := c.component(ac.ComponentID); ok {
			name = comp.Name
		}
		status := string(ac.Status)
		down := 0
		if ac.From != nil {
			for i, u := range in.Updates {
				if !u.At.After(*ac.From) {
					down = i
				}
			}
		}
		out[down] = append(out[down], V2AffectedComponent{Code: ac.ComponentID, Name: name, OldStatus: string(domain.ComponentOperational), NewStatus: status})
		up := firstResolved
		if ac.To != nil {
			up = -1
			for i, u := range in.Updates {
				if !u.At.Before(*ac.To) {
					up = i
					break
				}
			}
		}
		if up > down {
			out[up] = append(out[up], V2AffectedComponent{Code: ac.ComponentID, Name: name, OldStatus: status, NewStatus: string(domain.ComponentOperational)})
		}
	}
	return out
}

// IncidentURL is the public address of an incident's page.
func (c *Content) IncidentURL(id string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/status/incidents/" + id
}

// Unresolved returns the incidents not yet resolved, newest first.
func (c *Content) Unresolved() []domain.Incident {
	var out []domain.Incident
	for _, in := range c.Incidents {
		if in.ResolvedAt == nil && in.Status != domain.StatusResolved {
			out = append(out, in)
		}
	}
	return out
}

// OverallStatus is the page's indicator: the worst of the components'
// states and the unresolved incidents' impacts.
func OverallStatus(comps []domain.Component, unresolved []domain.Incident) V2Status {
	rank := 0 // 0 none, 1 minor, 2 major, 3 critical
	maintenance := false
	for _, comp := range comps {
		switch comp.Status {
		case domain.ComponentDegraded:
			rank = max(rank, 1)
		case domain.ComponentPartialOutage:
			rank = max(rank, 2)
		case domain.ComponentMajorOutage:
			rank = max(rank, 3)
		case domain.ComponentMaintenance:
			maintenance = true
		}
	}
	for _, in := range unresolved {
		switch in.Impact {
		case domain.ImpactMinor:
			rank = max(rank, 1)
		case domain.ImpactMajor:
			rank = max(rank, 2)
		case domain.ImpactCritical:
			rank = max(rank, 3)
		}
	}
	switch {
	case rank == 3:
		return V2Status{Indicator: "critical", Description: "Major System Outage"}
	case rank == 2:
		return V2Status{Indicator: "major", Description: "Partial System Outage"}
	case rank == 1:
		return V2Status{Indicator: "minor", Description: "Minor Service Outage"}
	case maintenance:
		return V2Status{Indicator: "maintenance", Description: "Service Under Maintenance"}
	}
	return V2Status{Indicator: "none", Description: "All Systems Operational"}
}

// Summary is summary.json: components, unresolved incidents and the status.
func (c *Content) Summary() V2Summary {
	un := c.Unresolved()
	s := V2Summary{
		Page: c.Page, Components: c.V2Components(),
		Incidents:             make([]V2Incident, 0, len(un)),
		ScheduledMaintenances: []V2Incident{},
		Status:                OverallStatus(c.Components, un),
	}
	for _, in := range un {
		s.Incidents = append(s.Incidents, c.V2Incident(in))
	}
	return s
}

// StatusDoc is status.json.
func (c *Content) StatusDoc() V2StatusDoc {
	return V2StatusDoc{Page: c.Page, Status: OverallStatus(c.Components, c.Unresolved())}
}

// ComponentsDoc is components.json.
func (c *Content) ComponentsDoc() V2ComponentsDoc {
	return V2ComponentsDoc{Page: c.Page, Components: c.V2Components()}
}

// IncidentsDoc is incidents.json (every incident in view, newest first) or,
// with unresolved, incidents/unresolved.json.
func (c *Content) IncidentsDoc(unresolved bool) V2IncidentsDoc {
	list := c.Incidents
	if unresolved {
		list = c.Unresolved()
	}
	d := V2IncidentsDoc{Page: c.Page, Incidents: make([]V2Incident, 0, len(list))}
	for _, in := range list {
		d.Incidents = append(d.Incidents, c.V2Incident(in))
	}
	return d
}

func oldestFirst(us []domain.IncidentUpdate) []domain.IncidentUpdate {
	out := make([]domain.IncidentUpdate, len(us))
	copy(out, us)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b.UTC()
	}
	return a.UTC()
}
