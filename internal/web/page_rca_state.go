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
	// The API's transition runs the same domain rules, audit and state
	// hooks (status page, publish targets); a concurrent edit is retried.
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		_, err = p.s.transitionRCA(ctx, u, u.Role, id, stateChange{To: to, Comment: comment})
		if !isConflict(err) {
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
	p.setFlash(c, "ok", "ui.flash.state_"+string(to))
	redirect(c, "/rcas/"+id)
}
