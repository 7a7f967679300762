package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

type incidentListPage struct {
	PageData
	Incidents  []domain.Incident
	Statuses   []domain.IncidentStatus
	Status     string
	Query      string
	WithoutRCA bool
	Pager      pager
}

// incidentList lists incidents, newest first, with filters and pages.
func (p *pages) incidentList(c *gin.Context) {
	offset, _ := strconv.Atoi(c.Query("offset"))
	if offset < 0 {
		offset = 0
	}
	d := incidentListPage{PageData: p.base(c, "incidents"), Statuses: domain.IncidentStatuses,
		Status: c.Query("status"), Query: strings.TrimSpace(c.Query("q")), WithoutRCA: c.Query("without_rca") == "1"}
	f := store.IncidentFilter{Query: d.Query, WithoutRCA: d.WithoutRCA, Page: store.Page{Limit: pageSize, Offset: offset}}
	if st := domain.IncidentStatus(d.Status); st.Valid() {
		f.Status = st
	}
	list, total, err := p.s.store.ListIncidents(c.Request.Context(), f)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d.Incidents, d.Pager = list, newPager(c.Request.URL, offset, len(list), total)
	p.render(c, http.StatusOK, "incidents", d)
}

type componentState struct {
	Name   string
	Status domain.ComponentStatus
}

type updateForm struct{ Status, At, Body string }

type incidentViewPage struct {
	PageData
	Incident       domain.Incident
	Duration       string
	Components     []componentState
	RCAs           []domain.RCA
	LinkableRCAs   []domain.RCA
	Updates        []domain.IncidentUpdate // newest first
	UpdateStatuses []domain.UpdateStatus
	UpdateForm     updateForm
	UpdateProblems []domain.Problem
	Problems       []domain.Problem
	Zones          []string
}

// incidentView shows an incident, its updates and its RCAs.
func (p *pages) incidentView(c *gin.Context) {
	in, err := p.s.store.GetIncident(c.Request.Context(), c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.renderIncident(c, http.StatusOK, in, updateForm{Status: string(domain.UpdateProgress)}, nil)
}

func (p *pages) renderIncident(c *gin.Context, status int, in domain.Incident, uf updateForm, problems []domain.Problem) {
	ctx := c.Request.Context()
	loc := p.localeOf(c)
	d := incidentViewPage{PageData: p.base(c, "incidents"), Incident: in, UpdateStatuses: domain.UpdateStatuses,
		UpdateForm: uf, UpdateProblems: problems}
	d.Zones = zoneChoices(d.TimeZone)
	d.Duration = loc.l.Duration(in.Duration(p.s.now()))
	names := p.componentNames(c)
	for _, ac := range in.Components {
		name := names[ac.ComponentID]
		if name == "" {
			name = ac.ComponentID
		}
		d.Components = append(d.Components, componentState{Name: name, Status: ac.Status})
	}
	for i := len(in.Updates) - 1; i >= 0; i-- {
		d.Updates = append(d.Updates, in.Updates[i])
	}
	for _, id := range in.RCAIDs {
		if r, err := p.s.store.GetRCA(ctx, id); err == nil {
			d.RCAs = append(d.RCAs, r)
		}
	}
	if all, _, err := p.s.store.ListRCAs(ctx, store.RCAFilter{States: []domain.RCAState{domain.StateDraft, domain.StateInReview}, Page: store.Page{Limit: 100}}); err == nil {
		for _, r := range all {
			if !containsString(in.RCAIDs, r.ID) {
				d.LinkableRCAs = append(d.LinkableRCAs, r)
			}
		}
	}
	p.render(c, status, "incident_view", d)
}

// incidentAddUpdate posts a status update; its time defaults to now.
func (p *pages) incidentAddUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	uf := updateForm{Status: c.PostForm("status"), At: strings.TrimSpace(c.PostForm("at")), Body: strings.TrimSpace(c.PostForm("body"))}
	var ps formProblems
	loc := zoneFromForm(c, p.localeOf(c).zone, &ps)
	u := domain.IncidentUpdate{Status: domain.UpdateStatus(uf.Status), Body: uf.Body, At: p.s.now()}
	if t := optionalLocal(c, "at", loc, &ps); t != nil {
		u.At = *t
	}
	if !u.Status.Valid() {
		ps.add("status", domain.CodeUnknownEnum)
	}
	if u.Body == "" {
		ps.add("body", domain.CodeRequired)
	}
	var in, before domain.Incident
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if in, err = p.s.store.GetIncident(ctx, id); err != nil {
			p.s.pageError(c, err)
			return
		}
		if len(ps) > 0 {
			break
		}
		before = in
		in.AddUpdate(u)
		in.Normalize()
		if err = in.Validate(); err != nil {
			break
		}
		if err = p.s.store.UpdateIncident(ctx, &in); !isConflict(err) {
			break
		}
	}
	if len(ps) == 0 && err != nil {
		problems, ok := validationProblems(err)
		if !ok {
			p.s.pageError(c, err)
			return
		}
		ps = problems
	}
	if len(ps) > 0 {
		in, _ = p.s.store.GetIncident(ctx, id)
		p.renderIncident(c, statusInvalid, in, uf, ps)
		return
	}
	actor, _ := currentUser(c)
	p.s.auditIncident(ctx, actor.ID, &before, in)
	p.s.InvalidateStatusPage()
	p.setFlash(c, "ok", "ui.flash.update_posted")
	redirect(c, "/incidents/"+id)
}

