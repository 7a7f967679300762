package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// rcaState moves an RCA through review: submit, approve, send back with a
// reason, archive. The form carries the version shown; every move is
// recorded in the RCA's history.
func (p *pages) rcaState(c *gin.Context) {
	id := c.Param("id")
	to := domain.RCAState(c.PostForm("to"))
	comment := strings.TrimSpace(c.PostForm("comment"))
	if to == domain.StatePublished {
		p.publishAndRedirect(c)
		return
	}
	version, _ := strconv.ParseInt(c.PostForm("version"), 10, 64)
	_, err := p.s.app.ChangeState(c.Request.Context(), actorOf(c), id, app.StateChange{To: to, Comment: comment, Version: version})
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
