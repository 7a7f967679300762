package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth/oidc"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Single sign-on with OpenID Connect (Config.OIDC). The browser goes to
// /auth/oidc/start, on to the identity provider, and back to
// /auth/oidc/callback. The flow's secrets (state, nonce, PKCE verifier) and
// the page to return to ride in a short-lived HttpOnly cookie scoped to
// /auth/oidc; the callback checks the state against it, the oidc package
// checks the nonce and PKCE. The identity (issuer, subject) names the
// user; a verified email links an existing account to it once.

const (
	oidcCookie     = "hindsight_oidc"
	oidcCookiePath = "/auth/oidc"
	oidcFlowTTL    = 10 * time.Minute
	// OIDCCallbackPath is the redirect path to register at the provider.
	OIDCCallbackPath = "/auth/oidc/callback"
)

type oidcFlow struct {
	oidc.Flow
	Next string `json:"next"`
}

type oidcHandlers struct {
	s      *Server
	client *oidc.Client
}

// registerOIDC adds the single sign-on routes when Config.OIDC is enabled.
func (s *Server) registerOIDC(r *gin.Engine) {
	cfg := s.cfg.OIDC
	if !cfg.Enabled() {
		return
	}
	if cfg.RedirectURL == "" {
		if s.cfg.BaseURL == "" {
			s.setupError(errors.New("web: single sign-on needs the base URL (HINDSIGHT_BASE_URL) for its redirect address"))
			return
		}
		cfg.RedirectURL = s.cfg.BaseURL + OIDCCallbackPath
	}
	client, err := oidc.New(cfg)
	if err != nil {
		s.setupError(fmt.Errorf("web: single sign-on: %w", err))
		return
	}
	h := &oidcHandlers{s: s, client: client}
	r.GET("/auth/oidc/start", h.start)
	r.GET(OIDCCallbackPath, h.callback)
}

// start sends the browser to the identity provider.
func (h *oidcHandlers) start(c *gin.Context) {
	f := oidcFlow{Flow: oidc.NewFlow(), Next: safeNext(c.Query("next"))}
	u, err := h.client.AuthURL(c.Request.Context(), f.Flow)
	if err != nil {
		h.fail(c, "ui.signin.sso_unavailable", err)
		return
	}
	raw, _ := json.Marshal(f)
	h.setCookie(c, base64.RawURLEncoding.EncodeToString(raw), int(oidcFlowTTL.Seconds()))
	c.Redirect(http.StatusFound, u)
	c.Abort()
}

// callback finishes the sign-in the provider sent back.
func (h *oidcHandlers) callback(c *gin.Context) {
	ctx := c.Request.Context()
	f, ok := h.flow(c)
	h.setCookie(c, "", -1) // a flow is good once, whatever happens next
	switch {
	case !ok:
		h.fail(c, "ui.signin.sso_failed", errors.New("no sign-in in progress (cookie missing, expired or garbled)"))
		return
	case c.Query("error") != "":
		h.fail(c, "ui.signin.sso_failed", fmt.Errorf("provider answered error %q", c.Query("error")))
		return
	case !oidc.EqualState(c.Query("state"), f.State):
		h.s.audit(ctx, "", "user.signin_failed", "oidc", map[string]string{"reason": "state mismatch"})
		h.fail(c, "ui.signin.sso_failed", errors.New("state does not match the sign-in"))
		return
	}
	res, err := h.s.signIns.sso(c.ClientIP(), h.s.now())
	if err != nil {
		h.s.pageError(c, err)
		return
	}
	id, err := h.client.Exchange(ctx, f.Flow, c.Query("code"))
	if err != nil {
		key := "ui.signin.sso_failed"
		switch {
		case errors.Is(err, oidc.ErrEmailUnverified):
			key = "ui.signin.sso_unverified"
		case errors.Is(err, oidc.ErrProvider):
			key = "ui.signin.sso_unavailable"
		}
		h.s.audit(ctx, "", "user.signin_failed", "oidc", map[string]string{"reason": err.Error()})
		h.fail(c, key, err)
		return
	}
	u, key, err := h.user(c, id)
	if err != nil || key != "" {
		if key == "" {
			h.s.pageError(c, err)
			return
		}
		h.fail(c, key, err)
		return
	}
	res.Refund()
	if err := h.s.startSession(c, u); err != nil {
		h.s.pageError(c, err)
		return
	}
	redirect(c, f.Next)
}

