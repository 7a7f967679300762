package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// apiRCAUnpublish takes a published RCA back to draft (a reason is
// required), removes it from the status page and reverts it on every target
// that had it.
func (s *Server) apiRCAUnpublish(c *gin.Context) {
	var in unpublishRequest
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	u := mustUser(c)
	r, err := s.store.GetRCA(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	if r.State != domain.StatePublished {
		s.apiError(c, &httpError{Status: http.StatusConflict, Code: codeInvalidTransition,
			Message: "Only a published RCA can be unpublished.", Err: domain.ErrInvalidTransition})
		return
	}
	r, err = s.transitionRCA(ctx, u, effectiveRole(c), r.ID, stateChange{To: domain.StateDraft, Comment: in.Comment, Version: in.Version})
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.enqueueAndAnswer(ctx, c, u, r, "rca.unpublish")
}
