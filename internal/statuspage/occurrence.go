package statuspage

import (
	"context"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// This file belongs to the metrics area: the incident pages say how long an
// incident lasted with the same numbers as the published RCA's exports.

// lasted is how long in's impact lasted: its occurrence in the metrics of
// the first published RCA that explains it (external timeline entries only,
// as the public report), else its own start to resolution.
func (s *Site) lasted(ctx context.Context, c *Content, in domain.Incident, now time.Time) time.Duration {
	for _, r := range c.PublishedRCAs(in) {
		m := domain.DeriveMetrics(externalTimeline(r.Timeline), s.rcaIncidents(ctx, c, r))
		if o, ok := m.OccurrenceOf(in.ID); ok && o.End != nil {
			return o.Duration
		}
	}
	return in.Duration(now)
}

func externalTimeline(entries []domain.TimelineEntry) []domain.TimelineEntry {
	out := make([]domain.TimelineEntry, 0, len(entries))
	for _, e := range entries {
		if e.Visibility != domain.Internal {
			out = append(out, e)
		}
	}
	return out
}

// rcaIncidents are the incidents r links, from the loaded content or the
// store.
func (s *Site) rcaIncidents(ctx context.Context, c *Content, r domain.RCA) []domain.Incident {
	var incidents []domain.Incident
	for _, id := range r.IncidentIDs {
		found := false
		for _, in := range c.Incidents {
			if in.ID == id {
				incidents, found = append(incidents, in), true
				break
			}
		}
		if !found && s.store != nil {
			if in, err := s.store.GetIncident(ctx, id); err == nil {
				incidents = append(incidents, in)
			}
		}
	}
	return incidents
}
