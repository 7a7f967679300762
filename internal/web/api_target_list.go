package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiTargetList lists the publish targets, without their secrets.
func (s *Server) apiTargetList(c *gin.Context) {
	ts, err := s.store.ListTargets(c.Request.Context())
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := make([]targetView, 0, len(ts))
	for _, t := range ts {
		out = append(out, viewTarget(t))
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// apiTargetGet reads one target, without its secret.
func (s *Server) apiTargetGet(c *gin.Context) {
	t, err := s.store.GetTarget(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, viewTarget(t))
}
