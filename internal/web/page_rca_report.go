package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/report"
)

// rcaReport shows the HTML export inline, as a preview of what partners
// get: GET /rcas/:id/report?lang=de&tz=Europe/Berlin&audience=external.
// The download itself is the API's export endpoint. The route sits outside
// the UI's language middleware, so ?lang= picks the report's language here
// without changing the UI's.
func (p *pages) rcaReport(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := p.s.app.GetRCA(ctx, actorOf(c), c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	lang, ok := p.cat.Lookup(c.DefaultQuery("lang", r.Language))
	if !ok {
		lang = p.cat.Match(r.Language)
	}
	tz := strings.TrimSpace(c.DefaultQuery("tz", p.s.cfg.DefaultTimeZone))
	audience := report.Audience(c.DefaultQuery("audience", string(report.External)))
	if _, err := time.LoadLocation(tz); err != nil || strings.EqualFold(tz, "local") || !audience.Valid() {
		p.s.respondError(c, http.StatusBadRequest, codeBadRequest, "")
		return
	}
	out, err := p.s.app.ExportRCA(ctx, actorOf(c), r.ID, app.ExportRequest{Format: "html", Lang: lang, TimeZone: tz, Audience: audience, Via: "preview"})
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", "inline")
	// The report needs nothing from anywhere and runs no script.
	h.Set("Content-Security-Policy", reportCSP)
	c.Data(http.StatusOK, out.ContentType, out.Body)
}