// user finds the Hindsight user of a verified identity (issue 10, finding
// 11): by (issuer, subject) first; else, once, by a verified email, linking
// the identity to that account; else a new viewer when AutoCreate allows.
// An account linked to another identity is never taken over by email. A
// refusal is a catalog key for the sign-in page.
func (h *oidcHandlers) user(c *gin.Context, id oidc.Identity) (domain.User, string, error) {
	ctx := c.Request.Context()
	u, err := h.s.store.GetUserByIdentity(ctx, id.Issuer, id.Subject)
	switch {
	case err == nil:
		return h.active(c, u)
	case !errors.Is(err, store.ErrNotFound):
		return domain.User{}, "", err
	case !id.EmailVerified:
		h.s.audit(ctx, "", "user.signin_failed", "oidc", map[string]string{"reason": "email not verified", "subject": id.Subject})
		return domain.User{}, "ui.signin.sso_unverified", oidc.ErrEmailUnverified
	}
	u, err = h.s.store.GetUserByEmail(ctx, id.Email)
	switch {
	case err == nil:
		if u.OIDCSubject != "" {
			h.s.audit(ctx, u.ID, "user.signin_failed", "user:"+u.ID, map[string]string{"via": "oidc", "reason": "account linked to another identity"})
			return domain.User{}, "ui.signin.sso_failed", fmt.Errorf("user %s is linked to another identity", u.ID)
		}
		if u.Disabled {
			return h.active(c, u)
		}
		if err := h.s.store.LinkIdentity(ctx, u.ID, id.Issuer, id.Subject); err != nil {
			if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrDuplicate) {
				return domain.User{}, "ui.signin.sso_failed", err // a parallel sign-in linked something else
			}
			return domain.User{}, "", err
		}
		h.s.audit(ctx, u.ID, "user.identity_linked", "user:"+u.ID, map[string]string{"issuer": id.Issuer, "subject": id.Subject})
		return u, "", nil
	case !errors.Is(err, store.ErrNotFound):
		return domain.User{}, "", err
	case !h.client.AutoCreate():
		h.s.audit(ctx, "", "user.signin_failed", "email:"+id.Email, map[string]string{"via": "oidc", "reason": "no such user"})
		return domain.User{}, "ui.signin.sso_unknown", fmt.Errorf("no user has the email %s", id.Email)
	}
	// First sign-in of a new person: a viewer without a password.
	u = domain.User{Email: id.Email, Name: id.Name, Role: domain.RoleViewer, PasswordChangedAt: h.s.now(),
		OIDCIssuer: id.Issuer, OIDCSubject: id.Subject}
	if err := u.Validate(); err != nil {
		u.Name = "" // a name the provider sends that we cannot store is not worth a refusal
		if err := u.Validate(); err != nil {
			return domain.User{}, "ui.signin.sso_failed", err
		}
	}
	if err := h.s.store.CreateUser(ctx, &u); err != nil {
		if errors.Is(err, store.ErrDuplicate) { // created by a parallel sign-in
			u, err = h.s.store.GetUserByIdentity(ctx, id.Issuer, id.Subject)
			if err != nil {
				return domain.User{}, "ui.signin.sso_failed", err
			}
			return h.active(c, u)
		}
		return domain.User{}, "", err
	}
	h.s.audit(ctx, u.ID, "user.create", "user:"+u.ID, map[string]string{"email": u.Email, "role": string(u.Role), "via": "oidc"})
	return u, "", nil
}

// active refuses a disabled user.
func (h *oidcHandlers) active(c *gin.Context, u domain.User) (domain.User, string, error) {
	if u.Disabled {
		h.s.audit(c.Request.Context(), u.ID, "user.signin_failed", "user:"+u.ID, map[string]string{"via": "oidc"})
		return domain.User{}, "ui.signin.sso_disabled", errors.New("user is disabled")
	}
	return u, "", nil
}

func (h *oidcHandlers) flow(c *gin.Context) (oidcFlow, bool) {
	v, err := c.Cookie(oidcCookie)
	if err != nil || v == "" {
		return oidcFlow{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	var f oidcFlow
	if err != nil || json.Unmarshal(raw, &f) != nil || f.State == "" || f.Nonce == "" || f.Verifier == "" {
		return oidcFlow{}, false
	}
	f.Next = safeNext(f.Next)
	return f, true
}

// setCookie keeps the flow. SameSite=Lax: the provider's redirect back is
// a top-level GET from another site, which Lax lets through.
func (h *oidcHandlers) setCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: oidcCookie, Value: value, Path: oidcCookiePath,
		MaxAge: maxAge, HttpOnly: true, Secure: h.s.secureRequest(c), SameSite: http.SameSiteLaxMode})
}

// fail logs why, and sends the browser to the sign-in page with a message.
func (h *oidcHandlers) fail(c *gin.Context, key string, err error) {
	h.s.log.Warn("oidc sign-in refused", "request_id", requestID(c), "reason", key, "err", err)
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "error:" + key, Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.s.secureRequest(c)})
	redirect(c, "/signin")
}
