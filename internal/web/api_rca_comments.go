package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// commentInput is the body of POST /api/v1/rcas/{id}/comments.
type commentInput struct {
	SectionKey string `json:"section_key"` // "" for the RCA as a whole
	Body       string `json:"body"`
}

func (s *Server) apiRCAComments(c *gin.Context) {
	list, err := s.app.Comments(c.Request.Context(), actorOf(c), c.Param("id"))
	writeAll(s, c, list, err)
}

func (s *Server) apiRCACommentAdd(c *gin.Context) {
	var in commentInput
	if !bindJSON(c, &in) {
		return
	}
	cm, err := s.app.AddComment(c.Request.Context(), actorOf(c), c.Param("id"), in.SectionKey, in.Body)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusCreated, cm)
}

func (s *Server) apiRCACommentResolve(c *gin.Context) {
	cm, err := s.app.ResolveComment(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("cid"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, cm)
}
