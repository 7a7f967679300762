package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
)

// apiTargetCreate adds a target; new targets are enabled unless told otherwise.
func (s *Server) apiTargetCreate(c *gin.Context) {
	var in targetInput
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	t := domain.Target{Enabled: true}
	in.apply(&t)
	if err := publish.NormalizeTarget(&t, true); err != nil {
		s.apiError(c, err)
		return
	}
	t.ID = domain.NewID()
	t.CreatedAt, t.UpdatedAt = s.now(), s.now()
	if err := s.store.CreateTarget(ctx, &t); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "target.create", "target:"+t.ID, map[string]string{"kind": string(t.Kind), "name": t.Name})
	c.JSON(http.StatusCreated, viewTarget(t))
}
