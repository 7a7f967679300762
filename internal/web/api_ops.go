package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthz answers 200 while the process runs.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 when storage answers within two seconds, else 503.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readiness check failed", "request_id", requestID(c), "err", err)
		abortJSON(c, http.StatusServiceUnavailable, codeUnavailable, "")
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