// incidentLinkRCA links an RCA to this incident (the link lives on the RCA).
func (p *pages) incidentLinkRCA(c *gin.Context) {
	if c.PostForm("rca") == "" { // nothing chosen: nothing is preselected either
		p.setFlash(c, "error", "ui.incident.choose_rca_first")
		redirect(c, "/incidents/"+c.Param("id"))
		return
	}
	p.linkFromIncident(c, c.PostForm("rca"), true)
}

// incidentUnlinkRCA removes the link between an RCA and this incident.
func (p *pages) incidentUnlinkRCA(c *gin.Context) {
	p.linkFromIncident(c, c.Param("rid"), false)
}

func (p *pages) linkFromIncident(c *gin.Context, rcaID string, link bool) {
	id := c.Param("id")
	if _, err := p.s.store.GetIncident(c.Request.Context(), id); err != nil {
		p.s.pageError(c, err)
		return
	}
	_, err := p.mutateRCA(c, rcaID, "link incidents", func(r *domain.RCA) error {
		if link {
			r.LinkIncident(id)
		} else {
			r.UnlinkIncident(id)
		}
		return nil
	})
	switch {
	case err == nil:
		p.s.InvalidateStatusPage()
		p.setFlash(c, "ok", "ui.flash.saved")
	case errors.Is(err, domain.ErrLocked):
		p.setFlash(c, "error", "ui.flash.not_editable")
	default:
		p.s.pageError(c, err)
		return
	}
	redirect(c, "/incidents/"+id)
}

// Creating and editing incidents.

type incidentForm struct {
	ID, Title, Impact, Status, StartedAt, ResolvedAt, TZ string
	Version                                              int64
	Components                                           map[string]string // component id -> status
}

type incidentFormPage struct {
	PageData
	Form              incidentForm
	Impacts           []domain.Impact
	Statuses          []domain.IncidentStatus
	Components        []domain.Component
	ComponentStatuses []domain.ComponentStatus
	Zones             []string
	Problems          []domain.Problem
}

func (p *pages) renderIncidentForm(c *gin.Context, status int, f incidentForm, problems []domain.Problem) {
	comps, err := p.s.store.ListComponents(c.Request.Context())
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d := incidentFormPage{PageData: p.base(c, "incidents"), Form: f, Impacts: domain.Impacts, Statuses: domain.IncidentStatuses,
		Components: comps, ComponentStatuses: domain.ComponentStatuses[1:], Problems: problems}
	d.Zones = zoneChoices(f.TZ)
	p.render(c, status, "incident_form", d)
}

// incidentNewForm shows an empty incident form starting now.
func (p *pages) incidentNewForm(c *gin.Context) {
	loc := p.localeOf(c)
	p.renderIncidentForm(c, http.StatusOK, incidentForm{Impact: string(domain.ImpactMinor), Status: string(domain.StatusInvestigating),
		StartedAt: p.s.now().In(loc.zone).Format(localLayout), TZ: loc.Zone(), Components: map[string]string{}}, nil)
}

