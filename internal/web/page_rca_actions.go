package web

import (
	"errors"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// errEntryGone: the timeline entry or action item was deleted meanwhile.
var errEntryGone = errors.New("web: entry no longer exists")

func actionFormFrom(c *gin.Context) actionFormValues {
	return actionFormValues{Title: strings.TrimSpace(c.PostForm("title")), Owner: strings.TrimSpace(c.PostForm("owner")),
		Due: strings.TrimSpace(c.PostForm("due")), State: c.PostForm("state"),
		TrackerURL: strings.TrimSpace(c.PostForm("tracker_url")), Visibility: c.PostForm("visibility"),
		OwnerID: strings.TrimSpace(c.PostForm("owner_id"))}
}

// parseAction checks an action item form.
func parseAction(c *gin.Context, f actionFormValues, ps *formProblems) domain.ActionItem {
	a := domain.ActionItem{Title: f.Title, Owner: f.Owner, OwnerID: f.OwnerID, State: domain.ActionState(f.State),
		TrackerURL: f.TrackerURL, Visibility: domain.Visibility(f.Visibility)}
	a.Due = optionalDate(c, "due", ps)
	if a.Title == "" {
		ps.add("title", domain.CodeRequired)
	}
	if a.State == "" {
		a.State = domain.ActionOpen
	}
	if !a.State.Valid() {
		ps.add("state", domain.CodeUnknownEnum)
	}
	if a.Visibility == "" {
		a.Visibility = domain.External
	}
	if !a.Visibility.Valid() {
		ps.add("visibility", domain.CodeUnknownEnum)
	}
	// The domain checks the tracker URL (http or https only) in Validate.
	probe := domain.RCA{Title: "x", Template: "x", Language: "en", ActionItems: []domain.ActionItem{a}}
	probe.Normalize()
	if problems, ok := validationProblems(probe.Validate()); ok {
		for _, p := range problems {
			if p.Field == "tracker_url" || p.Field == "owner" {
				*ps = append(*ps, p)
			}
		}
	}
	return a
}

// actionAdd adds a preventive measure.
func (p *pages) actionAdd(c *gin.Context) {
	id := c.Param("id")
	f := actionFormFrom(c)
	var ps formProblems
	a := parseAction(c, f, &ps)
	st := editState{section: p.ruleSection(c, id, domain.RuleActionItems), aiForm: &f, problemForm: "action-add"}
	a.ID = domain.NewID()
	r, ok := p.applyEntry(c, id, ps, st, "action add", func(r *domain.RCA) error {
		r.ActionItems = append(r.ActionItems, a)
		return nil
	})
	if !ok {
		return
	}
	p.setFlash(c, "ok", "ui.flash.action_added")
	p.backToRule(c, r, domain.RuleActionItems, "action-add")
}

// actionSave changes a preventive measure.
func (p *pages) actionSave(c *gin.Context) {
	id, aid := c.Param("id"), c.Param("aid")
	f := actionFormFrom(c)
	var ps formProblems
	a := parseAction(c, f, &ps)
	st := editState{section: p.ruleSection(c, id, domain.RuleActionItems), rowID: aid, aiRow: &f, problemForm: "action-" + aid}
	r, ok := p.applyEntry(c, id, ps, st, "action edit", func(r *domain.RCA) error {
		i := slices.IndexFunc(r.ActionItems, func(old domain.ActionItem) bool { return old.ID == aid })
		if i < 0 {
			return errEntryGone
		}
		a.ID, a.Translations = aid, r.ActionItems[i].Translations
		r.ActionItems[i] = a
		return nil
	})
	if !ok {
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	p.backToRule(c, r, domain.RuleActionItems, "action-"+aid)
}

// actionDelete removes a preventive measure.
func (p *pages) actionDelete(c *gin.Context) {
	id, aid := c.Param("id"), c.Param("aid")
	r, err := p.mutateRCA(c, id, "action delete", func(r *domain.RCA) error {
		r.ActionItems = slices.DeleteFunc(r.ActionItems, func(a domain.ActionItem) bool { return a.ID == aid })
		return nil
	})
	if err != nil {
		p.editFailed(c, id, err, editState{section: p.ruleSection(c, id, domain.RuleActionItems)})
		return
	}
	p.setFlash(c, "ok", "ui.flash.action_deleted")
	p.backToRule(c, r, domain.RuleActionItems, "actions-heading")
}

// applyEntry applies change for an entry form (timeline entry or action
// item) parsed with problems ps. On problems or a failed change it answers
// the request itself, re-rendering the form of st, and returns false.
func (p *pages) applyEntry(c *gin.Context, id string, ps formProblems, st editState, note string,
	change func(r *domain.RCA) error) (domain.RCA, bool) {
	if len(ps) > 0 {
		p.editFailed(c, id, &domain.ValidationError{Problems: ps}, st)
		return domain.RCA{}, false
	}
	r, err := p.mutateRCA(c, id, note, change)
	if err != nil {
		p.entryFailed(c, id, err, st)
		return domain.RCA{}, false
	}
	return r, true
}

// entryFailed is editFailed, with a deleted entry reported as a flash.
func (p *pages) entryFailed(c *gin.Context, id string, err error, st editState) {
	if errors.Is(err, errEntryGone) {
		p.setFlash(c, "error", "ui.flash.entry_gone")
		to := "/rcas/" + id + "/edit"
		if st.section != "" {
			to += "?section=" + st.section
		}
		redirect(c, to)
		return
	}
	p.editFailed(c, id, err, st)
}
