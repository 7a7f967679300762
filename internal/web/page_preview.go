package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// preview renders Markdown the way the RCA will show it, for the editor's
// live preview. markdown (through pageMarkdown) is the only place author text becomes HTML.
func (p *pages) preview(c *gin.Context) {
	body := c.PostForm("body")
	if len(body) > domain.MaxBodyLen {
		p.s.respondError(c, http.StatusRequestEntityTooLarge, codeTooLarge, "")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", defaultCSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(pageMarkdown(body)))
}