// incidentEditForm shows an incident's form.
func (p *pages) incidentEditForm(c *gin.Context) {
	in, err := p.s.store.GetIncident(c.Request.Context(), c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	loc := p.localeOf(c)
	f := incidentForm{ID: in.ID, Title: in.Title, Impact: string(in.Impact), Status: string(in.Status), Version: in.Version,
		StartedAt: in.StartedAt.In(loc.zone).Format(localLayout), TZ: loc.Zone(), Components: map[string]string{}}
	if in.ResolvedAt != nil {
		f.ResolvedAt = in.ResolvedAt.In(loc.zone).Format(localLayout)
	}
	for _, ac := range in.Components {
		f.Components[ac.ComponentID] = string(ac.Status)
	}
	p.renderIncidentForm(c, http.StatusOK, f, nil)
}

// incidentFormFrom reads the posted form into the form values and an incident.
func (p *pages) incidentFormFrom(c *gin.Context, in *domain.Incident) (incidentForm, formProblems) {
	var ps formProblems
	f := incidentForm{ID: in.ID, Title: strings.TrimSpace(c.PostForm("title")), Impact: c.PostForm("impact"), Status: c.PostForm("status"),
		StartedAt: c.PostForm("started_at"), ResolvedAt: c.PostForm("resolved_at"), TZ: c.PostForm("tz"), Components: map[string]string{}}
	f.Version, _ = strconv.ParseInt(c.PostForm("version"), 10, 64)
	loc := zoneFromForm(c, p.localeOf(c).zone, &ps)
	in.Title, in.Impact, in.Status = f.Title, domain.Impact(f.Impact), domain.IncidentStatus(f.Status)
	in.StartedAt = requiredLocal(c, "started_at", loc, &ps)
	in.ResolvedAt = optionalLocal(c, "resolved_at", loc, &ps)
	comps, _ := p.s.store.ListComponents(c.Request.Context())
	var affected []domain.AffectedComponent
	for _, comp := range comps {
		v := c.PostForm("component." + comp.ID)
		if v == "" {
			continue
		}
		f.Components[comp.ID] = v
		ac := domain.AffectedComponent{ComponentID: comp.ID, Status: domain.ComponentStatus(v)}
		for _, old := range in.Components {
			if old.ComponentID == comp.ID {
				ac.From, ac.To = old.From, old.To
			}
		}
		affected = append(affected, ac)
	}
	in.Components = affected
	return f, ps
}

// incidentCreate stores a new incident.
func (p *pages) incidentCreate(c *gin.Context) {
	in := domain.Incident{}
	f, ps := p.incidentFormFrom(c, &in)
	in.Normalize()
	if len(ps) == 0 {
		if problems, ok := validationProblems(in.Validate()); ok {
			ps = problems
		}
	}
	if len(ps) > 0 {
		p.renderIncidentForm(c, statusInvalid, f, ps)
		return
	}
	if err := p.s.store.CreateIncident(c.Request.Context(), &in); err != nil {
		p.s.pageError(c, err)
		return
	}
	actor, _ := currentUser(c)
	p.s.auditIncident(c.Request.Context(), actor.ID, nil, in)
	p.s.InvalidateStatusPage()
	p.setFlash(c, "ok", "ui.flash.incident_created")
	redirect(c, "/incidents/"+in.ID)
}

// incidentSave stores an edited incident; a stale version shows the form
// again with the user's input and a conflict message.
func (p *pages) incidentSave(c *gin.Context) {
	ctx := c.Request.Context()
	in, err := p.s.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	current, before := in.Version, in
	f, ps := p.incidentFormFrom(c, &in)
	in.Version = f.Version
	in.Normalize()
	if len(ps) == 0 {
		if problems, ok := validationProblems(in.Validate()); ok {
			ps = problems
		}
	}
	if len(ps) == 0 && f.Version != current {
		ps = formProblems{{Field: "version", Code: "conflict"}}
	}
	if len(ps) > 0 {
		p.renderIncidentForm(c, statusInvalid, f, ps)
		return
	}
	if err := p.s.store.UpdateIncident(ctx, &in); err != nil {
		if isConflict(err) {
			p.renderIncidentForm(c, http.StatusConflict, f, []domain.Problem{{Field: "version", Code: "conflict"}})
			return
		}
		p.s.pageError(c, err)
		return
	}
	actor, _ := currentUser(c)
	p.s.auditIncident(ctx, actor.ID, &before, in)
	p.s.InvalidateStatusPage()
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/incidents/"+in.ID)
}
