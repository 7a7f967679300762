package statuspage

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

func sampleContent() *Content {
	comps := []domain.Component{
		{ID: "c-api", Name: "API", Group: "Core", Status: domain.ComponentDegraded, CreatedAt: at("2024-01-01T00:00:00Z"), UpdatedAt: at("2024-09-01T00:00:00Z")},
		{ID: "c-db", Name: "Database", Group: "Core", Status: domain.ComponentOperational, CreatedAt: at("2024-01-02T00:00:00Z"), UpdatedAt: at("2024-01-02T00:00:00Z")},
		{ID: "c-web", Name: "Website", Description: "Marketing site", Status: domain.ComponentOperational, CreatedAt: at("2024-01-03T00:00:00Z"), UpdatedAt: at("2024-01-03T00:00:00Z")},
	}
	resolved := domain.Incident{
		ID: "inc-1", Title: "API errors", Impact: domain.ImpactMajor, Status: domain.StatusResolved,
		StartedAt: at("2024-09-03T10:00:00Z"), ResolvedAt: ptr(at("2024-09-03T11:00:00Z")),
		Components: []domain.AffectedComponent{{ComponentID: "c-api", Status: domain.ComponentPartialOutage}},
		Updates: []domain.IncidentUpdate{
			{ID: "u3", Status: domain.UpdateResolved, Body: "Fixed.", At: at("2024-09-03T11:00:00Z")},
			{ID: "u1", Status: domain.UpdateInvestigating, Body: "Looking.", At: at("2024-09-03T10:00:00Z")},
			{ID: "u2", Status: domain.UpdateProgress, Body: "Still looking.", At: at("2024-09-03T10:20:00Z")},
			{ID: "u2b", Status: domain.UpdateMonitoring, Body: "Watching.", At: at("2024-09-03T10:40:00Z")},
		},
		RCAIDs: []string{"rca-pub"},
	}
	open := domain.Incident{
		ID: "inc-2", Title: "Slow website", Impact: domain.ImpactMinor, Status: domain.StatusInvestigating,
		StartedAt: at("2024-09-20T08:00:00Z"),
		Updates:   []domain.IncidentUpdate{{ID: "v1", Status: domain.UpdateInvestigating, Body: "Slow.", At: at("2024-09-20T08:00:00Z")}},
		RCAIDs:    []string{"rca-draft"},
	}
	return &Content{
		Page:       V2Page{ID: "page1", Name: "Acme", URL: "https://status.example.com", TimeZone: "UTC"},
		BaseURL:    "https://status.example.com/",
		Components: comps,
		Incidents:  []domain.Incident{open, resolved},
		RCAs: map[string]domain.RCA{
			"rca-pub":   {ID: "rca-pub", State: domain.StatePublished, IncidentIDs: []string{"inc-1"}, PublishedAt: ptr(at("2024-09-10T00:00:00Z"))},
			"rca-draft": {ID: "rca-draft", State: domain.StateApproved, IncidentIDs: []string{"inc-2"}},
		},
	}
}

func TestV2IncidentMapping(t *testing.T) {
	c := sampleContent()
	tests := []struct {
		name       string
		incident   int
		status     string
		impact     string
		updates    []string
		monitoring bool
	}{
		{"resolved with published RCA is postmortem", 1, "postmortem", "major", []string{"resolved", "monitoring", "investigating", "investigating"}, true},
		{"open with unpublished RCA keeps its status", 0, "investigating", "minor", []string{"investigating"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.V2Incident(c.Incidents[tt.incident])
			if v.Status != tt.status || v.Impact != tt.impact {
				t.Fatalf("status/impact = %s/%s, want %s/%s", v.Status, v.Impact, tt.status, tt.impact)
			}
			var got []string
			for _, u := range v.IncidentUpdates {
				got = append(got, u.Status)
				if u.IncidentID != v.ID {
					t.Errorf("update %s incident_id %q", u.ID, u.IncidentID)
				}
			}
			if len(got) != len(tt.updates) {
				t.Fatalf("updates %v, want %v", got, tt.updates)
			}
			for i := range got {
				if got[i] != tt.updates[i] {
					t.Fatalf("updates %v, want %v (newest first)", got, tt.updates)
				}
			}
			if (v.MonitoringAt != nil) != tt.monitoring {
				t.Errorf("monitoring_at = %v", v.MonitoringAt)
			}
			if v.Shortlink != "https://status.example.com/status/incidents/"+v.ID {
				t.Errorf("shortlink %q", v.Shortlink)
			}
		})
	}
}

