package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Timeline entries are entered in a zone the author picks (default: their
// own, else UTC) and stored in UTC. The pick stays with the editor page
// (?tz=) and never changes the user's own zone: only the settings page does.

func timelineFormFrom(c *gin.Context) timelineForm {
	return timelineForm{At: strings.TrimSpace(c.PostForm("at")), Kind: c.PostForm("kind"),
		Text: strings.TrimSpace(c.PostForm("text")), Visibility: c.PostForm("visibility"), Precision: c.PostForm("precision")}
}

// parseTimelineEntry checks a timeline form and returns the entry in UTC.
func (p *pages) parseTimelineEntry(c *gin.Context, f timelineForm, ps *formProblems) (domain.TimelineEntry, *time.Location) {
	loc := zoneFromForm(c, p.localeOf(c).zone, ps)
	e := domain.TimelineEntry{Kind: domain.TimelineKind(f.Kind), Text: f.Text, Visibility: domain.Visibility(f.Visibility),
		Precision: domain.TimePrecision(f.Precision)}
	// Untimed lines (metrics area): a date only, or no time at all.
	switch e.Precision {
	case domain.PrecisionMinute:
		e.At = requiredLocal(c, "at", loc, ps)
	case domain.PrecisionDay:
		day, _, _ := strings.Cut(f.At, "T")
		if d, err := time.Parse(time.DateOnly, day); err != nil {
			ps.add("at", domain.CodeInvalid)
		} else {
			e.Day = domain.DatePtr(domain.DateOf(d))
		}
	case domain.PrecisionNone:
	default:
		ps.add("precision", domain.CodeUnknownEnum)
	}
	if !e.Kind.Valid() {
		ps.add("kind", domain.CodeUnknownEnum)
	}
	if e.Visibility == "" {
		e.Visibility = domain.External
	}
	if !e.Visibility.Valid() {
		ps.add("visibility", domain.CodeUnknownEnum)
	}
	if e.Text == "" {
		ps.add("text", domain.CodeRequired)
	} else if len(e.Text) > domain.MaxTextLen {
		ps.add("text", domain.CodeTooLong)
	}
	return e, loc
}

// sectionWithRule is the key of the RCA's section carrying rule in its
// template (built-in or custom: tmpl area).
func (p *pages) sectionWithRule(c *gin.Context, r domain.RCA, rule string) string {
	tpl, _ := p.s.app.TemplateOf(c.Request.Context(), r.Template)
	for _, d := range tpl.Sections {
		if d.HasRule(rule) && r.Section(d.Key) != nil {
			return d.Key
		}
	}
	return ""
}

func (p *pages) backToRule(c *gin.Context, r domain.RCA, rule, anchor string) {
	to := "/rcas/" + r.ID + "/edit"
	if key := p.sectionWithRule(c, r, rule); key != "" {
		to += "?section=" + url.QueryEscape(key)
	}
	to = withEntryZone(c, to)
	if anchor != "" {
		to += "#" + anchor
	}
	redirect(c, to)
}

// timelineAdd adds one entry.
func (p *pages) timelineAdd(c *gin.Context) {
	id := c.Param("id")
	f := timelineFormFrom(c)
	var ps formProblems
	e, loc := p.parseTimelineEntry(c, f, &ps)
	st := editState{section: p.ruleSection(c, id, domain.RuleTimeline), tlForm: &f, problemForm: "timeline-add"}
	e.ID = domain.NewID()
	r, ok := p.applyEntry(c, id, ps, st, "timeline add", func(r *domain.RCA) error {
		r.Timeline = append(r.Timeline, e)
		return nil
	})
	if !ok {
		return
	}
	keepEntryZone(c, loc)
	p.setFlash(c, "ok", "ui.flash.entry_added")
	p.backToRule(c, r, domain.RuleTimeline, "timeline-add")
}

// timelineSave changes one entry.
func (p *pages) timelineSave(c *gin.Context) {
	id, eid := c.Param("id"), c.Param("eid")
	f := timelineFormFrom(c)
	var ps formProblems
	e, loc := p.parseTimelineEntry(c, f, &ps)
	st := editState{section: p.ruleSection(c, id, domain.RuleTimeline), rowID: eid, tlRow: &f, problemForm: "timeline-" + eid}
	r, ok := p.applyEntry(c, id, ps, st, "timeline edit", func(r *domain.RCA) error {
		i := slices.IndexFunc(r.Timeline, func(old domain.TimelineEntry) bool { return old.ID == eid })
		if i < 0 {
			return errEntryGone
		}
		e.ID, e.Translations = eid, r.Timeline[i].Translations
		r.Timeline[i] = e
		return nil
	})
	if !ok {
		return
	}
	keepEntryZone(c, loc)
	p.setFlash(c, "ok", "ui.flash.saved")
	p.backToRule(c, r, domain.RuleTimeline, "entry-"+eid)
}

// timelineDelete removes one entry.
func (p *pages) timelineDelete(c *gin.Context) {
	id, eid := c.Param("id"), c.Param("eid")
	r, err := p.mutateRCA(c, id, "timeline delete", func(r *domain.RCA) error {
		r.Timeline = slices.DeleteFunc(r.Timeline, func(e domain.TimelineEntry) bool { return e.ID == eid })
		return nil
	})
	if err != nil {
		p.editFailed(c, id, err, editState{section: p.ruleSection(c, id, domain.RuleTimeline)})
		return
	}
	p.setFlash(c, "ok", "ui.flash.entry_deleted")
	p.backToRule(c, r, domain.RuleTimeline, "timeline-heading")
}

// timelineImport adds entries made from the linked incidents' start and
// updates; entries already present are not added twice.
func (p *pages) timelineImport(c *gin.Context) {
	id := c.Param("id")
	added := 0
	ticked := c.PostFormArray("update")
	r, err := p.mutateRCA(c, id, "timeline import", func(r *domain.RCA) error {
		added = 0
		for _, in := range p.incidentsOf(c.Request.Context(), r.IncidentIDs) {
			entries := pickEntries(timelineFromIncident(in, r.Timeline), ticked)
			added += len(entries)
			r.Timeline = append(r.Timeline, entries...)
		}
		return nil
	})
	if err != nil {
		p.editFailed(c, id, err, editState{section: p.ruleSection(c, id, domain.RuleTimeline)})
		return
	}
	if added == 0 {
		p.setFlash(c, "info", "ui.flash.nothing_imported")
	} else {
		p.setFlash(c, "ok", "ui.flash.imported")
	}
	p.backToRule(c, r, domain.RuleTimeline, "timeline-heading")
}

// ruleSection finds the section for rule without failing the request.
func (p *pages) ruleSection(c *gin.Context, id, rule string) string {
	r, err := p.s.store.GetRCA(c.Request.Context(), id)
	if err != nil {
		return ""
	}
	return p.sectionWithRule(c, r, rule)
}
