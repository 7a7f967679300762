package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
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
	q := c.Request.URL.Query()
	if q.Get("format") == "" {
		q.Set("format", "html")
	}
	req, err := report.ParseOptions(p.cat, q, report.ExportDefaults{Format: "html", TimeZone: p.s.cfg.DefaultTimeZone})
	if err == nil && req.Format != "html" {
		err = &domain.ValidationError{Problems: []domain.Problem{{Field: "format", Code: domain.CodeUnknownEnum, Detail: "the preview is html"}}}
	}
	if err != nil {
		msg := ""
		var he *httpError
		if errors.As(exportProblem(p.cat.Localizer(p.s.requestLang(c)), q, err), &he) {
			msg = he.Message
		}
		p.s.respondError(c, http.StatusBadRequest, codeBadRequest, msg)
		return
	}
	out, err := p.s.app.ExportRCA(ctx, actorOf(c), r.ID, app.ExportRequest{Format: "html", Lang: req.Options.Lang,
		TimeZone: req.Options.TimeZone, Audience: req.Options.Audience, Paper: req.Options.Paper, Header: req.Options.Header, Via: "preview"})
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
