package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// commentAdd posts a review comment on one section.
func (p *pages) commentAdd(c *gin.Context) {
	id, key := c.Param("id"), c.PostForm("section")
	_, err := p.s.app.AddComment(c.Request.Context(), actorOf(c), id, key, c.PostForm("body"))
	if domain.IsValidation(err) {
		p.setFlash(c, "error", "ui.flash.comment_invalid")
		redirect(c, "/rcas/"+id)
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.comment_added")
	redirect(c, "/rcas/"+id+"#s-"+key)
}

// commentResolve marks a comment as dealt with.
func (p *pages) commentResolve(c *gin.Context) {
	id := c.Param("id")
	if _, err := p.s.app.ResolveComment(c.Request.Context(), actorOf(c), id, c.Param("cid")); err != nil {
		p.s.pageError(c, err)
		return
	}
	redirect(c, "/rcas/"+id)
}
