package web

import (
	"context"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
)

// redactDeliveries hides the targets' secrets and URL query strings in
// delivery logs before authors see them (issue 10, finding 8). When the
// targets cannot be read, the shape-based redaction still applies.
func (s *Server) redactDeliveries(ctx context.Context, ds []domain.Delivery) []domain.Delivery {
	secrets := map[string]string{}
	if ts, err := s.store.ListTargets(ctx); err == nil {
		for _, t := range ts {
			secrets[t.ID] = t.Secret
		}
	}
	return publish.RedactDeliveries(ds, secrets)
}
