package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// reviewersBody is the body of PUT /api/v1/rcas/{id}/reviewers (flow).
type reviewersBody struct {
	Reviewers []string `json:"reviewers"` // user ids
	// Version is the version read: required (422 without), 409 when stale.
	Version int64 `json:"version"`
}

// apiRCAReviewers assigns the reviewers of an RCA.
func (s *Server) apiRCAReviewers(c *gin.Context) {
	var in reviewersBody
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.app.AssignReviewers(c.Request.Context(), actorOf(c), c.Param("id"), in.Reviewers, in.Version)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}
