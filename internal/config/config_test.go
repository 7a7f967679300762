package config

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func load(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	c := New()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		return c, err
	}
	return c, nil
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *Config) string
		exp  string
	}{
		{"default addr", nil, nil, func(c *Config) string { return c.Addr }, DefaultAddr},
		{"env addr", nil, map[string]string{"HINDSIGHT_ADDR": "0.0.0.0:9000"}, func(c *Config) string { return c.Addr }, "0.0.0.0:9000"},
		{"flag beats env", []string{"--addr", "127.0.0.1:7000"}, map[string]string{"HINDSIGHT_ADDR": "0.0.0.0:9000"}, func(c *Config) string { return c.Addr }, "127.0.0.1:7000"},
		{"flag equal to default still beats env", []string{"--addr=" + DefaultAddr}, map[string]string{"HINDSIGHT_ADDR": "0.0.0.0:9000"}, func(c *Config) string { return c.Addr }, DefaultAddr},
		{"empty env keeps default", nil, map[string]string{"HINDSIGHT_DATA_DIR": "  "}, func(c *Config) string { return c.DataDir }, DefaultDataDir},
		{"env data", nil, map[string]string{"HINDSIGHT_DATA_DIR": "/var/lib/hindsight"}, func(c *Config) string { return c.DataDir }, "/var/lib/hindsight"},
		{"flag data", []string{"-data", "/tmp/x"}, map[string]string{"HINDSIGHT_DATA_DIR": "/var/lib/hindsight"}, func(c *Config) string { return c.DataDir }, "/tmp/x"},
		{"env mongo", nil, map[string]string{"HINDSIGHT_MONGODB_URI": "mongodb://mongo:27017/hindsight"}, func(c *Config) string { return c.MongoDBURI }, "mongodb://mongo:27017/hindsight"},
		{"env secure cookies", nil, map[string]string{"HINDSIGHT_SECURE_COOKIES": "true"}, func(c *Config) string { return boolString(c.SecureCookies) }, "true"},
		{"bare bool flag", []string{"--secure-cookies"}, nil, func(c *Config) string { return boolString(c.SecureCookies) }, "true"},
		{"bool flag false beats env true", []string{"--secure-cookies=false"}, map[string]string{"HINDSIGHT_SECURE_COOKIES": "true"}, func(c *Config) string { return boolString(c.SecureCookies) }, "false"},
		{"env lang and tz", nil, map[string]string{"HINDSIGHT_DEFAULT_LANG": "de", "HINDSIGHT_DEFAULT_TZ": "Europe/Berlin"}, func(c *Config) string { return c.DefaultLang + " " + c.DefaultTZ }, "de Europe/Berlin"},
		{"env log format", nil, map[string]string{"HINDSIGHT_LOG_FORMAT": "json"}, func(c *Config) string { return c.LogFormat }, "json"},
		{"env status page name", nil, map[string]string{"HINDSIGHT_STATUS_PAGE_NAME": "Acme Status"}, func(c *Config) string { return c.StatusPageName }, "Acme Status"},
		{"flag base url", []string{"--base-url", "https://status.example.com"}, nil, func(c *Config) string { return c.BaseURL }, "https://status.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.args, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.want(c); got != tt.exp {
				t.Fatalf("got %q, want %q", got, tt.exp)
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("valid settings rejected: %v", err)
			}
		})
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// A subcommand's flag set and the global one share one Config: a flag in
// either counts as given, and the later one wins.
func TestTwoFlagSetsShareConfig(t *testing.T) {
	c := New()
	global := flag.NewFlagSet("global", flag.ContinueOnError)
	sub := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.Register(global)
	c.Register(sub)
	if err := global.Parse([]string{"--data", "/a", "serve", "--addr", "127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
	if global.Arg(0) != "serve" {
		t.Fatalf("subcommand = %q", global.Arg(0))
	}
	if err := sub.Parse(global.Args()[1:]); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HINDSIGHT_DATA_DIR": "/env", "HINDSIGHT_ADDR": "0.0.0.0:2", "HINDSIGHT_BASE_URL": "http://env.example"}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/a" || c.Addr != "127.0.0.1:1" || c.BaseURL != "http://env.example" {
		t.Fatalf("got data=%q addr=%q base=%q", c.DataDir, c.Addr, c.BaseURL)
	}
	if !c.IsSet("data") || !c.IsSet("addr") || c.IsSet("base-url") {
		t.Fatalf("IsSet wrong: %v", c.set)
	}
}

func TestBadEnvValue(t *testing.T) {
	for _, tt := range []struct{ env, val string }{
		{"HINDSIGHT_SECURE_COOKIES", "maybe"},
		{"HINDSIGHT_MAX_BODY_BYTES", "lots"},
	} {
		t.Run(tt.env, func(t *testing.T) {
			_, err := load(t, nil, map[string]string{tt.env: tt.val})
			if err == nil || !strings.Contains(err.Error(), tt.env) {
				t.Fatalf("want an error naming %s, got %v", tt.env, err)
			}
		})
	}
}

func TestBadFlagValue(t *testing.T) {
	if _, err := load(t, []string{"--max-body-bytes", "x"}, nil); err == nil {
		t.Fatal("want a parse error")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *Config)
		field string
		code  string
	}{
		{"empty addr", func(c *Config) { c.Addr = "" }, "addr", domain.CodeRequired},
		{"addr without port", func(c *Config) { c.Addr = "localhost" }, "addr", domain.CodeInvalid},
		{"addr bad port", func(c *Config) { c.Addr = "localhost:http" }, "addr", domain.CodeInvalid},
		{"addr port too big", func(c *Config) { c.Addr = ":70000" }, "addr", domain.CodeInvalid},
		{"no data dir", func(c *Config) { c.DataDir = "" }, "data", domain.CodeRequired},
		{"bad mongo uri", func(c *Config) { c.MongoDBURI = "postgres://x" }, "mongodb-uri", domain.CodeInvalid},
		{"relative base url", func(c *Config) { c.BaseURL = "/status" }, "base-url", domain.CodeInvalid},
		{"bad language", func(c *Config) { c.DefaultLang = "not a language!" }, "default-lang", domain.CodeInvalid},
		{"bad time zone", func(c *Config) { c.DefaultTZ = "Mars/Olympus" }, "default-tz", domain.CodeInvalid},
		{"local time zone", func(c *Config) { c.DefaultTZ = "Local" }, "default-tz", domain.CodeInvalid},
		{"bad log format", func(c *Config) { c.LogFormat = "xml" }, "log-format", domain.CodeUnknownEnum},
		{"tiny body limit", func(c *Config) { c.MaxBodyBytes = 10 }, "max-body-bytes", domain.CodeInvalid},
		{"smtp addr without port", func(c *Config) { c.SMTPAddr = "smtp.example.com"; c.SMTPFrom = "s@example.com" }, "smtp-addr", domain.CodeInvalid},
		{"smtp without from", func(c *Config) { c.SMTPAddr = "smtp.example.com:587" }, "smtp-from", domain.CodeInvalid},
		{"smtp bad from", func(c *Config) { c.SMTPAddr = "smtp.example.com:587"; c.SMTPFrom = "status" }, "smtp-from", domain.CodeInvalid},
		{"smtp password without user", func(c *Config) {
			c.SMTPAddr, c.SMTPFrom, c.SMTPPassword = "smtp.example.com:587", "s@example.com", "pw"
		}, "smtp-username", domain.CodeInvalid},
		{"long status name", func(c *Config) { c.StatusPageName = strings.Repeat("x", domain.MaxNameLen+1) }, "status-page-name", domain.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New()
			tt.edit(c)
			err := c.Validate()
			var ve *domain.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a ValidationError, got %v", err)
			}
			for _, p := range ve.Problems {
				if p.Field == tt.field && p.Code == tt.code {
					return
				}
			}
			t.Fatalf("want problem %s/%s, got %v", tt.field, tt.code, ve.Problems)
		})
	}
}

