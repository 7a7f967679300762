package web

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// rcaLinkIncidents links the RCA to every incident selected.
func (p *pages) rcaLinkIncidents(c *gin.Context) {
	id := c.Param("id")
	ids := c.PostFormArray("incident")
	for _, iid := range ids {
		if _, err := p.s.store.GetIncident(c.Request.Context(), iid); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				p.editFailed(c, id, &domain.ValidationError{Problems: []domain.Problem{{Field: "incident", Code: domain.CodeInvalid}}},
					editState{section: factsSection, problemForm: "facts"})
				return
			}
			p.s.pageError(c, err)
			return
		}
	}
	p.changeIncidentLinks(c, id, "link incidents", ids, (*domain.RCA).LinkIncident)
}

// rcaUnlinkIncidents removes every selected incident link.
func (p *pages) rcaUnlinkIncidents(c *gin.Context) {
	id := c.Param("id")
	p.changeIncidentLinks(c, id, "unlink incidents", c.PostFormArray("incident"), (*domain.RCA).UnlinkIncident)
}

// changeIncidentLinks applies change for every incident id in ids to the
// RCA and goes back to its facts section.
func (p *pages) changeIncidentLinks(c *gin.Context, id, note string, ids []string, change func(r *domain.RCA, incidentID string)) {
	_, err := p.mutateRCA(c, id, note, func(r *domain.RCA) error {
		for _, iid := range ids {
			change(r, iid)
		}
		return nil
	})
	if err != nil {
		p.editFailed(c, id, err, editState{section: factsSection, problemForm: "facts"})
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/rcas/"+id+"/edit?section="+factsSection)
}
