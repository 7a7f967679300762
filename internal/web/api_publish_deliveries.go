package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// apiRCADeliveries lists the deliveries of an RCA, newest first.
func (s *Server) apiRCADeliveries(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := s.store.GetRCA(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	ds, err := s.store.ListDeliveries(ctx, r.ID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	if ds == nil {
		ds = []domain.Delivery{}
	}
	c.JSON(http.StatusOK, gin.H{"items": s.redactDeliveries(ctx, ds)})
}
