package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/static"
	"github.com/hindsight-rca/hindsight/templates"
)

// The browser UI in brief: one handler per page or form (page_*.go), typed
// page data embedding PageData (view*.go), one template set per page
// parsed at start-up and cloned per request to bind the request's language
// (render.go), embedded static files under content-hashed names
// (render_assets.go). Forms post and redirect with 303; a rejected form is
// rendered again with the user's input and localized problems. The editor's
// JavaScript (static/app.js) saves sections through the JSON API and keeps a
// draft in localStorage while the server cannot be reached.

// registerPages adds the browser pages (dashboard, RCA editor, incidents,
// components, settings, users, sign-in). It sets s.errorPage and reports
// start-up failures (a missing template, a broken catalog) with s.setupError.
func (s *Server) registerPages(r *gin.Engine) {
	p, err := newPages(s)
	if err != nil {
		s.setupError(err)
		return
	}
	s.errorPage = p.errorPage

	s.handle(r, "GET", "/static/*file", policy.Public, p.assets.serve)
	s.handle(r, "HEAD", "/static/*file", policy.Public, p.assets.serve)

	ui := r.Group("/", p.localeMiddleware())

	// Signing in and out.
	s.handle(ui, "GET", "/signin", policy.Public, p.signinForm)
	s.handle(ui, "POST", "/signin", policy.Public, p.signinSubmit)
	s.handle(ui, "POST", "/signout", policy.Public, p.signout)

	// Dashboard and settings.
	s.handle(ui, "GET", "/", policy.RCAList, p.dashboard)
	s.handle(ui, "GET", "/settings", policy.SelfRead, p.settingsForm)
	s.handle(ui, "POST", "/settings", policy.SelfWrite, p.settingsSave)
	s.handle(ui, "POST", "/preview", policy.Preview, p.preview)

	// RCAs: create, read, review, history.
	s.handle(ui, "GET", "/rcas/new", policy.RCACreate, p.rcaNewForm)
	s.handle(ui, "POST", "/rcas", policy.RCACreate, p.rcaCreate)
	s.handle(ui, "GET", "/rcas/:id", policy.RCARead, p.rcaView)
	s.handle(ui, "POST", "/rcas/:id/state", policy.RCAState, p.rcaState)
	s.handle(ui, "POST", "/rcas/:id/publish", policy.RCAPublish, p.rcaPublish)
	s.handle(ui, "POST", "/rcas/:id/comments", policy.RCAComment, p.commentAdd)
	s.handle(ui, "POST", "/rcas/:id/comments/:cid/resolve", policy.RCAComment, p.commentResolve)
	s.handle(ui, "GET", "/rcas/:id/history", policy.RCARead, p.rcaHistory)
	s.handle(ui, "GET", "/rcas/:id/diff", policy.RCARead, p.rcaDiff)
	s.handle(r, "GET", "/rcas/:id/report", policy.RCARead, p.rcaReport) // ?lang= is the report's language, not the UI's
	s.handle(ui, "POST", "/rcas/:id/restore/:version", policy.RCARestore, p.rcaRestore)

	// The guided editor.
	s.handle(ui, "GET", "/rcas/:id/edit", policy.RCAEdit, p.rcaEdit)
	s.handle(ui, "POST", "/rcas/:id/sections/:key", policy.RCAEdit, p.sectionSave)
	s.handle(ui, "POST", "/rcas/:id/facts", policy.RCAEdit, p.factsSave)
	s.handle(ui, "POST", "/rcas/:id/incidents/link", policy.RCAEdit, p.rcaLinkIncidents)
	s.handle(ui, "POST", "/rcas/:id/incidents/unlink", policy.RCAEdit, p.rcaUnlinkIncidents)
	s.handle(ui, "POST", "/rcas/:id/timeline", policy.RCAEdit, p.timelineAdd)
	s.handle(ui, "POST", "/rcas/:id/timeline/import", policy.RCAEdit, p.timelineImport)
	s.handle(ui, "POST", "/rcas/:id/timeline/:eid", policy.RCAEdit, p.timelineSave)
	s.handle(ui, "POST", "/rcas/:id/timeline/:eid/delete", policy.RCAEdit, p.timelineDelete)
	s.handle(ui, "POST", "/rcas/:id/actions", policy.RCAEdit, p.actionAdd)
	s.handle(ui, "POST", "/rcas/:id/actions/:aid", policy.RCAEdit, p.actionSave)
	s.handle(ui, "POST", "/rcas/:id/actions/:aid/delete", policy.RCAEdit, p.actionDelete)

	// The document editor: every section on one page (area "ui").
	s.handle(ui, "GET", "/rcas/:id/write", policy.RCAEdit, p.rcaWrite)
	s.handle(ui, "POST", "/rcas/:id/timeline/paste", policy.RCAEdit, p.timelinePaste)

	// The translation editor (area collab).
	s.handle(ui, "GET", "/rcas/:id/translate", policy.RCAEdit, p.rcaTranslate)
	s.handle(ui, "POST", "/rcas/:id/translate/:key", policy.RCAEdit, p.rcaTranslateSave)

	// Incidents.
	s.handle(ui, "GET", "/incidents", policy.IncidentRead, p.incidentList)
	s.handle(ui, "GET", "/incidents/new", policy.IncidentWrite, p.incidentNewForm)
	s.handle(ui, "POST", "/incidents", policy.IncidentWrite, p.incidentCreate)
	s.handle(ui, "GET", "/incidents/:id", policy.IncidentRead, p.incidentView)
	s.handle(ui, "GET", "/incidents/:id/edit", policy.IncidentWrite, p.incidentEditForm)
	s.handle(ui, "POST", "/incidents/:id", policy.IncidentWrite, p.incidentSave)
	s.handle(ui, "POST", "/incidents/:id/updates", policy.IncidentWrite, p.incidentAddUpdate)
	s.handle(ui, "POST", "/incidents/:id/rcas", policy.IncidentWrite, p.incidentLinkRCA)
	s.handle(ui, "POST", "/incidents/:id/rcas/:rid/unlink", policy.IncidentWrite, p.incidentUnlinkRCA)

	// Administration.
	s.handle(ui, "GET", "/admin/components", policy.ComponentManage, p.componentList)
	s.handle(ui, "POST", "/admin/components", policy.ComponentManage, p.componentCreate)
	s.handle(ui, "POST", "/admin/components/:id", policy.ComponentManage, p.componentSave)
	s.handle(ui, "POST", "/admin/components/:id/delete", policy.ComponentManage, p.componentDelete)
	s.handle(ui, "GET", "/admin/users", policy.UserManage, p.userList)
	s.handle(ui, "POST", "/admin/users", policy.UserManage, p.userCreate)
	s.handle(ui, "POST", "/admin/users/:id", policy.UserManage, p.userSave)
	s.handle(ui, "GET", "/admin/audit", policy.AuditRead, p.auditList)

	// Custom templates and contributing factors (tmpl area, issue 14).
	s.handle(ui, "GET", "/admin/templates", policy.TemplateManage, p.templateList)
	s.handle(ui, "GET", "/admin/templates/new", policy.TemplateManage, p.templateNew)
	s.handle(ui, "POST", "/admin/templates", policy.TemplateManage, p.templateCreate)
	s.handle(ui, "POST", "/admin/templates/import", policy.TemplateManage, p.templateImport)
	s.handle(ui, "GET", "/admin/templates/:key", policy.TemplateManage, p.templateEdit)
	s.handle(ui, "POST", "/admin/templates/:key", policy.TemplateManage, p.templateSave)
	s.handle(ui, "POST", "/admin/templates/:key/retire", policy.TemplateManage, p.templateRetire)
	s.handle(ui, "POST", "/admin/templates/:key/restore", policy.TemplateManage, p.templateRestore)
	s.handle(ui, "GET", "/admin/factors", policy.FactorManage, p.factorList)
	s.handle(ui, "POST", "/admin/factors", policy.FactorManage, p.factorCreate)
	s.handle(ui, "POST", "/admin/factors/:key", policy.FactorManage, p.factorSave)
	s.handle(ui, "POST", "/rcas/:id/factors", policy.RCAEdit, p.rcaFactorsSave)
	p.registerActionPages(ui) // area actions (issue 14)
	// Insights (area insights, issue 14): charts and their CSV.
	s.handle(ui, "GET", "/insights", policy.InsightsRead, p.insights)
	s.handle(ui, "GET", "/insights.csv", policy.InsightsRead, p.insightsCSV)
	// subs: status-page subscribers.
	s.handle(ui, "GET", "/admin/subscribers", policy.SubscriberManage, p.subscriberList)
	s.handle(ui, "POST", "/admin/subscribers/:id/delete", policy.SubscriberManage, p.subscriberDelete)
	p.registerReportSettings(ui) // report2 area: the organisation's report header defaults
	// flow: reviewers, "My work" and its notices.
	s.handle(ui, "POST", "/rcas/:id/reviewers", policy.RCAChangeTeam, p.rcaReviewers)
	s.handle(ui, "GET", "/my-work", policy.SelfRead, p.myWork)
}

func newPages(s *Server) (*pages, error) {
	cat := s.catalog
	if cat == nil {
		var err error
		if cat, err = i18n.Load(); err != nil {
			return nil, err
		}
	}
	assets, err := newAssetSet(static.FS)
	if err != nil {
		return nil, err
	}
	ui, err := newRenderer(templates.FS, assets)
	if err != nil {
		return nil, err
	}
	return &pages{s: s, ui: ui, assets: assets, cat: cat}, nil
}
