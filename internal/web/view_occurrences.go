package web

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// This file belongs to the metrics area.

// orgZone is the organisation's time zone (the configured default): where
// "overdue" is decided, so a due day lasts until its end there.
func (s *Server) orgZone() *time.Location {
	if loc, err := domain.LoadZone(s.cfg.DefaultTimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// rcaWithMetrics is an RCA as the API answers it: the document plus its
// derived metrics (read-only; ignored when sent back).
// metricsEcho accepts the read-only "metrics" of an RCA sent back as read.
type metricsEcho struct {
	Metrics json.RawMessage `json:"metrics,omitempty"`
}

type rcaWithMetrics struct {
	domain.RCA
	Metrics domain.Metrics `json:"metrics"`
}

// withMetrics derives r's metrics from its timeline and the linked
// incidents that still exist, the same model every output uses.
func (s *Server) withMetrics(ctx context.Context, r domain.RCA) rcaWithMetrics {
	var incidents []domain.Incident
	for _, id := range r.IncidentIDs {
		if in, err := s.store.GetIncident(ctx, id); err == nil {
			incidents = append(incidents, in)
		}
	}
	return rcaWithMetrics{RCA: r, Metrics: domain.DeriveMetrics(r.Timeline, incidents)}
}
