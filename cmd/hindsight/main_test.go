package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/config"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// cli runs the command line in-process and returns its exit code and output.
type cliResult struct {
	code           int
	stdout, stderr string
}

func cli(t *testing.T, env map[string]string, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return env[k] })
	return cliResult{code, out.String(), errOut.String()}
}

func TestVersion(t *testing.T) {
	r := cli(t, nil, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "hindsight ") {
		t.Fatalf("version: %+v", r)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "Commands:"},
		{"help", []string{"help"}, 0, "serve"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown global flag", []string{"--nope", "serve"}, 2, "flag provided but not defined"},
		{"user without verb", []string{"user"}, 2, "user add"},
		{"user unknown verb", []string{"user", "delete"}, 2, `unknown user command "delete"`},
		{"token without verb", []string{"token"}, 2, "token create"},
		{"import without source", []string{"import"}, 2, "import statuspage FILE"},
		{"import without file", []string{"import", "statuspage"}, 2, "exactly one FILE"},
		{"bad log format from env", []string{"user", "list"}, 2, "log-format"},
		{"version with argument", []string{"version", "x"}, 2, "no arguments"},
		{"serve with argument", []string{"serve", "now"}, 2, `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HINDSIGHT_DATA_DIR": t.TempDir()}
			if tt.name == "bad log format from env" {
				env["HINDSIGHT_LOG_FORMAT"] = "xml"
			}
			r := cli(t, env, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
		})
	}
}

func TestUserAddListAndToken(t *testing.T) {
	dir := t.TempDir()
	data := []string{"--data", dir}

	r := cli(t, nil, "tangerine harbour lantern 42\n", append(data, "user", "add", "--email", "Ada@Example.com", "--name", "Ada", "--role", "admin", "--password-stdin")...)
	if r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	if !strings.Contains(r.stdout, "ada@example.com") || strings.Contains(r.stdout, "password:") {
		t.Fatalf("user add output: %q", r.stdout)
	}

	// A generated password is printed once and works.
	r = cli(t, nil, "", append(data, "user", "add", "--email", "bo@example.com")...)
	if r.code != 0 {
		t.Fatalf("user add without password: %+v", r)
	}
	_, pw, ok := strings.Cut(r.stdout, "password: ")
	if !ok {
		t.Fatalf("no generated password printed: %q", r.stdout)
	}
	pw = strings.TrimSpace(pw)

	r = cli(t, nil, "", append(data, "user", "list")...)
	if r.code != 0 || !strings.Contains(r.stdout, "ada@example.com") || !strings.Contains(r.stdout, "admin") ||
		!strings.Contains(r.stdout, "bo@example.com") || !strings.Contains(r.stdout, "author") {
		t.Fatalf("user list: %+v", r)
	}

	r = cli(t, nil, "", append(data, "token", "create", "--email", "ADA@example.com", "--name", "ci")...)
	if r.code != 0 {
		t.Fatalf("token create: %+v", r)
	}
	token := strings.TrimSuffix(r.stdout, "\n")
	if strings.Contains(token, "\n") || !auth.LooksLikeToken(token) {
		t.Fatalf("token create must print only the token, got %q", r.stdout)
	}

	// What the commands wrote is in the store, hashed.
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	ada, err := st.GetUserByEmail(context.Background(), "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if ada.Role != domain.RoleAdmin || ada.Name != "Ada" || !auth.CheckPassword(ada.PasswordHash, "tangerine harbour lantern 42") {
		t.Fatalf("stored admin wrong: %+v", ada)
	}
	bo, err := st.GetUserByEmail(context.Background(), "bo@example.com")
	if err != nil || !auth.CheckPassword(bo.PasswordHash, pw) {
		t.Fatalf("generated password does not match: %v", err)
	}
	tok, err := st.GetTokenByHash(context.Background(), auth.HashToken(token))
	if err != nil {
		t.Fatal(err)
	}
	if tok.UserID != ada.ID || tok.Scope != domain.ScopeWrite || tok.Name != "ci" || tok.ExpiresAt != nil {
		t.Fatalf("stored token wrong: %+v", tok)
	}
}

// A viewer's token is a read token unless a scope is asked for; asking for
// more than the role allows is refused.
func TestTokenScopeFollowsRole(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HINDSIGHT_DATA_DIR": dir}
	if r := cli(t, env, "", "user", "add", "--email", "viewer@example.com", "--role", "viewer"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	r := cli(t, env, "", "token", "create", "--email", "viewer@example.com")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	tok, err := st.GetTokenByHash(context.Background(), auth.HashToken(strings.TrimSpace(r.stdout)))
	if err != nil || tok.Scope != domain.ScopeRead {
		t.Fatalf("viewer token scope %q, %v; want read", tok.Scope, err)
	}
	r = cli(t, env, "", "token", "create", "--email", "viewer@example.com", "--scope", "write")
	if r.code != 1 || !strings.Contains(r.stderr, "needs a user with role author") {
		t.Fatalf("write token for a viewer: %+v", r)
	}
}

func TestUserAndTokenErrors(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HINDSIGHT_DATA_DIR": dir}
	if r := cli(t, env, "a long enough password\n", "user", "add", "--email", "author@example.com", "--role", "author", "--password-stdin"); r.code != 0 {
		t.Fatalf("setup: %+v", r)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"duplicate email", "another long password", []string{"user", "add", "--email", "AUTHOR@example.com", "--password-stdin"}, 1, "already exists"},
		{"short password", "short\n", []string{"user", "add", "--email", "x@example.com", "--password-stdin"}, 1, "at least"},
		{"common password", "Password123456\n", []string{"user", "add", "--email", "x@example.com", "--password-stdin"}, 1, "too common"},
		{"password is the email", "longname@example.com\n", []string{"user", "add", "--email", "longname@example.com", "--password-stdin"}, 1, "must not be the email"},
		{"empty stdin", "", []string{"user", "add", "--email", "x@example.com", "--password-stdin"}, 1, "no password on standard input"},
		{"missing email", "a long enough password", []string{"user", "add", "--password-stdin"}, 1, "email: required"},
		{"bad email", "a long enough password", []string{"user", "add", "--email", "not-an-address", "--password-stdin"}, 1, "email: invalid"},
		{"bad role", "a long enough password", []string{"user", "add", "--email", "x@example.com", "--role", "owner", "--password-stdin"}, 1, "role: unknown value"},
		{"token unknown user", "", []string{"token", "create", "--email", "ghost@example.com"}, 1, "no user with email ghost@example.com"},
		{"token missing email", "", []string{"token", "create"}, 1, "email: required"},
		{"token bad scope", "", []string{"token", "create", "--email", "author@example.com", "--scope", "root"}, 1, "scope: unknown value"},
		{"token admin scope for author", "", []string{"token", "create", "--email", "author@example.com", "--scope", "admin"}, 1, "needs a user with role admin"},
		{"token negative lifetime", "", []string{"token", "create", "--email", "author@example.com", "--expires-in", "-1h"}, 1, "expires-in: invalid"},
		{"token bad duration", "", []string{"token", "create", "--email", "author@example.com", "--expires-in", "soon"}, 2, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, env, tt.stdin, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", r.code, tt.code, r.stderr, tt.want)
			}
			if r.code != 0 && r.stdout != "" {
				t.Fatalf("a failed command printed to stdout: %q", r.stdout)
			}
		})
	}
}

// Settings: a flag wins over its environment variable, which wins over the
// default; global flags work before and after the command.
func TestFlagEnvPrecedence(t *testing.T) {
	envDir, flagDir, globalDir := t.TempDir(), t.TempDir(), t.TempDir()
	env := map[string]string{"HINDSIGHT_DATA_DIR": envDir}
	pw := "a long enough password\n"

	steps := []struct {
		args []string
		dir  string // where the user must land
	}{
		{[]string{"user", "add", "--email", "env@example.com", "--password-stdin"}, envDir},
		{[]string{"user", "add", "--data", flagDir, "--email", "flag@example.com", "--password-stdin"}, flagDir},
		{[]string{"--data", globalDir, "user", "add", "--email", "global@example.com", "--password-stdin"}, globalDir},
	}
	for _, s := range steps {
		if r := cli(t, env, pw, s.args...); r.code != 0 {
			t.Fatalf("%v: %+v", s.args, r)
		}
	}
	for _, s := range steps {
		r := cli(t, nil, "", "user", "list", "--data", s.dir)
		email := s.args[len(s.args)-2]
		if !strings.Contains(r.stdout, email) || strings.Count(r.stdout, "@example.com") != 1 {
			t.Errorf("%s should hold exactly %s:\n%s", s.dir, email, r.stdout)
		}
	}
}

// With no data flag and no environment, the data folder is ./data.
func TestDefaultDataFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	if r := cli(t, nil, "", "user", "add", "--email", "a@example.com"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if fi, err := os.Stat("data"); err != nil || !fi.IsDir() {
		t.Fatalf("./data not created: %v", err)
	}
}

func TestImportStatuspage(t *testing.T) {
	dir := t.TempDir()
	doc := `{
	  "page": {"id": "p1", "name": "Example"},
	  "incidents": [{
	    "id": "inc-1", "name": "Elevated API errors", "status": "resolved", "impact": "minor",
	    "created_at": "2026-01-10T08:00:00Z", "started_at": "2026-01-10T08:00:00Z", "resolved_at": "2026-01-10T09:00:00Z",
	    "components": [{"id": "c1", "name": "API", "status": "operational"}],
	    "incident_updates": [
	      {"id": "u2", "status": "resolved", "body": "Fixed.", "created_at": "2026-01-10T09:00:00Z"},
	      {"id": "u1", "status": "investigating", "body": "Looking into it.", "created_at": "2026-01-10T08:05:00Z"}
	    ]
	  }]
	}`
	file := filepath.Join(t.TempDir(), "incidents.json")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(t, nil, "", "import", "statuspage", "--data", dir, file)
	if r.code != 0 || !strings.Contains(r.stdout, "1 created") {
		t.Fatalf("first import: %+v", r)
	}
	r = cli(t, nil, "", "import", "statuspage", "--data", dir, file)
	if r.code != 0 || !strings.Contains(r.stdout, "0 created") || !strings.Contains(r.stdout, "1 unchanged") {
		t.Fatalf("second import must change nothing: %+v", r)
	}
	// Standard input works too, and bad input is a clear error.
	r = cli(t, nil, "not json", "import", "statuspage", "--data", dir, "-")
	if r.code != 1 || !strings.Contains(r.stderr, "import -") {
		t.Fatalf("bad document: %+v", r)
	}
	r = cli(t, nil, "", "import", "statuspage", "--data", dir, filepath.Join(dir, "missing.json"))
	if r.code != 1 || !strings.Contains(r.stderr, "no such file") {
		t.Fatalf("missing file: %+v", r)
	}
}

func TestDescribeValidation(t *testing.T) {
	err := &domain.ValidationError{Problems: []domain.Problem{
		{Field: "role", Code: domain.CodeUnknownEnum, Detail: "owner"},
		{Field: "email", Code: domain.CodeRequired},
	}}
	got := describe(err)
	want := "invalid: email: required; role: unknown value (owner)"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/hindsight": "/var/lib/hindsight",
		"my data":            "'my data'",
		"it's":               `'it'\''s'`,
		"":                   "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSiteURL(t *testing.T) {
	for _, tt := range []struct{ addr, base, want string }{
		{"127.0.0.1:8080", "", "http://127.0.0.1:8080"},
		{"0.0.0.0:8080", "", "http://localhost:8080"},
		{":9000", "", "http://localhost:9000"},
		{"[::]:8080", "", "http://localhost:8080"},
		{"0.0.0.0:8080", "https://status.example.com/", "https://status.example.com"},
	} {
		a := &app{cfg: configWith(tt.addr, tt.base)}
		if got := a.siteURL(); got != tt.want {
			t.Errorf("siteURL(%q, %q) = %q, want %q", tt.addr, tt.base, got, tt.want)
		}
	}
}

func configWith(addr, base string) *config.Config {
	c := config.New()
	c.Addr, c.BaseURL = addr, base
	return c
}

// subs: a wrong SMTP setting stops every command before it starts, naming
// the flag.
func TestSMTPSettingsAreChecked(t *testing.T) {
	r := cli(t, map[string]string{"HINDSIGHT_SMTP_ADDR": "smtp.example.com"}, "", "user", "list", "--data", t.TempDir())
	if r.code == 0 || !strings.Contains(r.stderr, "smtp-addr") {
		t.Fatalf("want a usage error naming smtp-addr: %+v", r)
	}
	r = cli(t, nil, "", "user", "list", "--data", t.TempDir(), "--smtp-addr", "smtp.example.com:587")
	if r.code == 0 || !strings.Contains(r.stderr, "smtp-from") {
		t.Fatalf("want a usage error naming smtp-from: %+v", r)
	}
}
