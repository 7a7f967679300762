package web

// Authentication and authorization, in one place. Every handler uses these:
//
//	currentUser(c) (domain.User, bool)  the signed-in user, from a session or an API token
//	actorOf(c) policy.Actor             the caller for internal/policy: user, role, token scope
//	s.handle(g, method, path, action, h) registers a route guarded by the policy's action
//	                                    (route_policy.go): API routes answer 401/403 JSON,
//	                                    pages send anonymous visitors to sign in or show 403
//	csrfToken(c)                        the session's CSRF token for forms (hidden field
//	                                    "csrf_token") and JavaScript (header X-CSRF-Token)
//	s.signIn(ctx, email, password)      checks credentials for the sign-in handler
//	s.startSession(c, user)             signs the browser in (session.go)
//	s.endSession(c)                     signs it out (session.go)
//
// s.authenticate runs on every request: it reads "Authorization: Bearer
// hst_..." or the session cookie and puts the user in the gin context. It
// never refuses an anonymous request by itself; the route's guard does.
// Requests with a session must carry the session's CSRF token on unsafe
// methods (csrf.go); bearer-token requests are exempt.

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/statuspage"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// gin context keys for the caller's identity.
const (
	keyUser     = "hindsight.user"
	keyToken    = "hindsight.token"   // domain.APIToken, when authenticated by token
	keySession  = "hindsight.session" // domain.Session, when authenticated by cookie
	keyAuthFail = "hindsight.auth_fail"
)

// currentUser returns the authenticated user, if any.
func currentUser(c *gin.Context) (domain.User, bool) {
	v, ok := c.Get(keyUser)
	if !ok {
		return domain.User{}, false
	}
	u, ok := v.(domain.User)
	return u, ok
}

// currentToken returns the API token the request authenticated with, if any.
func currentToken(c *gin.Context) (domain.APIToken, bool) {
	v, ok := c.Get(keyToken)
	if !ok {
		return domain.APIToken{}, false
	}
	t, ok := v.(domain.APIToken)
	return t, ok
}

// currentSession returns the browser session of the request, if any.
func currentSession(c *gin.Context) (domain.Session, bool) {
	v, ok := c.Get(keySession)
	if !ok {
		return domain.Session{}, false
	}
	sess, ok := v.(domain.Session)
	return sess, ok
}

// effectiveRole is the role the caller acts with: the user's role, capped by
// the scope of the token it used (policy.Actor.EffectiveRole decides).
func effectiveRole(c *gin.Context) domain.Role { return actorOf(c).EffectiveRole() }

// actorOf is the caller as the policy sees it: user, role and the scope of
// the token it used (none for a browser session).
func actorOf(c *gin.Context) policy.Actor {
	u, ok := currentUser(c)
	if !ok {
		return policy.Actor{}
	}
	a := policy.Actor{UserID: u.ID, Role: u.Role}
	if t, ok := currentToken(c); ok {
		a.Scope = t.Scope
	}
	return a
}

// publicRoutes are the public status page's routes, which show the same to
// everyone.
var publicRoutes = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range statuspage.Routes {
		m[p] = true
	}
	return m
}()

// errBadCredentials is what signIn returns for any wrong email or password.
var errBadCredentials = errors.New("web: wrong email or password")

// authenticate identifies the caller from a bearer token or the session cookie.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		if p := c.Request.URL.Path; strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || publicRoutes[c.FullPath()] {
			// Assets, probes and the public status page need no identity:
			// spare the store a lookup each, and let the status page answer
			// from its cache while storage is down.
			c.Next()
			return
		}
		if h := c.GetHeader("Authorization"); h != "" {
			s.authenticateToken(c, h)
			if err, ok := c.Value(keyAuthFail).(error); ok && errors.Is(err, store.ErrUnavailable) {
				// Answer now, as for a session below: the handler would only
				// wait for the unreachable store a second time.
				s.pageError(c, err)
				return
			}
			c.Next()
			return
		}
		if secret, err := c.Cookie(sessionCookie); err == nil && secret != "" {
			if err := s.loadSession(c, secret); err != nil {
				if errors.Is(err, store.ErrUnavailable) {
					s.respondError(c, http.StatusServiceUnavailable, codeUnavailable, "")
					return
				}
				// A stale or unknown cookie: carry on anonymously, and drop it.
				s.clearSessionCookie(c)
			}
		}
		if !s.checkSessionCSRF(c) {
			return
		}
		c.Next()
	}
}

// authenticateToken resolves "Bearer hst_..." into the token's user. A bad
// header is remembered so require* answers 401 rather than treating the
// caller as anonymous-but-maybe-cookie.
func (s *Server) authenticateToken(c *gin.Context, header string) {
	scheme, secret, ok := strings.Cut(header, " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || !auth.LooksLikeToken(secret) {
		c.Set(keyAuthFail, "malformed authorization header")
		return
	}
	ctx := c.Request.Context()
	tok, err := s.store.GetTokenByHash(ctx, auth.HashToken(secret))
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			c.Set(keyAuthFail, err)
		} else {
			c.Set(keyAuthFail, "unknown token")
		}
		return
	}
	now := s.now()
	if !tok.Active(now) {
		c.Set(keyAuthFail, "token revoked or expired")
		return
	}
	u, err := s.store.GetUser(ctx, tok.UserID)
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		c.Set(keyAuthFail, err)
		return
	case err != nil || u.Disabled:
		c.Set(keyAuthFail, "token owner missing or disabled")
		return
	}
	// last_used_at is for people deciding which tokens to revoke: a minute's
	// precision is plenty and spares a write per request.
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= time.Minute {
		if err := s.store.TouchToken(ctx, tok.ID, now); err != nil {
			s.log.Warn("touch token", "request_id", requestID(c), "err", err)
		}
		tok.LastUsedAt = &now
	}
	c.Set(keyUser, u)
	c.Set(keyToken, tok)
}

// safeNext returns next when it is a local path (so a sign-in link cannot
// send the user to another site), else "/".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
