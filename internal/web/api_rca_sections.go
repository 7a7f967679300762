package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// sectionSave is the body of PUT /api/v1/rcas/{id}/sections/{key}.
type sectionSave struct {
	Title        *string                              `json:"title"`
	Body         string                               `json:"body"`
	Visibility   domain.Visibility                    `json:"visibility"`
	Translations map[string]domain.SectionTranslation `json:"translations"`
	BaseRevision int64                                `json:"base_revision"`
}

// apiRCASectionSave saves one section. Co-authors editing different sections
// never conflict; a stale base_revision of the same section is 409 with the
// section as it is now ("current_section") and the whole RCA ("current").
func (s *Server) apiRCASectionSave(c *gin.Context) {
	var in sectionSave
	if !bindJSON(c, &in) {
		return
	}
	key := c.Param("key")
	r, err := s.app.SaveSection(c.Request.Context(), actorOf(c), c.Param("id"), key, domain.SectionEdit{
		Title: in.Title, Body: in.Body, Visibility: in.Visibility, Translations: in.Translations, BaseRevision: in.BaseRevision})
	var ce *store.ConflictError
	switch {
	case errors.As(err, &ce):
		abortJSONExtra(c, http.StatusConflict, codeConflict,
			"Someone else saved this section since you read it.",
			map[string]any{"current_section": ce.Current.Section(key), "current": ce.Current})
	case err != nil:
		s.apiError(c, err)
	default:
		c.JSON(http.StatusOK, r)
	}
}
