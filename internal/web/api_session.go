package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// signInInput is the body of POST /api/v1/session.
type signInInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// apiSignIn signs a browser (or a script that keeps cookies) in and answers
// the user and the CSRF token to send as X-CSRF-Token on unsafe requests.
func (s *Server) apiSignIn(c *gin.Context) {
	var in signInInput
	if !bindJSON(c, &in) {
		return
	}
	u, err := s.signIn(c.Request.Context(), in.Email, in.Password)
	if errors.Is(err, errBadCredentials) {
		abortJSON(c, http.StatusUnauthorized, codeUnauthorized, "Wrong email or password.")
		return
	}
	if err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.startSession(c, u); err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"user": u, "csrf_token": csrfToken(c)})
}

// apiSignOut ends the browser session.
func (s *Server) apiSignOut(c *gin.Context) {
	s.endSession(c)
	c.Status(http.StatusNoContent)
}
