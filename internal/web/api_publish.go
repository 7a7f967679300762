package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// unpublishRequest is the body of POST /api/v1/rcas/{id}/unpublish.
type unpublishRequest struct {
	Comment string `json:"comment"`
	Version int64  `json:"version"`
}

// apiRCAPublish publishes an approved RCA (or re-publishes a published one
// after an edit) to the status page and queues a delivery for every enabled
// target. Re-publishing updates each target instead of duplicating it.
func (s *Server) apiRCAPublish(c *gin.Context) {
	res, err := s.app.Publish(c.Request.Context(), actorOf(c), c.Param("id"), 0)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
