package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// meUpdate is the body of PUT /api/v1/me; absent members stay. Changing the
// password needs the current one and signs out every other session.
type meUpdate struct {
	Name            *string `json:"name"`
	Language        *string `json:"language"`
	TimeZone        *string `json:"time_zone"`
	CurrentPassword string  `json:"current_password"`
	NewPassword     *string `json:"new_password"`
}

func (s *Server) apiMeUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	u, err := s.store.GetUser(ctx, mustUser(c).ID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	var in meUpdate
	if !s.bindReplaceIgnoring(c, &in, []string{"token", "csrf_token"}, meDocument(c, mustUser(c)), mustUser(c)) { // hygiene: GET /me, or its user, is accepted back
		return
	}
	if in.Name != nil {
		u.Name = trimmed(*in.Name)
	}
	if in.Language != nil {
		u.Language = trimmed(*in.Language)
	}
	if in.TimeZone != nil {
		u.TimeZone = trimmed(*in.TimeZone)
	}
	var perr error
	if in.NewPassword != nil {
		if !auth.CheckPassword(u.PasswordHash, in.CurrentPassword) {
			s.apiError(c, invalid("current_password", domain.CodeInvalid, "the current password is wrong"))
			return
		}
		var hash string
		if perr = passwordRules("new_password", *in.NewPassword, u.Email); perr == nil {
			if hash, perr = auth.HashPassword(*in.NewPassword); perr == nil {
				u.PasswordHash, u.PasswordChangedAt = hash, s.now()
			}
		}
	}
	if err := joinProblems(u.Validate(), passwordProblem("new_password", perr), s.checkLanguage(u.Language)); err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.store.UpdateUser(ctx, &u); err != nil {
		s.apiError(c, err)
		return
	}
	if in.NewPassword != nil {
		if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
			s.log.Error("delete sessions", "request_id", requestID(c), "user", u.ID, "err", err)
		}
		s.audit(ctx, u.ID, "user.password", "user:"+u.ID, nil)
		// A browser keeps working: it gets a fresh session after the change.
		if _, ok := currentSession(c); ok {
			c.Set(keySession, nil)
			if err := s.startSession(c, u); err != nil {
				s.apiError(c, err)
				return
			}
		}
	}
	c.Set(keyUser, u)
	s.apiMe(c)
}

// checkLanguage refuses a UI language no catalog has.
func (s *Server) checkLanguage(lang string) error {
	if lang == "" || s.catalog == nil || s.catalog.Supported(lang) {
		return nil
	}
	return invalid("language", domain.CodeUnknownEnum, lang)
}
