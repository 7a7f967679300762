package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiTargetDelete removes a target; its past deliveries stay listed.
func (s *Server) apiTargetDelete(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	if err := s.store.DeleteTarget(ctx, id); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "target.delete", "target:"+id, nil)
	c.Status(http.StatusNoContent)
}
