package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/store"
)

// apiAuditList lists audit events, newest first, filtered by actor, action
// (a prefix such as "rca."), target and since.
func (s *Server) apiAuditList(c *gin.Context) {
	q := listQuery{c: c}
	var f store.AuditFilter
	f.Page = q.page()
	f.Since = q.time("since")
	if q.err != nil {
		s.apiError(c, q.err)
		return
	}
	f.Actor, f.Action, f.Target = c.Query("actor"), c.Query("action"), c.Query("target")
	items, total, err := s.store.ListAudit(c.Request.Context(), f)
	writeList(s, c, items, total, f.Page, err)
}
