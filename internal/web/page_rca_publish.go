package web

import (
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// rcaPublish is the Publish button: the same service call as the API's
// POST /api/v1/rcas/:id/publish (status page, targets, deliveries, audit),
// answered with a redirect and a message instead of JSON.
func (p *pages) rcaPublish(c *gin.Context) { p.publishAndRedirect(c) }

// publishAndRedirect publishes the RCA of the form (the Publish button, or
// the state form's "published") and redirects to its page with a message.
func (p *pages) publishAndRedirect(c *gin.Context) {
	id := c.Param("id")
	version, _ := strconv.ParseInt(c.PostForm("version"), 10, 64)
	notify := c.PostForm("notify") == "1" // subs: the "notify subscribers again" tick box
	_, err := p.s.app.PublishNotify(c.Request.Context(), actorOf(c), id, version, notify)
	switch {
	case err == nil:
		p.setFlash(c, "ok", "ui.flash.published")
	case errors.Is(err, domain.ErrForbidden):
		p.s.pageError(c, err)
		return
	case errors.Is(err, domain.ErrInvalidTransition), errors.Is(err, store.ErrConflict):
		p.setFlash(c, "error", "ui.flash.invalid_transition")
	default:
		p.s.log.Warn("publish from page failed", "request_id", requestID(c), "err", err)
		p.setFlash(c, "error", "ui.flash.publish_failed")
	}
	redirect(c, "/rcas/"+id)
}
