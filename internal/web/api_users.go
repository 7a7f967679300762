package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// userCreate is the body of POST /api/v1/users.
type userCreate struct {
	Email    string      `json:"email"`
	Name     string      `json:"name"`
	Role     domain.Role `json:"role"`
	Password string      `json:"password"`
	Language string      `json:"language"`
	TimeZone string      `json:"time_zone"`
}

// userUpdate is the body of PUT /api/v1/users/{id}; absent members stay.
type userUpdate struct {
	Name     *string      `json:"name"`
	Role     *domain.Role `json:"role"`
	Disabled *bool        `json:"disabled"`
	Password *string      `json:"password"` // an admin's reset; signs the user out everywhere
	Language *string      `json:"language"`
	TimeZone *string      `json:"time_zone"`
}

func (s *Server) apiUserList(c *gin.Context) {
	list, err := s.store.ListUsers(c.Request.Context())
	writeAll(s, c, list, err)
}

func (s *Server) apiUserCreate(c *gin.Context) {
	var in userCreate
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	u, err := s.createUser(ctx, mustUser(c).ID, in)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/users/"+u.ID)
	c.JSON(http.StatusCreated, u)
}

// createUser validates and stores a new user with a hashed password.
func (s *Server) createUser(ctx context.Context, actor string, in userCreate) (domain.User, error) {
	now := s.now()
	u := domain.User{Email: in.Email, Name: trimmed(in.Name), Role: in.Role,
		Language: trimmed(in.Language), TimeZone: trimmed(in.TimeZone), PasswordChangedAt: now}
	verr := u.Validate()
	hash, perr := auth.HashPassword(in.Password)
	if err := joinProblems(verr, passwordProblem("password", perr), passwordRules("password", in.Password, in.Email)); err != nil {
		return domain.User{}, err
	}
	u.PasswordHash = hash
	if err := s.store.CreateUser(ctx, &u); err != nil {
		return domain.User{}, err
	}
	s.audit(ctx, actor, "user.create", "user:"+u.ID, map[string]string{"email": u.Email, "role": string(u.Role)})
	return u, nil
}

func (s *Server) apiUserUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	actor := mustUser(c)
	u, err := s.store.GetUser(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	var in userUpdate
	if !s.bindReplace(c, &in, u) { // hygiene: a user as listed is accepted back
		return
	}
	before := u
	if in.Name != nil {
		u.Name = trimmed(*in.Name)
	}
	if in.Role != nil {
		u.Role = *in.Role
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	if in.Language != nil {
		u.Language = trimmed(*in.Language)
	}
	if in.TimeZone != nil {
		u.TimeZone = trimmed(*in.TimeZone)
	}
	var perr error
	if in.Password != nil {
		perr = passwordRules("password", *in.Password, u.Email)
	}
	if in.Password != nil && perr == nil {
		var hash string
		if hash, perr = auth.HashPassword(*in.Password); perr == nil {
			u.PasswordHash = hash
			u.PasswordChangedAt = s.now()
		}
	}
	if err := joinProblems(u.Validate(), passwordProblem("password", perr)); err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.store.UpdateUser(ctx, &u); err != nil {
		s.apiError(c, err)
		return
	}
	if u.Disabled || in.Password != nil {
		if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
			s.log.Error("delete sessions", "request_id", requestID(c), "user", u.ID, "err", err)
		}
	}
	detail := map[string]string{}
	if before.Role != u.Role {
		detail["role"] = string(before.Role) + " -> " + string(u.Role)
	}
	if before.Disabled != u.Disabled {
		detail["disabled"] = boolString(u.Disabled)
	}
	if in.Password != nil {
		detail["password"] = "reset"
	}
	s.audit(ctx, actor.ID, "user.update", "user:"+u.ID, detail)
	c.JSON(http.StatusOK, u)
}

// apiMe answers the caller, and how it authenticated.
func (s *Server) apiMe(c *gin.Context) {
	c.JSON(http.StatusOK, meDocument(c, mustUser(c)))
}

// meDocument is the answer of GET /api/v1/me.
func meDocument(c *gin.Context, u domain.User) gin.H {
	out := gin.H{"user": u, "role": effectiveRole(c)}
	if t, ok := currentToken(c); ok {
		out["auth"] = "token"
		out["token"] = t
	} else {
		out["auth"] = "session"
		out["csrf_token"] = csrfToken(c)
	}
	return out
}

// passwordProblem turns a HashPassword error into a validation problem on field.
func passwordProblem(field string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, auth.ErrPasswordTooShort):
		return invalid(field, domain.CodeInvalid, err.Error())
	case errors.Is(err, auth.ErrPasswordTooLong):
		return invalid(field, domain.CodeTooLong, err.Error())
	}
	return err
}

// joinProblems merges validation errors into one; any other error wins.
func joinProblems(errs ...error) error {
	var out domain.ValidationError
	for _, err := range errs {
		if err == nil {
			continue
		}
		var ve *domain.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		out.Problems = append(out.Problems, ve.Problems...)
	}
	if len(out.Problems) == 0 {
		return nil
	}
	return &out
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
