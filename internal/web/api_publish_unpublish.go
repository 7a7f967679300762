package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiRCAUnpublish takes a published RCA back to draft (a reason is
// required), removes it from the status page and reverts it on every target
// that had it.
func (s *Server) apiRCAUnpublish(c *gin.Context) {
	var in unpublishRequest
	if !bindJSON(c, &in) {
		return
	}
	res, err := s.app.Unpublish(c.Request.Context(), actorOf(c), c.Param("id"), in.Comment, in.Version)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
