package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func (a *app) token(ctx context.Context, args []string) (err error) {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: want \"token create --email E\"", errUsage)
	}
	fs := a.flags("token create")
	email := fs.String("email", "", "the user the token acts for (required)")
	name := fs.String("name", "cli", "a name that says where the token is used")
	scope := fs.String("scope", string(domain.ScopeWrite), "scope: read, write or admin (a viewer's token defaults to read)")
	expires := fs.Duration("expires-in", 0, "lifetime, e.g. 720h; 0 never expires")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	var ps []domain.Problem
	if domain.NormalizeEmail(*email) == "" {
		ps = append(ps, domain.Problem{Field: "email", Code: domain.CodeRequired})
	}
	sc := domain.TokenScope(*scope)
	if !sc.Valid() {
		ps = append(ps, domain.Problem{Field: "scope", Code: domain.CodeUnknownEnum, Detail: "want read, write or admin"})
	}
	if *expires < 0 {
		ps = append(ps, domain.Problem{Field: "expires-in", Code: domain.CodeInvalid, Detail: "must not be negative"})
	}
	if len(*name) > domain.MaxNameLen {
		ps = append(ps, domain.Problem{Field: "name", Code: domain.CodeTooLong})
	}
	if len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}

	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, st)
	u, err := st.GetUserByEmail(ctx, *email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with email %s (create one with \"hindsight user add\")", domain.NormalizeEmail(*email))
	}
	if err != nil {
		return fmt.Errorf("find user: %w", err)
	}
	if u.Disabled {
		return fmt.Errorf("user %s is disabled", u.Email)
	}
	if !flagGiven(fs, "scope") && !u.Role.Allows(scopeRole(sc)) {
		sc = domain.ScopeRead
	}
	if need := scopeRole(sc); !u.Role.Allows(need) {
		return fmt.Errorf("a %s token needs a user with role %s or higher; %s is %s", sc, need, u.Email, u.Role)
	}

	secret, hash := auth.NewToken()
	now := time.Now().UTC()
	t := domain.APIToken{UserID: u.ID, Name: *name, Hash: hash, Scope: sc, CreatedAt: now}
	if *expires > 0 {
		exp := now.Add(*expires)
		t.ExpiresAt = &exp
	}
	if err := st.CreateToken(ctx, &t); err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	_ = st.AppendAudit(ctx, &domain.AuditEvent{At: now, Actor: u.ID, Action: "token.create", Target: "token:" + t.ID,
		Detail: map[string]string{"via": "cli", "scope": string(sc), "name": t.Name}})
	// Only the token goes to standard output, so scripts can capture it.
	_, err = fmt.Fprintln(a.stdout, secret)
	return err
}

// scopeRole is the least role a user needs to hold a token of scope s.
func scopeRole(s domain.TokenScope) domain.Role {
	switch s {
	case domain.ScopeAdmin:
		return domain.RoleAdmin
	case domain.ScopeWrite:
		return domain.RoleAuthor
	}
	return domain.RoleViewer
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			given = true
		}
	})
	return given
}
