package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

type signinPage struct {
	PageData
	Email  string
	Next   string
	Failed bool
	SSO    bool // single sign-on is configured: offer it
}

// signinForm shows the sign-in form; a signed-in user goes straight on.
func (p *pages) signinForm(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if _, ok := currentUser(c); ok {
		redirect(c, next)
		return
	}
	p.render(c, http.StatusOK, "signin", signinPage{PageData: p.base(c, "signin"), Next: next, SSO: p.s.cfg.OIDC.Enabled()})
}

// signinSubmit checks the credentials and starts a session.
func (p *pages) signinSubmit(c *gin.Context) {
	email, password := c.PostForm("email"), c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	u, err := p.s.signIn(c.Request.Context(), email, password)
	if errors.Is(err, errBadCredentials) {
		p.render(c, http.StatusUnauthorized, "signin", signinPage{PageData: p.base(c, "signin"), Email: email, Next: next, Failed: true, SSO: p.s.cfg.OIDC.Enabled()})
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	if err := p.s.startSession(c, u); err != nil {
		p.s.pageError(c, err)
		return
	}
	redirect(c, next)
}

// signout ends the session.
func (p *pages) signout(c *gin.Context) {
	p.s.endSession(c)
	redirect(c, "/signin")
}
