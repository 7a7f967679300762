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
	_, err := p.mutateRCA(c, id, "link incidents", func(r *domain.RCA) error {
		for _, iid := range ids {
			r.LinkIncident(iid)
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

// rcaUnlinkIncidents removes every selected incident link.
func (p *pages) rcaUnlinkIncidents(c *gin.Context) {
	id := c.Param("id")
	ids := c.PostFormArray("incident")
	_, err := p.mutateRCA(c, id, "unlink incidents", func(r *domain.RCA) error {
		for _, iid := range ids {
			r.UnlinkIncident(iid)
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
