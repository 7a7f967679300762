package web

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/export"
	"github.com/hindsight-rca/hindsight/internal/report"
)

// rcaReport shows the HTML export inline, as a preview of what partners
// get: GET /rcas/:id/report?lang=de&tz=Europe/Berlin&audience=external.
// The download itself is the API's export endpoint. The route sits outside
// the UI's language middleware, so ?lang= picks the report's language here
// without changing the UI's.
func (p *pages) rcaReport(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := p.s.store.GetRCA(ctx, c.Param("id"))
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
	lang, tz, audience := req.Options.Lang, req.Options.TimeZone, req.Options.Audience
	if lang == "" {
		lang = r.Language
	}
	if u, _ := currentUser(c); audience == report.Internal && !u.Role.Allows(domain.RoleAuthor) {
		p.s.respondError(c, http.StatusForbidden, codeForbidden, "")
		return
	}
	in, err := export.Load(ctx, p.s.store, r, audience)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	rep, err := report.Build(r, in.Incidents, in.Components, in.Authors, p.cat, report.Options{Lang: lang, TimeZone: tz, Audience: audience, Paper: req.Options.Paper, Now: p.s.now(), Branding: p.s.cfg.Branding,
		Header: req.Options.Header}) // partner header (metrics area)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	var buf bytes.Buffer
	contentType, err := report.Render(&buf, rep, "html")
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	u, _ := currentUser(c)
	p.s.audit(ctx, u.ID, "rca.export", "rca:"+r.ID, map[string]string{
		"format": "html", "lang": lang, "audience": string(audience), "via": "preview"})
	h := c.Writer.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", "inline")
	// The report needs nothing from anywhere and runs no script.
	h.Set("Content-Security-Policy", reportCSP)
	c.Data(http.StatusOK, contentType, buf.Bytes())
}
