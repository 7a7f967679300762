package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// stateChange is the body of POST /api/v1/rcas/{id}/state.
type stateChange struct {
	To      domain.RCAState `json:"to"`
	Comment string          `json:"comment"`
	// Version is the version read: required (422 without), 409 when stale.
	Version int64 `json:"version"`
	// OverrideReason submits for review although sections fail (flow).
	OverrideReason string `json:"override_reason"`
}

func (s *Server) apiRCAState(c *gin.Context) {
	var in stateChange
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.app.ChangeState(c.Request.Context(), actorOf(c), c.Param("id"), app.StateChange(in))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}
