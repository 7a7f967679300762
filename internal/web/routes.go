package web

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// routes builds the engine: middleware first, then every route, grouped.
// Routes owned by other areas are added through the register* hooks.
func (s *Server) routes() *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.RemoveExtraSlash = true
	// Only configured proxies are trusted; by default the client address is
	// the peer address, so X-Forwarded-For cannot dodge sign-in throttling.
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		s.setupError(fmt.Errorf("web: trusted proxies: %w", err))
	}

	r.Use(
		s.recovery(),
		s.requestID(),
		s.accessLog(),
		s.metrics.middleware(),
		s.securityHeaders(),
		s.bodyLimit(),
		s.crossOrigin(),
		s.authenticate(),
		s.auditTokenUse(),
		s.jsonBodies(), // hygiene: 415 and bodyless routes, before any handler
	)
	r.NoRoute(s.notFound)
	r.NoMethod(s.methodNotAllowed)

	// Operations.
	r.GET("/healthz", s.healthz)
	r.HEAD("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", s.metrics.handler())

	api := r.Group("/api/v1")
	viewer := s.requireRole(domain.RoleViewer)
	author := s.requireRole(domain.RoleAuthor)
	admin := s.requireRole(domain.RoleAdmin)

	// The API describing itself; public so tools can read it before they hold a token.
	api.GET("/openapi.json", s.apiOpenAPI)
	s.document(coreOps()...)

	// Sessions for scripts and the browser's JavaScript.
	api.POST("/session", s.apiSignIn)
	api.DELETE("/session", s.apiSignOut)
	api.GET("/me", viewer, s.apiMe)
	api.PUT("/me", viewer, s.apiMeUpdate)

	// Templates.
	api.GET("/templates", viewer, s.apiTemplateList)

	// Status-page components: everyone reads, admins manage.
	api.GET("/components", viewer, s.apiComponentList)
	api.POST("/components", admin, s.apiComponentCreate)
	api.GET("/components/:id", viewer, s.apiComponentGet)
	api.PUT("/components/:id", admin, s.apiComponentUpdate)
	api.DELETE("/components/:id", admin, s.apiComponentDelete)

	// Incidents: authors write, admins delete.
	api.GET("/incidents", viewer, s.apiIncidentList)
	api.POST("/incidents", author, s.apiIncidentCreate)
	api.GET("/incidents/:id", viewer, s.apiIncidentGet)
	api.PUT("/incidents/:id", author, s.apiIncidentReplace)
	api.DELETE("/incidents/:id", admin, s.apiIncidentDelete)
	api.POST("/incidents/:id/updates", author, s.apiIncidentAddUpdate)

	// RCAs: authors write; the domain decides who may move a state.
	api.GET("/rcas", viewer, s.apiRCAList)
	api.POST("/rcas", author, s.apiRCACreate)
	api.GET("/rcas/:id", viewer, s.apiRCAGet)
	api.PUT("/rcas/:id", author, s.apiRCAReplace)
	s.setBodyLimit("PUT", "/api/v1/rcas/:id", max(s.cfg.MaxBodyBytes, maxRCABodyBytes)) // hygiene
	api.DELETE("/rcas/:id", admin, s.apiRCADelete)
	api.PUT("/rcas/:id/sections/:key", author, s.apiRCASectionSave)
	api.POST("/rcas/:id/state", author, s.apiRCAState)
	api.GET("/rcas/:id/revisions", viewer, s.apiRCARevisions)
	api.GET("/rcas/:id/revisions/:version", viewer, s.apiRCARevision)
	api.POST("/rcas/:id/restore/:version", author, s.apiRCARestore)
	api.GET("/rcas/:id/comments", viewer, s.apiRCAComments)
	api.POST("/rcas/:id/comments", author, s.apiRCACommentAdd)
	api.POST("/rcas/:id/comments/:cid/resolve", author, s.apiRCACommentResolve)
	api.POST("/rcas/:id/incidents", author, s.apiRCALinkIncident)
	api.DELETE("/rcas/:id/incidents/:incident_id", author, s.apiRCAUnlinkIncident)

	// Users and the audit log: admins only.
	api.GET("/users", admin, s.apiUserList)
	api.POST("/users", admin, s.apiUserCreate)
	api.PUT("/users/:id", admin, s.apiUserUpdate)
	api.GET("/audit", admin, s.apiAuditList)

	// API tokens: everyone manages their own; admins may revoke anyone's.
	api.GET("/tokens", viewer, s.apiTokenList)
	api.POST("/tokens", viewer, s.apiTokenCreate)
	api.DELETE("/tokens/:id", viewer, s.apiTokenRevoke)

	// Areas owned by others.
	s.registerExport(api)
	s.registerStatus(r, api)
	s.registerPages(r)
	s.registerOIDC(r)
	return r
}