func TestMongoWithoutDataDirIsValid(t *testing.T) {
	c := New()
	c.DataDir = ""
	c.MongoDBURI = "mongodb://localhost:27017/hindsight"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !c.UsesMongo() {
		t.Fatal("UsesMongo false")
	}
}

func TestUsageNamesEnv(t *testing.T) {
	c := New()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var b strings.Builder
	fs.SetOutput(&b)
	c.Register(fs)
	fs.PrintDefaults()
	for flagName, env := range Env() {
		if !strings.Contains(b.String(), "-"+flagName) || !strings.Contains(b.String(), env) {
			t.Errorf("usage lacks %s / %s:\n%s", flagName, env, b.String())
		}
	}
	if strings.Contains(b.String(), "panic") {
		t.Fatalf("usage printing panicked:\n%s", b.String())
	}
	if !strings.Contains(b.String(), DefaultAddr) {
		t.Fatalf("usage does not show the default address:\n%s", b.String())
	}
}

// FuzzSettings: any environment value or flag argument is either accepted or
// rejected with an error; Validate answers nil or a *domain.ValidationError,
// never a panic.
func FuzzSettings(f *testing.F) {
	f.Add("0.0.0.0:8080", "de", "Europe/Berlin", "json", "true", "1048576", "https://status.example.com")
	f.Add("", "", "", "", "", "", "")
	f.Add(":99999", "zz-ZZ-x", "Local", "xml", "maybe", "-1", "ftp://x")
	f.Add("[::1]:0", "pt-BR", "America/Sao_Paulo", "text", "0", "9223372036854775807", "http://[::1]:8080/")
	f.Fuzz(func(t *testing.T, addr, lang, tz, logFormat, secure, maxBody, base string) {
		env := map[string]string{
			"HINDSIGHT_ADDR": addr, "HINDSIGHT_DEFAULT_LANG": lang, "HINDSIGHT_DEFAULT_TZ": tz,
			"HINDSIGHT_LOG_FORMAT": logFormat, "HINDSIGHT_SECURE_COOKIES": secure,
			"HINDSIGHT_MAX_BODY_BYTES": maxBody, "HINDSIGHT_BASE_URL": base,
		}
		c := New()
		_ = c.ApplyEnv(func(k string) string { return env[k] })
		if err := c.Validate(); err != nil {
			var ve *domain.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("Validate returned %T %v", err, err)
			}
		}
		fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c2 := New()
		c2.Register(fs)
		_ = fs.Parse([]string{"--addr", addr, "--max-body-bytes", maxBody, "--secure-cookies=" + secure, "--default-tz", tz})
		_ = c2.Validate()
	})
}

// subs: the SMTP settings come from flags or the environment, the password
// only from the environment, and no relay means mail is off.
func TestSMTPSettings(t *testing.T) {
	c, err := load(t, []string{"--smtp-addr", "smtp.example.com:465", "--smtp-username", "relay"},
		map[string]string{"HINDSIGHT_SMTP_FROM": "Status <status@example.com>", "HINDSIGHT_SMTP_PASSWORD": " pw with spaces "})
	if err != nil {
		t.Fatal(err)
	}
	m := c.Mail()
	if !m.Enabled() || m.Addr != "smtp.example.com:465" || m.From != "Status <status@example.com>" ||
		m.Username != "relay" || m.Password != " pw with spaces " {
		t.Fatalf("Mail() = %+v", m)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	New().Register(fs)
	if fs.Lookup("smtp-password") != nil {
		t.Error("a --smtp-password flag exists; the password must come from the environment only")
	}
	off, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if off.Mail().Enabled() {
		t.Error("mail enabled without --smtp-addr")
	}
}
