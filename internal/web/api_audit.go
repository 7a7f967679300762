package web

import (
	"context"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// audit appends an event to the audit log. The client address comes from
// ctx (set by the requestID middleware). A failure to write is logged, not
// returned: the action itself already happened.
func (s *Server) audit(ctx context.Context, actor, action, target string, detail map[string]string) {
	e := domain.AuditEvent{
		ID: domain.NewID(), At: s.now(), Actor: actor, Action: action, Target: target,
		IP: clientIPFrom(ctx), Detail: detail,
	}
	if err := s.store.AppendAudit(ctx, &e); err != nil {
		s.log.Error("append audit event", "action", action, "target", target, "err", err)
	}
}
