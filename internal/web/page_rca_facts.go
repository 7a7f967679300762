package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// factsSave stores the header facts: title, incident date, duration
// wording, severity, affected services and tags.
func (p *pages) factsSave(c *gin.Context) {
	id := c.Param("id")
	form := factsForm{
		Title: strings.TrimSpace(c.PostForm("title")), IncidentDate: strings.TrimSpace(c.PostForm("incident_date")),
		DurationOverride: strings.TrimSpace(c.PostForm("duration_override")), Severity: c.PostForm("severity"),
		Services: c.PostForm("affected_services"), Tags: c.PostForm("tags"),
	}
	var ps formProblems
	date := optionalDate(c, "incident_date", &ps)
	form.overrides, form.NewTag, form.news, form.wordingSent = factWordingForm(c, &ps)
	if !domain.Severity(form.Severity).Valid() {
		ps.add("severity", domain.CodeUnknownEnum)
	}
	if form.Title == "" {
		ps.add("title", domain.CodeRequired)
	}
	st := editState{section: factsSection, facts: &form, problemForm: "facts"}
	if len(ps) > 0 {
		st.problems = ps
		p.editFailed(c, id, &domain.ValidationError{Problems: ps}, st)
		return
	}
	_, err := p.mutateRCA(c, id, "facts", func(r *domain.RCA) error {
		r.Title = form.Title
		r.IncidentDate = date
		r.DurationOverride = form.DurationOverride
		r.Severity = domain.Severity(form.Severity)
		r.AffectedServices = splitList(form.Services)
		r.Tags = splitList(form.Tags)
		if form.wordingSent {
			r.FactOverrides = withDuration(form.overrides, r.FactOverrides)
		}
		return nil
	})
	if err != nil {
		p.editFailed(c, id, err, st)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/rcas/"+id+"/edit?section="+factsSection)
}

// editFailed answers a failed editor form: validation problems re-render
// the editor with the user's input; a locked RCA goes back to its page.
func (p *pages) editFailed(c *gin.Context, id string, err error, st editState) {
	if errors.Is(err, domain.ErrLocked) {
		p.setFlash(c, "error", "ui.flash.not_editable")
		redirect(c, "/rcas/"+id)
		return
	}
	problems, ok := validationProblems(err)
	if !ok {
		p.s.pageError(c, err)
		return
	}
	rc, lerr := p.loadRCA(c, id)
	if lerr != nil {
		p.s.pageError(c, lerr)
		return
	}
	st.problems = problems
	p.renderEdit(c, http.StatusUnprocessableEntity, rc, st)
}
