// Package export loads what a report shows besides the RCA itself, so that the
// web handlers and the command line build every report from the same inputs.
package export

import (
	"context"
	"errors"
	"fmt"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Inputs are the store's part of a report: the RCA's incidents, the
// status-page components and, for the internal audience, author names.
type Inputs struct {
	Incidents  []domain.Incident
	Components []domain.Component
	Authors    map[string]string // user id -> display name
}

// Load reads the inputs of r's report for audience. An incident or author
// deleted since it was linked is left out; the report shows what is left.
// Author names are read only for the internal audience.
func Load(ctx context.Context, st store.Store, r domain.RCA, audience report.Audience) (Inputs, error) {
	in := Inputs{Authors: map[string]string{}}
	for _, id := range r.IncidentIDs {
		inc, err := st.GetIncident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return Inputs{}, fmt.Errorf("export: load incident %s: %w", id, err)
		}
		in.Incidents = append(in.Incidents, inc)
	}
	comps, err := st.ListComponents(ctx)
	if err != nil {
		return Inputs{}, fmt.Errorf("export: list components: %w", err)
	}
	in.Components = comps
	if audience != report.Internal {
		return in, nil
	}
	for _, id := range r.Authors {
		u, err := st.GetUser(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return Inputs{}, fmt.Errorf("export: load author %s: %w", id, err)
		}
		in.Authors[id] = u.DisplayName()
	}
	return in, nil
}
