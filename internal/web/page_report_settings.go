package web

// report2 area: the organisation's report header defaults, for admins
// (/admin/report and /api/v1/settings/report-header).

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
)

type factChoice struct {
	Key, Label string
	On         bool
}

type reportSettingsPage struct {
	PageData
	Version                                int64
	Facts                                  []factChoice
	IssueDate, DocVersion, Contact, Status string
	Closing                                string
	Problems                               []domain.Problem
	Stale                                  bool // someone else saved meanwhile
}

func (p *pages) registerReportSettings(ui *gin.RouterGroup) {
	p.s.handle(ui, "GET", "/admin/report", policy.ReportSettings, p.reportSettingsForm)
	p.s.handle(ui, "POST", "/admin/report", policy.ReportSettings, p.reportSettingsSave)
}

func (p *pages) reportSettingsData(c *gin.Context, d app.ReportHeaderSettings) reportSettingsPage {
	loc := p.localeOf(c)
	v := reportSettingsPage{PageData: p.base(c, "report_settings"), Version: d.Version, DocVersion: d.DocVersion,
		Contact: d.Contact, Status: d.StatusURL, Closing: d.Closing}
	if d.IssueDate != nil {
		v.IssueDate = d.IssueDate.String()
	}
	for _, k := range report.HeaderFactKeys {
		v.Facts = append(v.Facts, factChoice{Key: k, Label: loc.l.T("report.fact." + k), On: containsString(d.Facts, k)})
	}
	return v
}

// reportSettingsForm shows the organisation's header defaults.
func (p *pages) reportSettingsForm(c *gin.Context) {
	d, err := p.s.app.ReportHeaderDefaults(c.Request.Context(), actorOf(c))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.render(c, http.StatusOK, "report_settings", p.reportSettingsData(c, d))
}

// reportSettingsSave stores them; bad input re-renders the form with it.
func (p *pages) reportSettingsSave(c *gin.Context) {
	var ps formProblems
	in := app.ReportHeaderSettings{}
	in.Version, _ = strconv.ParseInt(c.PostForm("version"), 10, 64)
	in.IssueDate = optionalDate(c, "issue_date", &ps)
	in.DocVersion, in.Contact = c.PostForm("doc_version"), c.PostForm("contact")
	in.StatusURL, in.Closing = c.PostForm("status_url"), c.PostForm("closing")
	for _, k := range c.PostFormArray("facts") {
		if k = strings.TrimSpace(k); k != "" {
			in.Facts = append(in.Facts, k)
		}
	}
	var err error
	if len(ps) > 0 {
		err = &domain.ValidationError{Problems: ps}
	} else {
		_, err = p.s.app.SetReportHeaderDefaults(c.Request.Context(), actorOf(c), in)
	}
	if err != nil {
		problems, ok := validationProblems(err)
		if !ok && !isConflict(err) {
			p.s.pageError(c, err)
			return
		}
		if isConflict(err) {
			// Show the other admin's values; the user makes the change again.
			cur, cerr := p.s.app.ReportHeaderDefaults(c.Request.Context(), actorOf(c))
			if cerr != nil {
				p.s.pageError(c, cerr)
				return
			}
			v := p.reportSettingsData(c, cur)
			v.Stale = true
			p.render(c, http.StatusConflict, "report_settings", v)
			return
		}
		v := p.reportSettingsData(c, in)
		v.IssueDate = strings.TrimSpace(c.PostForm("issue_date"))
		v.Problems = problems
		p.render(c, statusInvalid, "report_settings", v)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/report")
}
