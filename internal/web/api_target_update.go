package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
)

// apiTargetUpdate replaces a target; the body names the version it read.
func (s *Server) apiTargetUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	t, err := s.store.GetTarget(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	var in targetInput
	if !s.bindReplace(c, &in, viewTarget(t)) { // hygiene: the GET document is accepted back
		return
	}
	if err := checkVersion(in.Version); err != nil {
		s.apiError(c, err)
		return
	}
	if in.Kind == "" {
		in.Kind = t.Kind
	}
	old := t
	in.apply(&t)
	t.Version = in.Version
	if err := publish.NormalizeTarget(&t, false); err != nil {
		s.apiError(c, err)
		return
	}
	if err := publish.CheckSecretFollows(old, t); err != nil {
		s.apiError(c, err)
		return
	}
	t.UpdatedAt = s.now()
	if err := s.store.UpdateTarget(ctx, &t); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "target.update", "target:"+t.ID, map[string]string{"secret_changed": boolText(in.Secret != "")})
	t, err = s.store.GetTarget(ctx, t.ID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, viewTarget(t))
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
