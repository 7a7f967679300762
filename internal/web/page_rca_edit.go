package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/quality"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// factsSection is the pseudo-section key of the header facts form.
const factsSection = "_facts"

type editPage struct {
	PageData
	RCA          domain.RCA
	Editable     bool
	SectionNav   []sectionNav
	DoneCount    int
	Checks       quality.Report
	FactsView    bool
	Current      *sectionView
	Facts        factsForm
	Derived      derivedView
	Severities   []domain.Severity
	Linked       []domain.Incident
	Linkable     []domain.Incident
	Timeline     []timelineRow
	Importable   []importRow // area "ui": incident updates to tick for import
	Paste        *pasteView  // area "ui": pasted timeline lines and their preview
	TLForm       timelineForm
	Kinds        []domain.TimelineKind
	Zones        []string
	ActionRows   []actionRow
	AIForm       actionFormValues
	ActionStates []domain.ActionState
	Owners       []ownerView // actions: the users an item may be given to
	IdleMS       int
	Problems     []domain.Problem
	ProblemForm  string
	Factors      *factorsView // tmpl area: the contributing-factors multi-select (facts view)
}

// ProblemsFor returns the problems when they belong to form.
func (e editPage) ProblemsFor(form string) []domain.Problem {
	if e.ProblemForm == form {
		return problemsInForm(form, e.Problems)
	}
	return nil
}

// editState carries a failed form back into the editor.
type editState struct {
	section     string
	problems    []domain.Problem
	problemForm string
	facts       *factsForm
	tlForm      *timelineForm
	aiForm      *actionFormValues
	rowID       string // the timeline entry or action item whose edit failed
	tlRow       *timelineForm
	aiRow       *actionFormValues
	// mine and theirs: a section save that conflicted (no-JS path).
	mine, theirs *string
	revision     int64
	paste        *pasteView // area "ui": the paste form with its preview
}

// autosaveIdleMS is how long the editor waits after the last keystroke
// before it saves.
const autosaveIdleMS = 2000

