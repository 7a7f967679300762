package web

// Every route names the policy action that guards it: s.handle registers
// the route and its action together, and New refuses to start when the
// engine holds a route that named none (policy area, issue 10). The guard
// asks internal/policy, the one place that compares roles and token scopes.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/policy"
)

// routeGroup is a *gin.RouterGroup or a *gin.Engine.
type routeGroup interface {
	BasePath() string
	Handle(method, relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes
}

// handle registers method path on g, guarded by the policy's act: public
// actions pass everyone; API routes (under /api/) answer 401 or 403 in
// JSON; pages send anonymous visitors to sign in and answer 403 pages.
func (s *Server) handle(g routeGroup, method, relPath string, act policy.Action, h ...gin.HandlerFunc) {
	full := joinRoute(g.BasePath(), relPath)
	if !policy.Known(act) {
		s.setupError(fmt.Errorf("web: route %s %s: unknown policy action %q", method, full, act))
		return
	}
	if s.routeActions == nil {
		s.routeActions = map[string]policy.Action{}
	}
	s.routeActions[method+" "+full] = act
	if policy.Role(act) != "" {
		if strings.HasPrefix(full, "/api/") {
			h = append([]gin.HandlerFunc{s.authorizeAPI(act)}, h...)
		} else {
			h = append([]gin.HandlerFunc{s.authorizePage(act)}, h...)
		}
	}
	g.Handle(method, relPath, h...)
}

// routeAction is the action a registered route named.
func (s *Server) routeAction(method, fullPath string) (policy.Action, bool) {
	act, ok := s.routeActions[method+" "+fullPath]
	return act, ok
}

// checkRouteActions fails start-up for a route registered without s.handle.
func (s *Server) checkRouteActions(r *gin.Engine) {
	for _, ri := range r.Routes() {
		if _, ok := s.routeAction(ri.Method, ri.Path); !ok {
			s.setupError(fmt.Errorf("web: route %s %s names no policy action: register it with s.handle", ri.Method, ri.Path))
		}
	}
}

func joinRoute(base, rel string) string {
	if rel == "" {
		return base
	}
	p := path.Join(base, rel)
	if strings.HasSuffix(rel, "/") && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// authorizeAPI guards an API route: 401 when anonymous (or the bearer token
// was refused), 403 when the policy refuses the action.
func (s *Server) authorizeAPI(act policy.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		// Answers for a signed-in caller are theirs alone: no shared cache
		// may keep them (a token's secret, an internal RCA, the audit log).
		c.Header("Cache-Control", "no-store")
		if v, failed := c.Get(keyAuthFail); failed {
			if err, ok := v.(error); ok {
				s.apiError(c, err) // storage trouble: 503, not "you are unknown"
				return
			}
			c.Header("WWW-Authenticate", `Bearer realm="hindsight", error="invalid_token"`)
			s.apiError(c, &httpError{Status: http.StatusUnauthorized, Code: codeUnauthorized,
				Err: fmt.Errorf("web: bearer token refused: %v", v)})
			return
		}
		a := actorOf(c)
		err := policy.Can(a, act, nil)
		switch {
		case err == nil:
			c.Next()
		case errors.Is(err, policy.ErrUnauthenticated):
			c.Header("WWW-Authenticate", `Bearer realm="hindsight"`)
			s.apiError(c, &httpError{Status: http.StatusUnauthorized, Code: codeUnauthorized, Err: err})
		case a.Scope != "" && policy.Can(policy.Actor{UserID: a.UserID, Role: a.Role}, act, nil) == nil:
			abortJSON(c, http.StatusForbidden, codeForbidden, "This token's scope does not allow this.")
		default:
			s.apiError(c, err)
		}
	}
}

// authorizePage guards a browser page: anonymous visitors go to the sign-in
// page (303, with the page to come back to); a refused action is a 403 page.
// A bearer token's scope caps pages as it caps the API.
func (s *Server) authorizePage(act policy.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := policy.Can(actorOf(c), act, nil)
		switch {
		case err == nil:
			c.Next()
		case errors.Is(err, policy.ErrUnauthenticated):
			next := c.Request.URL.RequestURI()
			c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(next))
			c.Abort()
		default:
			s.respondError(c, http.StatusForbidden, codeForbidden, "")
		}
	}
}
