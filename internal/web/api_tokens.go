package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// tokenCreate is the body of POST /api/v1/tokens.
type tokenCreate struct {
	Name      string            `json:"name"`
	Scope     domain.TokenScope `json:"scope"`
	ExpiresAt *time.Time        `json:"expires_at"`
}

// tokenCreated is the answer: the token and, this once, its secret.
type tokenCreated struct {
	Token  domain.APIToken `json:"token"`
	Secret string          `json:"secret"`
}

var scopeRank = []domain.TokenScope{domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin}

// apiTokenCreate makes a token for the caller. Only admins get admin tokens,
// and a token can only make tokens of its own scope or less, so a write
// token cannot mint an admin one.
func (s *Server) apiTokenCreate(c *gin.Context) {
	var in tokenCreate
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	u := mustUser(c)
	now := s.now()
	if in.Scope == "" {
		in.Scope = domain.ScopeRead
	}
	var ve domain.ValidationError
	name := trimmed(in.Name)
	switch {
	case name == "":
		ve.Problems = append(ve.Problems, domain.Problem{Field: "name", Code: domain.CodeRequired})
	case len(name) > domain.MaxNameLen:
		ve.Problems = append(ve.Problems, domain.Problem{Field: "name", Code: domain.CodeTooLong})
	}
	if !in.Scope.Valid() {
		ve.Problems = append(ve.Problems, domain.Problem{Field: "scope", Code: domain.CodeUnknownEnum, Detail: string(in.Scope)})
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		ve.Problems = append(ve.Problems, domain.Problem{Field: "expires_at", Code: domain.CodeTimeOrder, Detail: "expires_at is in the past"})
	}
	if t, ok := currentToken(c); ok && t.ExpiresAt != nil {
		// A token cannot mint one that outlives it (issue 10).
		limit := t.ExpiresAt.UTC().Format(time.RFC3339)
		switch {
		case in.ExpiresAt == nil:
			ve.Problems = append(ve.Problems, domain.Problem{Field: "expires_at", Code: domain.CodeRequired,
				Detail: "the token making this one expires at " + limit + "; the new one must expire by then"})
		case in.ExpiresAt.After(*t.ExpiresAt):
			ve.Problems = append(ve.Problems, domain.Problem{Field: "expires_at", Code: domain.CodeTimeOrder,
				Detail: "must not be after " + limit + ", when the token making this one expires"})
		}
	}
	if len(ve.Problems) > 0 {
		s.apiError(c, &ve)
		return
	}
	if in.Scope == domain.ScopeAdmin && u.Role != domain.RoleAdmin {
		abortJSON(c, http.StatusForbidden, codeForbidden, "Only admins can create admin tokens.")
		return
	}
	if t, ok := currentToken(c); ok && slices.Index(scopeRank, in.Scope) > slices.Index(scopeRank, t.Scope) {
		abortJSON(c, http.StatusForbidden, codeForbidden, "A token cannot create a token with a wider scope.")
		return
	}
	secret, hash := auth.NewToken()
	tok := domain.APIToken{UserID: u.ID, Name: name, Hash: hash, Scope: in.Scope, CreatedAt: now}
	if in.ExpiresAt != nil {
		exp := in.ExpiresAt.UTC()
		tok.ExpiresAt = &exp
	}
	if err := s.store.CreateToken(ctx, &tok); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, u.ID, "token.create", "token:"+tok.ID, map[string]string{"name": tok.Name, "scope": string(tok.Scope)})
	c.JSON(http.StatusCreated, tokenCreated{Token: tok, Secret: secret})
}

// apiTokenList lists the caller's tokens, never their secrets. Admins may
// list another user's with ?user_id=.
func (s *Server) apiTokenList(c *gin.Context) {
	u := mustUser(c)
	owner := u.ID
	if q := c.Query("user_id"); q != "" && q != u.ID {
		if effectiveRole(c) != domain.RoleAdmin {
			abortJSON(c, http.StatusForbidden, codeForbidden, "")
			return
		}
		owner = q
	}
	list, err := s.store.ListTokens(c.Request.Context(), owner)
	writeAll(s, c, list, err)
}

// apiTokenRevoke revokes one of the caller's tokens; admins may revoke anyone's.
func (s *Server) apiTokenRevoke(c *gin.Context) {
	ctx := c.Request.Context()
	u := mustUser(c)
	id := c.Param("id")
	own, err := s.store.ListTokens(ctx, u.ID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	mine := slices.ContainsFunc(own, func(t domain.APIToken) bool { return t.ID == id })
	if !mine && effectiveRole(c) != domain.RoleAdmin {
		// Do not tell non-admins whether someone else's token exists.
		s.apiError(c, errNotFound)
		return
	}
	if err := s.store.RevokeToken(ctx, id, s.now()); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, u.ID, "token.revoke", "token:"+id, nil)
	c.Status(http.StatusNoContent)
}
