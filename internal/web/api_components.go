package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// componentInput is the body of POST and PUT /api/v1/components.
type componentInput struct {
	Name        string                 `json:"name"`
	Group       string                 `json:"group"`
	Description string                 `json:"description"`
	Position    int                    `json:"position"`
	Status      domain.ComponentStatus `json:"status"`
	Version     int64                  `json:"version"` // PUT only
}

func (in componentInput) apply(cp *domain.Component) {
	cp.Name, cp.Group, cp.Description = trimmed(in.Name), trimmed(in.Group), in.Description
	cp.Position, cp.Status = in.Position, in.Status
}

func (s *Server) apiComponentList(c *gin.Context) {
	list, err := s.store.ListComponents(c.Request.Context())
	writeAll(s, c, list, err)
}

func (s *Server) apiComponentCreate(c *gin.Context) {
	var in componentInput
	if !bindJSON(c, &in) {
		return
	}
	if in.Version != 0 {
		s.apiError(c, invalid("version", domain.CodeInvalid, "a new component has no version"))
		return
	}
	var cp domain.Component
	in.apply(&cp)
	if err := cp.Validate(); err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.store.CreateComponent(c.Request.Context(), &cp); err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/components/"+cp.ID)
	c.JSON(http.StatusCreated, cp)
}

func (s *Server) apiComponentGet(c *gin.Context) {
	cp, err := s.store.GetComponent(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, cp)
}

func (s *Server) apiComponentUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	cp, err := s.store.GetComponent(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	var in componentInput
	if !s.bindReplace(c, &in, cp) { // hygiene: the GET document is accepted back
		return
	}
	if err := checkVersion(in.Version); err != nil {
		s.apiError(c, err)
		return
	}
	in.apply(&cp)
	cp.Version = in.Version
	if err := cp.Validate(); err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.store.UpdateComponent(ctx, &cp); err != nil {
		s.apiErrorWithCurrent(c, err, func() (any, error) { return s.store.GetComponent(ctx, cp.ID) })
		return
	}
	c.JSON(http.StatusOK, cp)
}

func (s *Server) apiComponentDelete(c *gin.Context) {
	if err := s.store.DeleteComponent(c.Request.Context(), c.Param("id")); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
