package web

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/policy"
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
	s.handle(r, "GET", "/healthz", policy.Public, s.healthz)
	s.handle(r, "HEAD", "/healthz", policy.Public, s.healthz)
	s.handle(r, "GET", "/readyz", policy.Public, s.readyz)
	s.handle(r, "GET", "/metrics", policy.Public, s.metrics.handler())

	api := r.Group("/api/v1")

	// The API describing itself; public so tools can read it before they hold a token.
	s.handle(api, "GET", "/openapi.json", policy.Public, s.apiOpenAPI)
	s.document(coreOps()...)

	// Sessions for scripts and the browser's JavaScript.
	s.handle(api, "POST", "/session", policy.Public, s.apiSignIn)
	s.handle(api, "DELETE", "/session", policy.Public, s.apiSignOut)
	s.handle(api, "GET", "/me", policy.SelfRead, s.apiMe)
	s.handle(api, "PUT", "/me", policy.SelfWrite, s.apiMeUpdate)

	// Templates.
	s.handle(api, "GET", "/templates", policy.TemplateRead, s.apiTemplateList)

	// Status-page components: everyone reads, admins manage.
	s.handle(api, "GET", "/components", policy.ComponentRead, s.apiComponentList)
	s.handle(api, "POST", "/components", policy.ComponentManage, s.apiComponentCreate)
	s.handle(api, "GET", "/components/:id", policy.ComponentRead, s.apiComponentGet)
	s.handle(api, "PUT", "/components/:id", policy.ComponentManage, s.apiComponentUpdate)
	s.handle(api, "DELETE", "/components/:id", policy.ComponentManage, s.apiComponentDelete)

	// Incidents: authors write, admins delete.
	s.handle(api, "GET", "/incidents", policy.IncidentRead, s.apiIncidentList)
	s.handle(api, "POST", "/incidents", policy.IncidentWrite, s.apiIncidentCreate)
	s.handle(api, "GET", "/incidents/:id", policy.IncidentRead, s.apiIncidentGet)
	s.handle(api, "PUT", "/incidents/:id", policy.IncidentWrite, s.apiIncidentReplace)
	s.handle(api, "DELETE", "/incidents/:id", policy.IncidentDelete, s.apiIncidentDelete)
	s.handle(api, "POST", "/incidents/:id/updates", policy.IncidentWrite, s.apiIncidentAddUpdate)

	// RCAs: authors write; the domain decides who may move a state.
	s.handle(api, "GET", "/rcas", policy.RCAList, s.apiRCAList)
	s.handle(api, "POST", "/rcas", policy.RCACreate, s.apiRCACreate)
	s.handle(api, "GET", "/rcas/:id", policy.RCARead, s.apiRCAGet)
	s.handle(api, "PUT", "/rcas/:id", policy.RCAEdit, s.apiRCAReplace)
	s.setBodyLimit("PUT", "/api/v1/rcas/:id", max(s.cfg.MaxBodyBytes, maxRCABodyBytes)) // hygiene
	s.handle(api, "DELETE", "/rcas/:id", policy.RCADelete, s.apiRCADelete)
	s.handle(api, "PUT", "/rcas/:id/sections/:key", policy.RCAEdit, s.apiRCASectionSave)
	s.handle(api, "POST", "/rcas/:id/state", policy.RCAState, s.apiRCAState)
	s.handle(api, "GET", "/rcas/:id/revisions", policy.RCARead, s.apiRCARevisions)
	s.handle(api, "GET", "/rcas/:id/revisions/:version", policy.RCARead, s.apiRCARevision)
	s.handle(api, "POST", "/rcas/:id/restore/:version", policy.RCARestore, s.apiRCARestore)
	s.handle(api, "GET", "/rcas/:id/comments", policy.RCARead, s.apiRCAComments)
	s.handle(api, "POST", "/rcas/:id/comments", policy.RCAComment, s.apiRCACommentAdd)
	s.handle(api, "POST", "/rcas/:id/comments/:cid/resolve", policy.RCAComment, s.apiRCACommentResolve)
	s.handle(api, "POST", "/rcas/:id/incidents", policy.RCAEdit, s.apiRCALinkIncident)
	s.handle(api, "DELETE", "/rcas/:id/incidents/:incident_id", policy.RCAEdit, s.apiRCAUnlinkIncident)
	// collab (issue 12): co-authors' events and presence, the timeline grid.
	s.handle(api, "GET", "/rcas/:id/events", policy.RCAEdit, s.apiRCAEvents)
	s.handle(api, "PUT", "/rcas/:id/presence", policy.RCAEdit, s.apiRCAFocus)
	s.handle(api, "POST", "/rcas/:id/timeline", policy.RCAEdit, s.apiTimelineAdd)
	s.handle(api, "PUT", "/rcas/:id/timeline/:eid", policy.RCAEdit, s.apiTimelineUpdate)
	s.handle(api, "DELETE", "/rcas/:id/timeline/:eid", policy.RCAEdit, s.apiTimelineDelete)
	s.handle(api, "PUT", "/rcas/:id/timeline-order", policy.RCAEdit, s.apiTimelineOrder)
	s.document(collabOps()...)
	s.document(timelineOps()...)

	// Users and the audit log: admins only.
	s.handle(api, "GET", "/users", policy.UserManage, s.apiUserList)
	s.handle(api, "POST", "/users", policy.UserManage, s.apiUserCreate)
	s.handle(api, "PUT", "/users/:id", policy.UserManage, s.apiUserUpdate)
	s.handle(api, "GET", "/audit", policy.AuditRead, s.apiAuditList)

	// Insights (area insights, issue 14): trends across RCAs.
	s.handle(api, "GET", "/insights", policy.InsightsRead, s.apiInsights)
	s.document(insightsOps()...)

	// API tokens: everyone manages their own; admins may revoke anyone's.
	s.handle(api, "GET", "/tokens", policy.SelfRead, s.apiTokenList)
	s.handle(api, "POST", "/tokens", policy.SelfWrite, s.apiTokenCreate)
	s.handle(api, "DELETE", "/tokens/:id", policy.SelfWrite, s.apiTokenRevoke)

	// flow: reviewers, the user's queue and notices.
	s.handle(api, "PUT", "/rcas/:id/reviewers", policy.RCAChangeTeam, s.apiRCAReviewers)
	s.handle(api, "GET", "/me/queue", policy.SelfRead, s.apiMeQueue)
	s.handle(api, "GET", "/me/notifications", policy.SelfRead, s.apiMeNotifications)
	s.handle(api, "POST", "/me/notifications/seen", policy.SelfWrite, s.apiMeNotificationsSeen)

	// Areas owned by others.
	s.registerExport(api)
	s.registerStatus(r, api)
	s.registerPages(r)
	s.registerOIDC(r)
	s.registerTemplates(api) // tmpl area (issue 14): custom templates, factors
	s.registerActions(api)   // area actions (issue 14)
	s.registerImages(r, api) // images (issue 15)
	return r
}
