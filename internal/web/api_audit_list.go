package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/store"
)

// apiAuditList lists audit events, newest first, filtered by actor, action
// (a prefix such as "rca."), target and since.
func (s *Server) apiAuditList(c *gin.Context) {
	var f store.AuditFilter
	var err error
	if f.Page, err = queryPage(c); err != nil {
		s.apiError(c, err)
		return
	}
	if f.Since, err = queryTime(c, "since"); err != nil {
		s.apiError(c, err)
		return
	}
	f.Actor, f.Action, f.Target = c.Query("actor"), c.Query("action"), c.Query("target")
	items, total, err := s.store.ListAudit(c.Request.Context(), f)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(items, total, f.Page))
}
