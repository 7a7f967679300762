package web

// report2 area: the organisation's report header defaults in the API.

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

func (s *Server) registerReportSettings(api *gin.RouterGroup) {
	s.handle(api, "GET", "/settings/report-header", policy.ReportSettings, s.apiReportHeaderGet)
	s.handle(api, "PUT", "/settings/report-header", policy.ReportSettings, s.apiReportHeaderPut)
	s.document(
		apiOp{Method: "GET", Path: "/settings/report-header", Tag: "settings", Role: domain.RoleAdmin,
			Summary:  "The organisation's defaults for the export header (facts, issue_date, doc_version, contact, status_url, closing), with their version",
			Response: app.ReportHeaderSettings{}},
		apiOp{Method: "PUT", Path: "/settings/report-header", Tag: "settings", Role: domain.RoleAdmin,
			Summary: "Replace the organisation's header defaults; send the version read (409 with the current defaults when stale). " +
				"A template's defaults win over these, an export's own options over both",
			Request: app.ReportHeaderSettings{}, Response: app.ReportHeaderSettings{}},
	)
}

func (s *Server) apiReportHeaderGet(c *gin.Context) {
	d, err := s.app.ReportHeaderDefaults(c.Request.Context(), actorOf(c))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

func (s *Server) apiReportHeaderPut(c *gin.Context) {
	var in app.ReportHeaderSettings
	if !bindJSON(c, &in) {
		return
	}
	if err := checkVersion(in.Version); err != nil {
		s.apiError(c, err)
		return
	}
	d, err := s.app.SetReportHeaderDefaults(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.apiErrorWithCurrent(c, err, func() (any, error) { return s.app.ReportHeaderDefaults(c.Request.Context(), actorOf(c)) })
		return
	}
	c.JSON(http.StatusOK, d)
}
