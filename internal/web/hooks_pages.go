package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
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

	r.GET("/static/*file", p.assets.serve)
	r.HEAD("/static/*file", p.assets.serve)

	ui := r.Group("/", p.localeMiddleware())
	viewer := s.requirePageRole(domain.RoleViewer)
	author := s.requirePageRole(domain.RoleAuthor)
	admin := s.requirePageRole(domain.RoleAdmin)

	// Signing in and out.
	ui.GET("/signin", p.signinForm)
	ui.POST("/signin", p.signinSubmit)
	ui.POST("/signout", p.signout)

	// Dashboard and settings.
	ui.GET("/", viewer, p.dashboard)
	ui.GET("/settings", viewer, p.settingsForm)
	ui.POST("/settings", viewer, p.settingsSave)
	ui.POST("/preview", viewer, p.preview)

	// RCAs: create, read, review, history.
	ui.GET("/rcas/new", author, p.rcaNewForm)
	ui.POST("/rcas", author, p.rcaCreate)
	ui.GET("/rcas/:id", viewer, p.rcaView)
	ui.POST("/rcas/:id/state", author, p.rcaState)
	ui.POST("/rcas/:id/publish", author, p.rcaPublish)
	ui.POST("/rcas/:id/comments", author, p.commentAdd)
	ui.POST("/rcas/:id/comments/:cid/resolve", author, p.commentResolve)
	ui.GET("/rcas/:id/history", viewer, p.rcaHistory)
	ui.GET("/rcas/:id/diff", viewer, p.rcaDiff)
	r.GET("/rcas/:id/report", viewer, p.rcaReport) // ?lang= is the report's language, not the UI's
	ui.POST("/rcas/:id/restore/:version", author, p.rcaRestore)

	// The guided editor.
	ui.GET("/rcas/:id/edit", author, p.rcaEdit)
	ui.POST("/rcas/:id/sections/:key", author, p.sectionSave)
	ui.POST("/rcas/:id/facts", author, p.factsSave)
	ui.POST("/rcas/:id/incidents/link", author, p.rcaLinkIncidents)
	ui.POST("/rcas/:id/incidents/unlink", author, p.rcaUnlinkIncidents)
	ui.POST("/rcas/:id/timeline", author, p.timelineAdd)
	ui.POST("/rcas/:id/timeline/import", author, p.timelineImport)
	ui.POST("/rcas/:id/timeline/:eid", author, p.timelineSave)
	ui.POST("/rcas/:id/timeline/:eid/delete", author, p.timelineDelete)
	ui.POST("/rcas/:id/actions", author, p.actionAdd)
	ui.POST("/rcas/:id/actions/:aid", author, p.actionSave)
	ui.POST("/rcas/:id/actions/:aid/delete", author, p.actionDelete)

	// The document editor: every section on one page (area "ui").
	ui.GET("/rcas/:id/write", author, p.rcaWrite)
	ui.POST("/rcas/:id/timeline/paste", author, p.timelinePaste)

	// Incidents.
	ui.GET("/incidents", viewer, p.incidentList)
	ui.GET("/incidents/new", author, p.incidentNewForm)
	ui.POST("/incidents", author, p.incidentCreate)
	ui.GET("/incidents/:id", viewer, p.incidentView)
	ui.GET("/incidents/:id/edit", author, p.incidentEditForm)
	ui.POST("/incidents/:id", author, p.incidentSave)
	ui.POST("/incidents/:id/updates", author, p.incidentAddUpdate)
	ui.POST("/incidents/:id/rcas", author, p.incidentLinkRCA)
	ui.POST("/incidents/:id/rcas/:rid/unlink", author, p.incidentUnlinkRCA)

	// Administration.
	ui.GET("/admin/components", admin, p.componentList)
	ui.POST("/admin/components", admin, p.componentCreate)
	ui.POST("/admin/components/:id", admin, p.componentSave)
	ui.POST("/admin/components/:id/delete", admin, p.componentDelete)
	ui.GET("/admin/users", admin, p.userList)
	ui.POST("/admin/users", admin, p.userCreate)
	ui.POST("/admin/users/:id", admin, p.userSave)
	ui.GET("/admin/audit", admin, p.auditList)
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
