package app

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// Moved with the pre-fill from the page handler (page_rca_new.go).
func TestTimelineFromIncident(t *testing.T) {
	in := domain.Incident{Title: "Down", StartedAt: t0, Updates: []domain.IncidentUpdate{
		{Status: domain.UpdateInvestigating, Body: "Looking", At: t0.Add(time.Minute)},
		{Status: domain.UpdateProgress, Body: "Still looking", At: t0.Add(2 * time.Minute)},
		{Status: domain.UpdateMonitoring, Body: "Fix out", At: t0.Add(3 * time.Minute)},
		{Status: domain.UpdateResolved, Body: "", At: t0.Add(4 * time.Minute)}, // empty text: skipped
	}}
	got := TimelineFromIncident(in, nil)
	var kinds []string
	for _, e := range got {
		kinds = append(kinds, string(e.Kind))
	}
	if want := "impact_start,detected,note,mitigated"; strings.Join(kinds, ",") != want {
		t.Errorf("kinds = %s, want %s", strings.Join(kinds, ","), want)
	}
	if again := TimelineFromIncident(in, got); len(again) != 0 {
		t.Errorf("importing twice adds %d entries", len(again))
	}
}

func TestPrefillFromIncidents(t *testing.T) {
	r := domain.RCA{}
	a := domain.Incident{ID: "a", Title: "A", StartedAt: t0.Add(time.Hour), Components: []domain.AffectedComponent{{ComponentID: "c1"}}}
	b := domain.Incident{ID: "b", Title: "B", StartedAt: t0, Components: []domain.AffectedComponent{{ComponentID: "c1"}, {ComponentID: "c2"}}}
	names := map[string]string{"c1": "API"}
	PrefillFromIncident(&r, a, names)
	PrefillFromIncident(&r, b, names)
	if strings.Join(r.IncidentIDs, ",") != "a,b" {
		t.Errorf("links = %v", r.IncidentIDs)
	}
	if r.IncidentDate != nil {
		t.Errorf("incident date = %v, want none (it derives from the incidents)", r.IncidentDate)
	}
	if strings.Join(r.AffectedServices, ",") != "API,c2" {
		t.Errorf("services = %v", r.AffectedServices)
	}
	if len(r.Timeline) != 2 {
		t.Errorf("timeline = %d entries, want 2", len(r.Timeline))
	}
}
