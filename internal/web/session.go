package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

const (
	sessionCookie = "hindsight_session"
	// sessionTTL is how long a session lives without use; every use slides it.
	sessionTTL = 14 * 24 * time.Hour
	// sessionTouchEvery limits writes: a session is touched at most this often.
	sessionTouchEvery = time.Minute
	// sessionMaxAge ends a session however busy: a stolen cookie kept alive
	// by use does not work forever; everyone signs in again every 45 days.
	sessionMaxAge = 45 * 24 * time.Hour
)

// errSessionInvalid: the cookie names no usable session.
var errSessionInvalid = errors.New("web: session invalid")

// signIn checks an email and password. Unknown emails, disabled users and
// wrong passwords all give errBadCredentials after the same argon2id work,
// so timing does not tell which emails exist. Every attempt is throttled
// before the hash (session_limit.go): past a limit the answer is a 429
// *httpError with Retry-After, which apiError and pageError answer as it
// says. Failures are audited.
func (s *Server) signIn(ctx context.Context, email, password string) (domain.User, error) {
	email = domain.NormalizeEmail(email)
	res, err := s.signIns.password(email, clientIPFrom(ctx), s.now())
	if err != nil {
		return domain.User{}, err
	}
	fail := func(actor, target string) (domain.User, error) {
		s.audit(ctx, actor, "user.signin_failed", target, nil)
		return domain.User{}, errBadCredentials
	}
	u, err := s.store.GetUserByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.CheckDummy(password)
		return fail("", "email:"+email)
	case err != nil:
		res.Refund() // not an attempt at the password
		return domain.User{}, fmt.Errorf("web: sign in: %w", err)
	}
	ok := auth.CheckPassword(u.PasswordHash, password)
	if !ok || u.Disabled {
		return fail(u.ID, "user:"+u.ID)
	}
	res.Refund()
	return u, nil
}

// startSession signs the browser in as u: a fresh random secret in the
// HttpOnly cookie, only its hash stored. An existing session of the request
// is ended first, so a session id is never reused across sign-ins.
func (s *Server) startSession(c *gin.Context, u domain.User) error {
	ctx := c.Request.Context()
	if old, ok := currentSession(c); ok {
		_ = s.store.DeleteSession(ctx, old.ID)
	}
	secret, hash := auth.NewSessionSecret()
	now := s.now()
	ua := c.Request.UserAgent()
	if len(ua) > 300 {
		ua = ua[:300]
	}
	sess := domain.Session{
		ID: hash, UserID: u.ID, CSRFToken: auth.RandomString(32),
		CreatedAt: now, ExpiresAt: now.Add(sessionTTL), LastSeenAt: now,
		IP: c.ClientIP(), UserAgent: ua,
	}
	if err := s.store.CreateSession(ctx, &sess); err != nil {
		return fmt.Errorf("web: start session: %w", err)
	}
	// Sweep expired sessions now and then; sign-ins are rare enough.
	if err := s.store.DeleteExpiredSessions(ctx, now); err != nil {
		s.log.Warn("delete expired sessions", "request_id", requestID(c), "err", err)
	}
	s.setSessionCookie(c, secret, sess.ExpiresAt)
	c.Set(keySession, sess)
	c.Set(keyUser, u)
	s.audit(ctx, u.ID, "user.signin", "user:"+u.ID, nil)
	return nil
}

// endSession signs the browser out: the stored session is deleted and the
// cookie cleared. It is safe to call without a session.
func (s *Server) endSession(c *gin.Context) {
	ctx := c.Request.Context()
	if sess, ok := currentSession(c); ok {
		if err := s.store.DeleteSession(ctx, sess.ID); err != nil {
			s.log.Warn("end session", "request_id", requestID(c), "err", err)
		}
		s.audit(ctx, sess.UserID, "user.signout", "user:"+sess.UserID, nil)
	}
	s.clearSessionCookie(c)
	c.Set(keySession, nil)
	c.Set(keyUser, nil)
}

// loadSession resolves the cookie secret into a session and its user and
// slides the expiry. Sessions created before the user's last password change
// are invalid, as are sessions of disabled users.
func (s *Server) loadSession(c *gin.Context, secret string) error {
	if !auth.LooksLikeSession(secret) {
		return errSessionInvalid
	}
	ctx := c.Request.Context()
	sess, err := s.store.GetSession(ctx, auth.HashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		return errSessionInvalid
	}
	if err != nil {
		return err
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.CreatedAt) >= sessionMaxAge {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return errSessionInvalid
	}
	u, err := s.store.GetUser(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return errSessionInvalid
	}
	if err != nil {
		return err
	}
	if u.Disabled || sess.CreatedAt.Before(u.PasswordChangedAt) {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return errSessionInvalid
	}
	if now.Sub(sess.LastSeenAt) >= sessionTouchEvery {
		sess.LastSeenAt, sess.ExpiresAt = now, now.Add(sessionTTL)
		if err := s.store.TouchSession(ctx, sess.ID, sess.LastSeenAt, sess.ExpiresAt); err != nil {
			s.log.Warn("touch session", "request_id", requestID(c), "err", err)
		} else {
			s.setSessionCookie(c, secret, sess.ExpiresAt)
		}
	}
	c.Set(keySession, sess)
	c.Set(keyUser, u)
	return nil
}

func (s *Server) setSessionCookie(c *gin.Context, secret string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/",
		Expires: expires, MaxAge: int(expires.Sub(s.now()).Seconds()),
		HttpOnly: true, Secure: s.secureRequest(c), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secureRequest(c), SameSite: http.SameSiteLaxMode,
	})
}

// secureRequest reports whether cookies must be marked Secure: always when
// configured, else when the request came over HTTPS, directly or through a
// trusted proxy's X-Forwarded-Proto (security_headers.go).
func (s *Server) secureRequest(c *gin.Context) bool {
	return s.cfg.SecureCookies || s.secureContext(c)
}
