package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// commentBack is the page a comment form returns to: the document editor
// when it came from there (area collab), else the RCA page.
func commentBack(c *gin.Context, id string) string {
	if c.PostForm("from") == "write" {
		return "/rcas/" + id + "/write"
	}
	return "/rcas/" + id
}

// commentAdd posts a review comment on one section: a thread, optionally
// anchored to a quoted passage, or a reply to one.
func (p *pages) commentAdd(c *gin.Context) {
	id, key := c.Param("id"), c.PostForm("section")
	cm, err := p.s.app.AddCommentIn(c.Request.Context(), actorOf(c), id, app.CommentInput{SectionKey: key,
		Body: c.PostForm("body"), Quote: c.PostForm("quote"), ParentID: c.PostForm("parent")})
	if domain.IsValidation(err) {
		p.setFlash(c, "error", "ui.flash.comment_invalid")
		redirect(c, commentBack(c, id)+"#s-"+key)
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.comment_added")
	redirect(c, commentBack(c, id)+"#cm-"+firstNonEmpty(cm.ParentID, cm.ID))
}

// commentResolve marks a thread as dealt with.
func (p *pages) commentResolve(c *gin.Context) {
	id := c.Param("id")
	cm, err := p.s.app.ResolveComment(c.Request.Context(), actorOf(c), id, c.Param("cid"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	redirect(c, commentBack(c, id)+"#cm-"+cm.ID)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
