package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/export"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/report"
)

// exportQuery is the parsed query of an export request.
type exportQuery struct {
	format, lang, tz string
	audience         report.Audience
	paper            report.Paper

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
		q.lang = r.Language // its regional formats too, when it has a region
		if _, _, err := s.catalog.ParseTag(q.lang); err != nil {
			q.lang = s.catalog.Match(r.Language)
		}
	}
	in, err := export.Load(ctx, s.store, r, q.audience)
	if err != nil {
		s.apiError(c, err)
		return
	}
	rep, err := report.Build(r, in.Incidents, in.Components, in.Authors, s.catalog, report.Options{
		Lang: q.lang, TimeZone: q.tz, Audience: q.audience, Paper: q.paper, Now: s.now(), Branding: s.cfg.Branding,
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

// exportQuery validates the query parameters through report.ParseOptions;
// a bad or unknown one is a 400 with a message saying what is allowed.
func (s *Server) exportQuery(c *gin.Context) (exportQuery, error) {
	l := s.catalog.Localizer(s.requestLang(c))
	req, err := report.ParseOptions(s.catalog, c.Request.URL.Query(), report.ExportDefaults{TimeZone: s.cfg.DefaultTimeZone})
	q := exportQuery{format: req.Format, lang: req.Options.Lang, tz: req.Options.TimeZone, audience: req.Options.Audience, paper: req.Options.Paper,
		header: req.Options.Header}
	if err != nil {
		return q, exportProblem(l, c.Request.URL.Query(), err)
	}
	if q.audience == report.Internal && !effectiveRole(c).Allows(domain.RoleAuthor) {
		return q, &httpError{Status: http.StatusForbidden, Code: codeForbidden, Message: l.T("error.export.internal_forbidden")}
	}
	return q, nil
}

// exportProblem turns ParseOptions' first problem into a localized 400.
func exportProblem(l *i18n.Localizer, query url.Values, err error) error {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		return err
	}
	p := ve.Problems[0]
	data := map[string]any{"Value": quote(query.Get(p.Field))}
	key := "error.export." + p.Field
	switch p.Field {
	case "format", "tz", "audience", "paper":
	case "lang":
		data["Choices"] = l.Catalog().SupportedTags()
	case "facts", "issue_date", "doc_version", "contact", "status_url", "closing": // partner header (metrics area)
		key = "facts.error.param"
		data["Field"], data["Detail"] = p.Field, p.Detail
	default:
		key = "error.export.unknown_param"
		data["Value"] = quote(p.Field)
		data["Choices"] = strings.Join(report.ExportParams, ", ")
	}
	return &httpError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: l.T(key, data),
		Extra: map[string]any{"field": p.Field}}
}

func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "") + `"`
}
