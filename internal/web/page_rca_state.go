package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// rcaState moves an RCA through review: submit, approve, send back with a
// reason, archive. The form carries the version shown; every move is
// recorded in the RCA's history. A submit may carry the reviewers picked
// and an override reason; a refused submit or approval shows what fails
// (flow).
func (p *pages) rcaState(c *gin.Context) {
	id := c.Param("id")
	to := domain.RCAState(c.PostForm("to"))
	comment := strings.TrimSpace(c.PostForm("comment"))
	override := strings.TrimSpace(c.PostForm("override_reason"))
	if to == domain.StatePublished {
		p.publishAndRedirect(c)
		return
	}
	ctx := c.Request.Context()
	version, _ := strconv.ParseInt(c.PostForm("version"), 10, 64)
	var err error
	if revs := c.PostForm("revisions"); revs != "" {
		version, err = p.versionOfRevisions(c, id, revs)
	}
	if c.PostForm("pick_reviewers") != "" && to == domain.StateInReview {
		var r domain.RCA
		if r, err = p.s.app.AssignReviewers(ctx, actorOf(c), id, c.PostFormArray("reviewer"), version); err == nil {
			version = r.Version
		}
	}
	if err == nil {
		_, err = p.s.app.ChangeState(ctx, actorOf(c), id, app.StateChange{To: to, Comment: comment, Version: version, OverrideReason: override})
	}
	switch {
	case err == nil:
	case domain.IsValidation(err), app.IsBlocked(err):
		rc, lerr := p.loadRCA(c, id)
		if lerr != nil {
			p.s.pageError(c, lerr)
			return
		}
		problems, _ := validationProblems(err)
		problems = problemsInForm("review", problems) // named as the panel labels them
		// From the editor too: the RCA page shows what fails, its forms
		// return to the editor (in place, only the panel is taken).
		p.renderViewBlocked(c, http.StatusUnprocessableEntity, rc, problems, comment, err, override, c.PostForm("from"))
		return
	case errors.Is(err, domain.ErrInvalidTransition):
		p.setFlash(c, "error", "ui.flash.invalid_transition")
		redirect(c, backTo(c, id))
		return
	case errors.Is(err, store.ErrConflict):
		p.setFlash(c, "error", "ui.flash.stale")
		redirect(c, backTo(c, id))
		return
	default:
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.state_"+string(to))
	redirect(c, backTo(c, id))
}

// versionOfRevisions answers the RCA's version when every section is at
// the revision the editor shows ("key:rev,…"): the editor's autosaves move
// the version on, so the page's own version would be stale although the
// author sees the stored text. Any other section revision is a conflict.
func (p *pages) versionOfRevisions(c *gin.Context, id, revs string) (int64, error) {
	r, err := p.s.app.GetRCA(c.Request.Context(), actorOf(c), id)
	if err != nil {
		return 0, err
	}
	for _, kv := range strings.Split(revs, ",") {
		key, rev, _ := strings.Cut(kv, ":")
		n, perr := strconv.ParseInt(rev, 10, 64)
		s := r.Section(key)
		if perr != nil || s == nil || s.Revision != n {
			return 0, &store.ConflictError{Current: r}
		}
	}
	return r.Version, nil
}
