package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// commentInput is the body of POST /api/v1/rcas/{id}/comments.
type commentInput struct {
	SectionKey string `json:"section_key"` // "" for the RCA as a whole
	Body       string `json:"body"`
}

func (s *Server) apiRCAComments(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	if _, err := s.store.GetRCA(ctx, id); err != nil {
		s.apiError(c, err)
		return
	}
	list, err := s.store.ListComments(ctx, id)
	writeAll(s, c, list, err)
}

func (s *Server) apiRCACommentAdd(c *gin.Context) {
	var in commentInput
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	r, err := s.store.GetRCA(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	var ve domain.ValidationError
	switch body := strings.TrimSpace(in.Body); {
	case body == "":
		ve.Problems = append(ve.Problems, domain.Problem{Field: "body", Code: domain.CodeRequired})
	case len(in.Body) > domain.MaxTextLen:
		ve.Problems = append(ve.Problems, domain.Problem{Field: "body", Code: domain.CodeTooLong})
	}
	if in.SectionKey != "" && r.Section(in.SectionKey) == nil {
		ve.Problems = append(ve.Problems, domain.Problem{Field: "section_key", Code: domain.CodeUnknownEnum, Detail: in.SectionKey})
	}
	if len(ve.Problems) > 0 {
		s.apiError(c, &ve)
		return
	}
	cm := domain.Comment{RCAID: r.ID, SectionKey: in.SectionKey, AuthorID: mustUser(c).ID,
		Body: strings.TrimSpace(in.Body), CreatedAt: s.now()}
	if err := s.store.AddComment(ctx, &cm); err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusCreated, cm)
}

func (s *Server) apiRCACommentResolve(c *gin.Context) {
	ctx := c.Request.Context()
	id, cid := c.Param("id"), c.Param("cid")
	if err := s.store.ResolveComment(ctx, id, cid, s.now()); err != nil {
		s.apiError(c, err)
		return
	}
	list, err := s.store.ListComments(ctx, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	for _, cm := range list {
		if cm.ID == cid {
			c.JSON(http.StatusOK, cm)
			return
		}
	}
	s.apiError(c, errNotFound)
}