func TestV2IncidentAffectedComponents(t *testing.T) {
	c := sampleContent()
	v := c.V2Incident(c.Incidents[1])
	// newest first: resolved update brings the API back, first update took it down.
	last := v.IncidentUpdates[len(v.IncidentUpdates)-1]
	if len(last.AffectedComponents) != 1 || last.AffectedComponents[0] != (V2AffectedComponent{Code: "c-api", Name: "API", OldStatus: "operational", NewStatus: "partial_outage"}) {
		t.Errorf("first update affected = %+v", last.AffectedComponents)
	}
	first := v.IncidentUpdates[0]
	if len(first.AffectedComponents) != 1 || first.AffectedComponents[0].NewStatus != "operational" {
		t.Errorf("resolved update affected = %+v", first.AffectedComponents)
	}
	if v.IncidentUpdates[1].AffectedComponents != nil {
		t.Errorf("middle update should carry null affected_components")
	}
	b, _ := json.Marshal(v.IncidentUpdates[1])
	if !json.Valid(b) || !strings.Contains(string(b), `"affected_components":null`) {
		t.Errorf("json %s", b)
	}
	if len(v.Components) != 1 || v.Components[0].ID != "c-api" {
		t.Errorf("components %+v", v.Components)
	}
}

func TestV2ComponentsGroups(t *testing.T) {
	c := sampleContent()
	got := c.V2Components()
	if len(got) != 4 {
		t.Fatalf("want group + 3 components, got %d: %+v", len(got), got)
	}
	g := got[0]
	if !g.Group || g.Name != "Core" || g.ID != GroupID("Core") || len(g.Components) != 2 {
		t.Fatalf("group = %+v", g)
	}
	if g.Status != "degraded_performance" {
		t.Errorf("group status %s, want worst member's", g.Status)
	}
	for _, v := range got[1:3] {
		if v.GroupID == nil || *v.GroupID != g.ID {
			t.Errorf("%s group_id = %v", v.Name, v.GroupID)
		}
	}
	if got[3].GroupID != nil || got[3].Description == nil || *got[3].Description != "Marketing site" {
		t.Errorf("website = %+v", got[3])
	}
	for i := 1; i < len(got); i++ {
		if got[i].Position <= got[i-1].Position {
			t.Errorf("positions not increasing: %d then %d", got[i-1].Position, got[i].Position)
		}
	}
}

func TestOverallStatus(t *testing.T) {
	op := domain.Component{Status: domain.ComponentOperational}
	tests := []struct {
		name  string
		comps []domain.Component
		open  []domain.Incident
		want  string
	}{
		{"all operational", []domain.Component{op}, nil, "none"},
		{"degraded", []domain.Component{op, {Status: domain.ComponentDegraded}}, nil, "minor"},
		{"partial", []domain.Component{{Status: domain.ComponentPartialOutage}}, nil, "major"},
		{"major outage", []domain.Component{{Status: domain.ComponentMajorOutage}, {Status: domain.ComponentDegraded}}, nil, "critical"},
		{"maintenance", []domain.Component{{Status: domain.ComponentMaintenance}}, nil, "maintenance"},
		{"open critical incident", []domain.Component{op}, []domain.Incident{{Impact: domain.ImpactCritical}}, "critical"},
		{"open impact none", []domain.Component{op}, []domain.Incident{{Impact: domain.ImpactNone}}, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OverallStatus(tt.comps, tt.open); got.Indicator != tt.want || got.Description == "" {
				t.Errorf("got %+v, want %s", got, tt.want)
			}
		})
	}
}

func TestSummaryAndDocs(t *testing.T) {
	c := sampleContent()
	s := c.Summary()
	if len(s.Incidents) != 1 || s.Incidents[0].ID != "inc-2" {
		t.Fatalf("summary incidents = %+v", s.Incidents)
	}
	if s.Status.Indicator != "minor" {
		t.Errorf("indicator %s", s.Status.Indicator)
	}
	if len(c.IncidentsDoc(false).Incidents) != 2 || len(c.IncidentsDoc(true).Incidents) != 1 {
		t.Errorf("incidents docs wrong sizes")
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"page":{"id":"page1"`, `"time_zone":"UTC"`, `"scheduled_maintenances":[]`, `"incident_updates":[`, `"only_show_if_degraded":false`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("summary.json lacks %s", key)
		}
	}
}

func TestRawEnumsShownAsSent(t *testing.T) {
	c := sampleContent()
	in := c.Incidents[0]
	in.Source = &domain.Source{System: "statuspage", ID: "x", RawStatus: "scheduled", RawImpact: "maintenance"}
	v := c.V2Incident(in)
	if v.Status != "scheduled" || v.Impact != "maintenance" {
		t.Errorf("got %s/%s", v.Status, v.Impact)
	}
}

func TestDropTitle(t *testing.T) {
	for in, want := range map[string]string{
		"# Upload errors\n\n- **Date:** x\n": "- **Date:** x\n",
		"## Summary\n\nText":                 "## Summary\n\nText",
		"# Only a title":                     "",
		"":                                   "",
	} {
		if got := dropTitle(in); got != want {
			t.Errorf("dropTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
