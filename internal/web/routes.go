package web

import (
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
	// No proxy is trusted: the client address is the peer address.
	_ = r.SetTrustedProxies(nil)

	r.Use(
		s.recovery(),
		s.requestID(),
		s.accessLog(),
		s.metrics.middleware(),
		s.securityHeaders(),
		s.bodyLimit(),
		s.crossOrigin(),
		s.authenticate(),
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
	_, _, _ = viewer, author, admin

	// The API describing itself; public so tools can read it before a token exists.
	// (openapi.json is registered once the document builder lands.)

	// Areas owned by others.
	s.registerExport(api)
	s.registerStatus(r, api)
	s.registerPages(r)
	return r
}
