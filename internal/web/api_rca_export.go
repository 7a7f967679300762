package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/export"
	"github.com/hindsight-rca/hindsight/internal/report"
)

// exportQuery is the parsed query of an export request.
type exportQuery struct {
	format, lang, tz string
	audience         report.Audience

	// Partner header parameters (metrics area): facts, issue_date,
	// doc_version, contact, status_url, closing.
	header report.Header
}

// apiRCAExport answers a report file:
// GET /api/v1/rcas/:id/export?format=pdf|html|md&lang=de&tz=Europe/Berlin&audience=external|internal.
func (s *Server) apiRCAExport(c *gin.Context) {
	q, err := s.exportQuery(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	ctx := c.Request.Context()
	r, err := s.store.GetRCA(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	if q.lang == "" {
		q.lang = s.catalog.Match(r.Language)
	}
	in, err := export.Load(ctx, s.store, r, q.audience)
	if err != nil {
		s.apiError(c, err)
		return
	}
	rep, err := report.Build(r, in.Incidents, in.Components, in.Authors, s.catalog, report.Options{
		Lang: q.lang, TimeZone: q.tz, Audience: q.audience, Now: s.now(), Branding: s.cfg.Branding,
		Header: q.header,
	})
	if err != nil {
		s.apiError(c, err)
		return
	}
	var buf bytes.Buffer
	contentType, err := report.Render(&buf, rep, q.format)
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "rca.export", "rca:"+r.ID, map[string]string{
		"format": q.format, "lang": q.lang, "audience": string(q.audience)})
	name := report.FileName(rep, q.format)
	h := c.Writer.Header()
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	if q.format == "html" {
		// The file needs nothing from anywhere: forbid it all, in case a
		// browser shows it inline.
		h.Set("Content-Security-Policy", reportCSP)
	}
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

// exportQuery validates the query parameters; each bad one is a 400 with a
// message saying what is allowed.
func (s *Server) exportQuery(c *gin.Context) (exportQuery, error) {
	l := s.catalog.Localizer(s.requestLang(c))
	bad := func(field, key, value string, data map[string]any) error {
		if data == nil {
			data = map[string]any{}
		}
		data["Value"] = quote(value)
		return &httpError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: l.T(key, data),
			Extra: map[string]any{"field": field}}
	}
	q := exportQuery{
		format:   strings.ToLower(strings.TrimSpace(c.DefaultQuery("format", "pdf"))),
		lang:     strings.TrimSpace(c.Query("lang")),
		tz:       strings.TrimSpace(c.Query("tz")),
		audience: report.Audience(strings.ToLower(strings.TrimSpace(c.DefaultQuery("audience", string(report.External))))),
	}
	if !report.ValidFormat(q.format) {
		return q, bad("format", "error.export.format", q.format, nil)
	}
	if q.lang != "" {
		lang, ok := s.catalog.Lookup(q.lang)
		if !ok || strings.ContainsAny(q.lang, ",; ") {
			return q, bad("lang", "error.export.lang", q.lang, map[string]any{"Choices": strings.Join(s.catalog.Languages(), ", ")})
		}
		q.lang = lang
	}
	if q.tz == "" {
		q.tz = s.cfg.DefaultTimeZone
	}
	if _, err := domain.LoadZone(q.tz); err != nil { // IANA or a fixed offset such as UTC+1
		return q, bad("tz", "error.export.tz", q.tz, nil)
	}
	if !q.audience.Valid() {
		return q, bad("audience", "error.export.audience", string(q.audience), nil)
	}
	if q.audience == report.Internal && !effectiveRole(c).Allows(domain.RoleAuthor) {
		return q, &httpError{Status: http.StatusForbidden, Code: codeForbidden, Message: l.T("error.export.internal_forbidden")}
	}
	// Partner header parameters (metrics area).
	h, err := report.ParseHeader(c.GetQuery)
	if err != nil {
		return q, err
	}
	q.header = h
	return q, nil
}

func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "") + `"`
}