// rcaEdit shows the guided editor at one section (?section=key), or the
// header facts (?section=_facts). Without a section it opens the first
// required section that is still empty.
func (p *pages) rcaEdit(c *gin.Context) {
	rc, err := p.loadRCA(c, c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.renderEdit(c, http.StatusOK, rc, editState{section: c.Query("section")})
}

func (p *pages) renderEdit(c *gin.Context, status int, rc *rcaContext, st editState) {
	loc := p.localeOf(c)
	r := rc.RCA
	d := editPage{
		PageData: p.base(c, ""), RCA: r, Editable: r.Editable(), Checks: rc.Checks,
		Severities: domain.Severities, Kinds: domain.TimelineKinds, ActionStates: domain.ActionStates,
		IdleMS: autosaveIdleMS, Problems: st.problems, ProblemForm: st.problemForm, Linked: rc.Incidents,
	}
	tl := entryLocale(c, loc) // the zone the timeline was last entered in (?tz=)
	d.TimeZone = tl.Zone()
	d.Zones = zoneChoices(d.TimeZone)
	key := st.section
	if key == "" {
		key = firstOpenSection(rc)
	}
	in := rc.input()
	for _, s := range r.Sections {
		done := quality.SectionComplete(in, s)
		if done {
			d.DoneCount++
		}
		d.SectionNav = append(d.SectionNav, sectionNav{Key: s.Key, Title: templateText(loc, rc.Template, s.Key, "title", s.Title), Complete: done, Required: s.Required, Current: s.Key == key})
	}
	if key == factsSection || r.Section(key) == nil {
		d.FactsView = true
		p.fillFacts(c, rc, &d, st)
		d.Factors = p.factorsFor(c, r, "edit")
	} else {
		d.Current = p.sectionView(rc, key, loc)
		if st.mine != nil {
			d.Current.Body, d.Current.Theirs, d.Current.Conflict, d.Current.Revision = *st.mine, *st.theirs, true, st.revision
		}
		d.Timeline = timelineRows(r, tl)
		d.Importable = importCandidates(r, rc.Incidents, tl)
		d.Paste = st.paste
		if d.Paste == nil {
			d.Paste = &pasteView{Zone: d.TimeZone, Date: pasteDay(rc, tl)}
		}
		d.TLForm = timelineForm{Kind: string(domain.KindNote), Visibility: string(domain.External)}
		if st.tlForm != nil {
			d.TLForm = *st.tlForm
		}
		d.ActionRows = actionRows(r, p.s.now(), p.s.orgZone())
		d.Owners = p.actionOwnerViews(c)
		d.AIForm = actionFormValues{State: string(domain.ActionOpen), Visibility: string(domain.External)}
		if st.aiForm != nil {
			d.AIForm = *st.aiForm
		}
		for i := range d.Timeline {
			if d.Timeline[i].ID == st.rowID && st.tlRow != nil {
				d.Timeline[i].Local, d.Timeline[i].Kind, d.Timeline[i].Text, d.Timeline[i].Visibility = st.tlRow.At, st.tlRow.Kind, st.tlRow.Text, st.tlRow.Visibility
				d.Timeline[i].Problems = problemsInForm("timeline", st.problems)
			}
		}
		for i := range d.ActionRows {
			if d.ActionRows[i].ID == st.rowID && st.aiRow != nil {
				d.ActionRows[i].Form = *st.aiRow
				d.ActionRows[i].Problems = problemsInForm("action", st.problems)
			}
		}
	}
	p.render(c, status, "rca_edit", d)
}

func (p *pages) fillFacts(c *gin.Context, rc *rcaContext, d *editPage, st editState) {
	r := rc.RCA
	loc := p.localeOf(c)
	d.Facts = factsForm{Title: r.Title, DurationOverride: r.DurationOverride, Severity: string(r.Severity),
		Services: joinList(r.AffectedServices), Tags: joinList(r.Tags)}
	if r.IncidentDate != nil {
		d.Facts.IncidentDate = r.IncidentDate.String()
	}
	if st.facts != nil {
		d.Facts = *st.facts
	}
	d.Facts.fillWording(r, loc)
	d.Derived = derive(rc, loc)
	all, _, err := p.s.store.ListIncidents(c.Request.Context(), store.IncidentFilter{Page: store.Page{Limit: 100}})
	if err == nil {
		for _, in := range all {
			if !containsString(r.IncidentIDs, in.ID) {
				d.Linkable = append(d.Linkable, in)
			}
		}
	}
}

func (p *pages) sectionView(rc *rcaContext, key string, loc *uiLocale) *sectionView {
	s := rc.RCA.Section(key)
	v := &sectionView{Key: s.Key, Title: s.Title, Guidance: s.Guidance, Body: s.Body, Visibility: s.Visibility,
		Revision: s.Revision, Comments: rc.commentsFor(key), IsTimeline: rc.isTimeline(key), IsActions: rc.isActions(key)}
	if def, ok := rc.Template.Definition(key); ok {
		v.Example = def.Example
		if v.Guidance == "" {
			v.Guidance = def.Guidance
		}
	}
	v.Title = templateText(loc, rc.Template, key, "title", v.Title)
	v.Guidance = templateText(loc, rc.Template, key, "guidance", v.Guidance)
	v.Example = templateText(loc, rc.Template, key, "example", v.Example)
	for _, ch := range rc.Checks.Checks {
		for _, f := range ch.Findings {
			if f.SectionKey == key {
				v.Findings = append(v.Findings, loc.T("ui.quality."+ch.Code+"."+f.Code, "Value", f.Subject))
			}
		}
	}
	return v
}

// firstOpenSection is where the editor opens: the first required section
// not yet written, else the first section.
func firstOpenSection(rc *rcaContext) string {
	in := rc.input()
	for _, s := range rc.RCA.Sections {
		if s.Required && !quality.SectionComplete(in, s) {
			return s.Key
		}
	}
	if len(rc.RCA.Sections) > 0 {
		return rc.RCA.Sections[0].Key
	}
	return factsSection
}

func joinList(list []string) string {
	out := ""
	for i, v := range list {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}
