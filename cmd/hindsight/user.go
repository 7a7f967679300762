package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/web"
)

func (a *app) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: want \"user add\" or \"user list\"", errUsage)
	}
	switch args[0] {
	case "add":
		return a.userAdd(ctx, args[1:])
	case "list":
		return a.userList(ctx, args[1:])
	}
	return fmt.Errorf("%w: unknown user command %q (want add or list)", errUsage, args[0])
}

func (a *app) userAdd(ctx context.Context, args []string) (err error) {
	fs := a.flags("user add")
	email := fs.String("email", "", "email address, used to sign in (required)")
	name := fs.String("name", "", "display name")
	role := fs.String("role", string(domain.RoleAuthor), "role: viewer, author, reviewer or admin")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input; without it a random password is generated and printed")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}

	u := domain.User{Email: *email, Name: strings.TrimSpace(*name), Role: domain.Role(*role)}
	if err := u.Validate(); err != nil {
		return err
	}
	password, generated := "", false
	if *fromStdin {
		pw, err := readPassword(a.stdin)
		if err != nil {
			return err
		}
		password = pw
		if err := web.CheckNewPassword(u.Email, password); err != nil {
			return err
		}
	} else {
		password, generated = auth.RandomString(15), true
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	u.PasswordHash, u.PasswordChangedAt = hash, now

	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, st)
	if err := st.CreateUser(ctx, &u); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("a user with email %s already exists", u.Email)
		}
		return fmt.Errorf("create user: %w", err)
	}
	_ = st.AppendAudit(ctx, &domain.AuditEvent{At: now, Action: "user.create", Target: "user:" + u.ID,
		Detail: map[string]string{"via": "cli", "role": string(u.Role)}})
	if _, err := fmt.Fprintf(a.stdout, "created %s %s (id %s)\n", u.Role, u.Email, u.ID); err != nil {
		return err
	}
	if generated {
		if _, err := fmt.Fprintf(a.stdout, "password: %s\n", password); err != nil {
			return err
		}
	}
	return nil
}

// readPassword reads the first line of r, without its line ending. Leading
// and trailing spaces are kept: they are part of the password.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, auth.MaxPasswordLen+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("no password on standard input (pipe one in, e.g. printf '%s' \"$PASSWORD\" | hindsight user add ... --password-stdin)")
	}
	return line, nil
}

func (a *app) userList(ctx context.Context, args []string) (err error) {
	fs := a.flags("user list")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, st)
	users, err := st.ListUsers(ctx)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	// Every line has cells, so tw only buffers until Flush, whose error is
	// returned below.
	_, _ = fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSTATE\tCREATED")
	for _, u := range users {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, state, u.CreatedAt.UTC().Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}
