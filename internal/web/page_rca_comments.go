package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// commentAdd posts a review comment on one section.
func (p *pages) commentAdd(c *gin.Context) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	id := c.Param("id")
	r, err := p.s.store.GetRCA(ctx, id)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	key := c.PostForm("section")
	body := strings.TrimSpace(c.PostForm("body"))
	if (key != "" && r.Section(key) == nil) || body == "" || len(body) > domain.MaxTextLen {
		p.setFlash(c, "error", "ui.flash.comment_invalid")
		redirect(c, "/rcas/"+id)
		return
	}
	cm := domain.Comment{ID: domain.NewID(), RCAID: id, SectionKey: key, AuthorID: u.ID, Body: body, CreatedAt: p.s.now()}
	if err := p.s.store.AddComment(ctx, &cm); err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.comment_added")
	redirect(c, "/rcas/"+id+"#s-"+key)
}

// commentResolve marks a comment as dealt with.
func (p *pages) commentResolve(c *gin.Context) {
	id := c.Param("id")
	if err := p.s.store.ResolveComment(c.Request.Context(), id, c.Param("cid"), p.s.now()); err != nil {
		p.s.pageError(c, err)
		return
	}
	redirect(c, "/rcas/"+id)
}
