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
	ctx := c.Request.Context()
	u := mustUser(c)
	id, key := c.Param("id"), c.Param("key")
	cur, err := s.store.GetRCA(ctx, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	if cur.Section(key) == nil {
		s.apiError(c, domain.ErrUnknownSection)
		return
	}
	if in.BaseRevision < 1 {
		s.apiError(c, invalid("base_revision", domain.CodeRequired, "send the section revision you read"))
		return
	}
	edit := domain.SectionEdit{Title: in.Title, Body: in.Body, Visibility: in.Visibility,
		Translations: in.Translations, BaseRevision: in.BaseRevision}
	// Validate the edit as part of the RCA it lands in.
	trial := cur
	trial.Sections = append([]domain.Section(nil), cur.Sections...)
	if err := trial.ApplySectionEdit(key, edit, u.ID, s.now()); err != nil {
		s.apiError(c, err)
		return
	}
	if err := trial.Validate(); err != nil {
		s.apiError(c, err)
		return
	}
	r, err := s.store.SaveSection(ctx, id, key, edit, u.ID)
	if err != nil {
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			abortJSONExtra(c, http.StatusConflict, codeConflict,
				"Someone else saved this section since you read it.",
				map[string]any{"current_section": ce.Current.Section(key), "current": ce.Current})
			return
		}
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}
