package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

type rcaNewForm struct {
	Title, Template, Language string
}

type rcaNewPage struct {
	PageData
	Form      rcaNewForm
	Incident  *domain.Incident
	Templates []domain.Template
	Languages []langOption
	Problems  []domain.Problem
}

// rcaNewForm offers the templates; ?incident=ID starts from that incident.
func (p *pages) rcaNewForm(c *gin.Context) {
	tpls, err := p.newRCATemplates(c)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d := rcaNewPage{PageData: p.base(c, "new"), Templates: tpls, Languages: p.languages()}
	d.Form = rcaNewForm{Template: domain.TemplateStandard, Language: d.Lang}
	if id := c.Query("incident"); id != "" {
		in, err := p.s.store.GetIncident(c.Request.Context(), id)
		if err != nil {
			p.s.pageError(c, err)
			return
		}
		d.Incident = &in
		d.Form.Title = in.Title
	}
	p.render(c, http.StatusOK, "rca_new", d)
}

// rcaCreate makes a draft from a template, pre-filled from an incident when
// one is named (an unknown one is ignored), and opens the editor.
func (p *pages) rcaCreate(c *gin.Context) {
	ctx := c.Request.Context()
	form := rcaNewForm{Title: strings.TrimSpace(c.PostForm("title")), Template: c.PostForm("template"), Language: c.PostForm("language")}
	var problems []domain.Problem
	if strings.TrimSpace(form.Template) == "" { // tmpl area: built-in or custom, the service decides
		problems = append(problems, domain.Problem{Field: "template", Code: domain.CodeRequired})
	}
	if !p.cat.Supported(form.Language) {
		form.Language = p.localeOf(c).Lang()
	}
	var incident *domain.Incident
	var ids []string
	if id := c.PostForm("incident"); id != "" {
		in, err := p.s.store.GetIncident(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			p.s.pageError(c, err)
			return
		}
		if err == nil {
			incident, ids = &in, []string{in.ID}
		}
	}
	var r domain.RCA
	if len(problems) == 0 {
		var err error
		r, err = p.s.app.CreateRCA(ctx, actorOf(c), app.NewRCA{Title: form.Title, Template: form.Template, Language: form.Language, IncidentIDs: ids})
		if ps, ok := validationProblems(err); ok {
			problems = append(problems, ps...)
		} else if err != nil {
			p.s.pageError(c, err)
			return
		}
	}
	if len(problems) > 0 {
		tpls, err := p.newRCATemplates(c)
		if err != nil {
			p.s.pageError(c, err)
			return
		}
		d := rcaNewPage{PageData: p.base(c, "new"), Form: form, Incident: incident,
			Templates: tpls, Languages: p.languages(), Problems: problems}
		p.render(c, http.StatusUnprocessableEntity, "rca_new", d)
		return
	}
	p.setFlash(c, "ok", "ui.flash.rca_created")
	if c.PostForm("open") == "write" { // flow: from the incident page, straight into the document editor
		redirect(c, "/rcas/"+r.ID+"/write")
		return
	}
	redirect(c, "/rcas/"+r.ID+"/edit")
}

// timelineFromIncident is app.TimelineFromIncident, for the timeline
// import form (the pre-fill lives in the service layer).
func timelineFromIncident(in domain.Incident, existing []domain.TimelineEntry) []domain.TimelineEntry {
	return app.TimelineFromIncident(in, existing)
}

// componentNames maps component ids to names.
func (p *pages) componentNames(c *gin.Context) map[string]string {
	out := map[string]string{}
	comps, err := p.s.store.ListComponents(c.Request.Context())
	if err != nil {
		return out
	}
	for _, comp := range comps {
		out[comp.ID] = comp.Name
	}
	return out
}
