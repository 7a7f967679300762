package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

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
	d := rcaNewPage{PageData: p.base(c, "new"), Templates: localizedTemplates(p.localeOf(c)), Languages: p.languages()}
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
// one is named, and opens the editor.
func (p *pages) rcaCreate(c *gin.Context) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	form := rcaNewForm{Title: strings.TrimSpace(c.PostForm("title")), Template: c.PostForm("template"), Language: c.PostForm("language")}
	var problems []domain.Problem
	tpl, ok := domain.BuiltinTemplate(form.Template)
	if !ok {
		problems = append(problems, domain.Problem{Field: "template", Code: domain.CodeRequired})
	}
	if !p.cat.Supported(form.Language) {
		form.Language = p.localeOf(c).Lang()
	}
	var incident *domain.Incident
	if id := c.PostForm("incident"); id != "" {
		in, err := p.s.store.GetIncident(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			p.s.pageError(c, err)
			return
		}
		if err == nil {
			incident = &in
		}
	}
	r := domain.NewRCA(form.Title, tpl, form.Language, nil, u.ID, p.s.now())
	if incident != nil {
		prefillFromIncident(&r, *incident, p.componentNames(c))
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		var ve *domain.ValidationError
		if !errors.As(err, &ve) {
			p.s.pageError(c, err)
			return
		}
		problems = append(problems, ve.Problems...)
	}
	if len(problems) > 0 {
		d := rcaNewPage{PageData: p.base(c, "new"), Form: form, Incident: incident,
			Templates: localizedTemplates(p.localeOf(c)), Languages: p.languages(), Problems: problems}
		p.render(c, http.StatusUnprocessableEntity, "rca_new", d)
		return
	}
	if err := p.s.store.CreateRCA(ctx, &r, u.ID); err != nil {
		p.s.pageError(c, err)
		return
	}
	p.s.audit(ctx, u.ID, "rca.create", "rca:"+r.ID, nil)
	p.setFlash(c, "ok", "ui.flash.rca_created")
	redirect(c, "/rcas/"+r.ID+"/edit")
}

// prefillFromIncident copies what an incident already knows into a new
// RCA: the link, the date, the affected services and a draft timeline made
// from its start and its updates.
func prefillFromIncident(r *domain.RCA, in domain.Incident, componentNames map[string]string) {
	r.LinkIncident(in.ID)
	// The incident date is not copied: it derives from the linked
	// incidents (a range once several are linked) unless an author writes one.
	for _, ac := range in.Components {
		name := componentNames[ac.ComponentID]
		if name == "" {
			name = ac.ComponentID
		}
		if !containsString(r.AffectedServices, name) {
			r.AffectedServices = append(r.AffectedServices, name)
		}
	}
	r.Timeline = append(r.Timeline, timelineFromIncident(in, r.Timeline)...)
}

// timelineFromIncident turns an incident's start and updates into timeline
// entries, skipping ones already present (same time and text).
func timelineFromIncident(in domain.Incident, existing []domain.TimelineEntry) []domain.TimelineEntry {
	have := map[string]bool{}
	for _, e := range existing {
		have[e.At.UTC().String()+"\x00"+e.Text] = true
		have[e.ID] = true // an imported entry keeps its id when edited
	}
	var out []domain.TimelineEntry
	add := func(e domain.TimelineEntry) {
		k := e.At.UTC().String() + "\x00" + e.Text
		if have[k] || have[e.ID] || strings.TrimSpace(e.Text) == "" {
			return
		}
		have[k], have[e.ID] = true, true
		out = append(out, e)
	}
	if !in.StartedAt.IsZero() {
		add(domain.TimelineEntry{ID: importedEntryID(in.ID, in.StartedAt, "start"), At: in.StartedAt.UTC(), Kind: domain.KindImpactStart, Text: in.Title, Visibility: domain.External})
	}
	for _, u := range in.Updates {
		add(domain.TimelineEntry{ID: importedEntryID(in.ID, u.At, string(u.Status)), At: u.At.UTC(), Kind: kindForUpdate(u.Status), Text: u.Body, Visibility: domain.External})
	}
	return out
}

// kindForUpdate maps a status-page update to the timeline kind it marks.
func kindForUpdate(s domain.UpdateStatus) domain.TimelineKind {
	switch s {
	case domain.UpdateInvestigating:
		return domain.KindDetected
	case domain.UpdateIdentified:
		return domain.KindIdentified
	case domain.UpdateMonitoring:
		return domain.KindMitigated
	case domain.UpdateResolved:
		return domain.KindResolved
	}
	return domain.KindNote
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
