package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// CSRF defence has two layers. First, net/http's CrossOriginProtection
// refuses unsafe requests a browser marks as cross-site (Sec-Fetch-Site or
// Origin). Second, a request authenticated by the session cookie must send
// the session's own token on unsafe methods: form field "csrf_token" or
// header "X-CSRF-Token". Requests with an Authorization header carry no
// ambient credential and are exempt from both, except on the routes that
// start or end a session: there the cookie is the result, not the input, and
// a cross-site sign-in (login CSRF) must be refused whatever headers it has.

const (
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// crossOrigin applies CrossOriginProtection to cookie-carrying requests.
func (s *Server) crossOrigin() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("Authorization") != "" && !sessionRoute(c.Request.URL.Path) {
			c.Next()
			return
		}
		if err := s.csrf.Check(c.Request); err != nil {
			s.log.Info("cross-origin request refused", "request_id", requestID(c),
				"path", c.Request.URL.Path, "origin", c.GetHeader("Origin"), "sec_fetch_site", c.GetHeader("Sec-Fetch-Site"))
			s.respondError(c, http.StatusForbidden, codeCSRF, "")
			return
		}
		c.Next()
	}
}

// sessionRoute reports whether path starts or ends a browser session
// (issue 10, finding 10).
func sessionRoute(path string) bool {
	path = strings.TrimRight(path, "/")
	return path == "/signin" || path == "/signout" || path == "/api/v1/session" || strings.HasPrefix(path, "/auth/")
}

// csrfToken returns the CSRF token of the request's session, or "" when the
// request has none. Put it in every form as the hidden field csrf_token, or
// send it from JavaScript as the X-CSRF-Token header.
func csrfToken(c *gin.Context) string {
	if sess, ok := currentSession(c); ok {
		return sess.CSRFToken
	}
	return ""
}

// checkSessionCSRF refuses an unsafe request authenticated by the session
// cookie when it lacks the session's token. It reports whether to go on.
func (s *Server) checkSessionCSRF(c *gin.Context) bool {
	sess, ok := currentSession(c)
	if !ok || safeMethod(c.Request.Method) || publicFormRoute(c.Request.URL.Path) { // subs: public forms
		return true
	}
	sent := c.GetHeader(csrfHeader)
	if sent == "" {
		sent = c.PostForm(csrfField)
	}
	if sent != "" && sess.CSRFToken != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(sess.CSRFToken)) == 1 {
		return true
	}
	s.log.Info("csrf token missing or wrong", "request_id", requestID(c), "path", c.Request.URL.Path)
	s.respondError(c, http.StatusForbidden, codeCSRF, "")
	return false
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
