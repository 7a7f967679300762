package web

import (
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// The review panel (flow): the moves offered, the gates' refusals with an
// override reason, the reviewer picker and the readable state history. The
// RCA page and the editor show the same panel; its forms work without
// JavaScript and, with it, in place (data-inplace: no page load).

type reviewerChoice struct {
	ID, Name string
	Selected bool
}

type reviewPanel struct {
	RCAID    string
	Version  int64
	State    domain.RCAState
	CSRF     string
	From     string // "view" or "write": where the forms come back to
	Moves    []app.Move
	Comment  string
	Override string
	Problems []domain.Problem
	// Failing and OpenComments are the gates' refusals.
	Failing         []failingSection
	OpenComments    []openComment
	AssignReviewers bool
	Candidates      []reviewerChoice
	Reviewers       []string // names
	History         []historyRow
	// PickOnSubmit: the reviewers are picked in the submit form.
	PickOnSubmit bool
	// CanNotify offers "notify subscribers again" beside the publish move
	// of a published RCA when e-mail is configured (subs).
	CanNotify bool
	// Notice is the override reason of the submit that put the RCA in
	// review, shown to its reviewers.
	Notice string
}

// ShowOverride reports whether the submit offers an override reason.
func (rp reviewPanel) ShowOverride() bool { return len(rp.Failing) > 0 }

func (p *pages) reviewPanel(c *gin.Context, rc *rcaContext, offer app.Offer, from string, problems []domain.Problem, comment string, blocked error, override string) reviewPanel {
	r := rc.RCA
	rp := reviewPanel{RCAID: r.ID, Version: r.Version, State: r.State, CSRF: csrfToken(c), From: from,
		Moves: offer.Moves, Comment: comment, Override: override, Problems: problems,
		AssignReviewers: offer.AssignReviewers && r.Editable(), Reviewers: namesOf(r.Reviewers, rc.Names),
		History:   historyRows(r, rc.Names),
		CanNotify: p.s.mailOn() && r.State == domain.StatePublished}
	loc := p.localeOf(c)
	var sb *app.SubmitBlockedError
	var ab *app.ApprovalBlockedError
	switch {
	case errors.As(blocked, &sb):
		rp.Failing = failingSections(loc, sb)
	case errors.As(blocked, &ab):
		rp.OpenComments = openComments(loc, ab, rc.Names)
	}
	if rp.AssignReviewers {
		rp.Candidates = p.reviewerChoices(c, r)
		rp.PickOnSubmit = offer.Has(domain.StateInReview)
	}
	if n := len(r.History); n > 0 && r.State == domain.StateInReview {
		rp.Notice = r.History[n-1].OverrideReason
	}
	return rp
}

// reviewerChoices are the users who may review r: active, reviewer role
// or above, and not among its writers.
func (p *pages) reviewerChoices(c *gin.Context, r domain.RCA) []reviewerChoice {
	users, err := p.s.store.ListUsers(c.Request.Context())
	if err != nil {
		return nil
	}
	var out []reviewerChoice
	for _, u := range users {
		if u.Disabled || !u.Role.Allows(domain.RoleReviewer) || u.ID == r.CreatedBy || containsString(r.Authors, u.ID) {
			continue
		}
		out = append(out, reviewerChoice{ID: u.ID, Name: u.DisplayName(), Selected: containsString(r.Reviewers, u.ID)})
	}
	return out
}

// historyRows are the state history, newest first, with names.
func historyRows(r domain.RCA, names map[string]string) []historyRow {
	out := make([]historyRow, 0, len(r.History))
	for i := len(r.History) - 1; i >= 0; i-- {
		h := r.History[i]
		out = append(out, historyRow{From: h.From, To: h.To, By: nameOf(h.By, names), At: h.At, Comment: h.Comment,
			OverrideReason: h.OverrideReason, Version: h.Version})
	}
	return out
}

// backTo is where a review form returns: the editor or the RCA page.
func backTo(c *gin.Context, id string) string {
	if c.PostForm("from") == "write" {
		return "/rcas/" + id + "/write"
	}
	return "/rcas/" + id
}

// rcaReviewers assigns the reviewers picked on the RCA page.
func (p *pages) rcaReviewers(c *gin.Context) {
	id := c.Param("id")
	version, _ := strconv.ParseInt(c.PostForm("version"), 10, 64)
	_, err := p.s.app.AssignReviewers(c.Request.Context(), actorOf(c), id, c.PostFormArray("reviewer"), version)
	switch {
	case err == nil:
		p.setFlash(c, "ok", "ui.flash.reviewers_saved")
	case domain.IsValidation(err):
		p.setFlash(c, "error", "ui.flash.reviewers_invalid")
	case errors.Is(err, store.ErrConflict):
		p.setFlash(c, "error", "ui.flash.stale")
	default:
		p.s.pageError(c, err)
		return
	}
	redirect(c, backTo(c, id))
}
