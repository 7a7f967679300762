package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// rcaState moves an RCA through review: submit, approve, send back with a
// reason, archive. Every move is recorded in the RCA's history.
func (p *pages) rcaState(c *gin.Context) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	id := c.Param("id")
	to := domain.RCAState(c.PostForm("to"))
	comment := strings.TrimSpace(c.PostForm("comment"))
	if to == domain.StatePublished {
		p.rcaPublish(c)
		return
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var r domain.RCA
		if r, err = p.s.store.GetRCA(ctx, id); err != nil {
			break
		}
		if err = r.Transition(to, u.ID, u.Role, comment, p.s.now()); err != nil {
			break
		}
		if err = p.s.store.UpdateRCA(ctx, &r, u.ID, "state "+string(to)); !isConflict(err) {
			break
		}
	}
	switch {
	case err == nil:
	case domain.IsValidation(err):
		rc, lerr := p.loadRCA(c, id)
		if lerr != nil {
			p.s.pageError(c, lerr)
			return
		}
		problems, _ := validationProblems(err)
		p.renderView(c, http.StatusUnprocessableEntity, rc, problems, comment)
		return
	case errors.Is(err, domain.ErrInvalidTransition):
		p.setFlash(c, "error", "ui.flash.invalid_transition")
		redirect(c, "/rcas/"+id)
		return
	default:
		p.s.pageError(c, err)
		return
	}
	p.s.audit(ctx, u.ID, "rca.state", "rca:"+id, map[string]string{"to": string(to)})
	p.setFlash(c, "ok", "ui.flash.state_"+string(to))
	redirect(c, "/rcas/"+id)
}
