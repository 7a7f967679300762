package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// registerExport adds the report export routes under /api/v1.
func (s *Server) registerExport(api *gin.RouterGroup) {
	s.handle(api, "GET", "/rcas/:id/export", policy.RCAExport, s.apiRCAExport)
	s.document(apiOp{
		Method: "GET", Path: "/rcas/{id}/export", Tag: "rcas", Role: domain.RoleViewer,
		Summary: "Export an RCA as a PDF, HTML or Markdown report in a language, time zone and audience. " +
			"The internal edition needs the author role.",
		Query: []queryParam{
			{Name: "format", Type: "string", Description: "pdf (default), html or md"},
			{Name: "lang", Type: "string", Description: "en, de, fr, es or pt-BR; default: the RCA's language"},
			{Name: "tz", Type: "string", Description: "IANA time zone for the timeline, e.g. Europe/Berlin; default: the server's"},
			{Name: "audience", Type: "string", Description: "external (default) or internal"},
		},
		Produces: "application/pdf",
	})
}
