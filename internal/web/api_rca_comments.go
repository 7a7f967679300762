package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// commentInput is the body of POST /api/v1/rcas/{id}/comments.
type commentInput struct {
	SectionKey string `json:"section_key"` // "" for the RCA as a whole
	Body       string `json:"body"`
	// collab: the passage of the section the comment is about, and the
	// thread a reply joins (any comment of it).
	Quote    string `json:"quote,omitempty"`
	ParentID string `json:"parent_id,omitempty"`
}

// commentAnswer is a comment with its author's name (area collab).
type commentAnswer struct {
	domain.Comment
	AuthorName string `json:"author_name"`
}

func (s *Server) commentAnswers(c *gin.Context, list []domain.Comment) []commentAnswer {
	names, _ := s.app.UserNames(c.Request.Context())
	out := make([]commentAnswer, 0, len(list))
	for _, cm := range list {
		out = append(out, commentAnswer{Comment: cm, AuthorName: nameOf(cm.AuthorID, names)})
	}
	return out
}

func (s *Server) apiRCAComments(c *gin.Context) {
	list, err := s.app.Comments(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	writeAll(s, c, s.commentAnswers(c, list), nil)
}

func (s *Server) apiRCACommentAdd(c *gin.Context) {
	var in commentInput
	if !bindJSON(c, &in) {
		return
	}
	cm, err := s.app.AddCommentIn(c.Request.Context(), actorOf(c), c.Param("id"),
		app.CommentInput{SectionKey: in.SectionKey, Body: in.Body, Quote: in.Quote, ParentID: in.ParentID})
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.commentAnswers(c, []domain.Comment{cm})[0])
}

func (s *Server) apiRCACommentResolve(c *gin.Context) {
	cm, err := s.app.ResolveComment(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("cid"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.commentAnswers(c, []domain.Comment{cm})[0])
}
