// Package config holds Hindsight's run-time settings: command-line flags with
// HINDSIGHT_* environment equivalents. A flag given on the command line wins
// over the environment, which wins over the built-in default. No
// configuration file is needed.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/report"
	"golang.org/x/text/language"
)

// Defaults.
const (
	DefaultAddr         = "127.0.0.1:8080"
	DefaultDataDir      = "./data"
	DefaultLanguage     = "en"
	DefaultTimeZone     = "UTC"
	DefaultStatusName   = "Status"
	DefaultLogFormat    = "text"
	DefaultMaxBodyBytes = 1 << 20
)

// Config is every setting shared by the subcommands.
type Config struct {
	Addr           string
	DataDir        string
	MongoDBURI     string
	BaseURL        string
	DefaultLang    string
	DefaultTZ      string
	StatusPageName string
	SecureCookies  bool
	LogFormat      string
	MaxBodyBytes   int64
	// Single sign-on with OpenID Connect; on when OIDCIssuer is set.
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCAutoCreate   bool
	// Branding of exported reports: organisation name, PNG logo file, accent colour.
	BrandName   string
	BrandLogo   string
	BrandAccent string
	// PDFFonts is a folder of TrueType fonts for characters the embedded
	// fonts lack (reportpdf).
	PDFFonts string
	// subs: SMTP relay for subscriber mail; off while SMTPAddr is empty. The
	// password is read only from HINDSIGHT_SMTP_PASSWORD (never a flag, so it
	// stays out of process listings).
	SMTPAddr     string
	SMTPFrom     string
	SMTPUsername string
	SMTPPassword string

	set map[string]bool // flags given on the command line
}

// option describes one setting: its flag, its environment variable and where it lands.
type option struct {
	flag, env, usage string
	value            func(c *Config) flag.Value
}

var options = []option{
	{"addr", "HINDSIGHT_ADDR", "listen `address` (host:port)", func(c *Config) flag.Value { return (*stringValue)(&c.Addr) }},
	{"data", "HINDSIGHT_DATA_DIR", "`folder` of the embedded SQLite store", func(c *Config) flag.Value { return (*stringValue)(&c.DataDir) }},
	{"mongodb-uri", "HINDSIGHT_MONGODB_URI", "use MongoDB at this `uri` instead of the embedded store", func(c *Config) flag.Value { return (*stringValue)(&c.MongoDBURI) }},
	{"base-url", "HINDSIGHT_BASE_URL", "public `url` of this server, used in links and feeds", func(c *Config) flag.Value { return (*stringValue)(&c.BaseURL) }},
	{"default-lang", "HINDSIGHT_DEFAULT_LANG", "default `language` (BCP 47, e.g. en, de)", func(c *Config) flag.Value { return (*stringValue)(&c.DefaultLang) }},
	{"default-tz", "HINDSIGHT_DEFAULT_TZ", "default display time `zone` (IANA name, e.g. Europe/Berlin)", func(c *Config) flag.Value { return (*stringValue)(&c.DefaultTZ) }},
	{"status-page-name", "HINDSIGHT_STATUS_PAGE_NAME", "`name` shown on the public status page", func(c *Config) flag.Value { return (*stringValue)(&c.StatusPageName) }},
	{"secure-cookies", "HINDSIGHT_SECURE_COOKIES", "mark session cookies Secure (serve over HTTPS)", func(c *Config) flag.Value { return (*boolValue)(&c.SecureCookies) }},
	{"log-format", "HINDSIGHT_LOG_FORMAT", "log `format`: text or json", func(c *Config) flag.Value { return (*stringValue)(&c.LogFormat) }},
	{"max-body-bytes", "HINDSIGHT_MAX_BODY_BYTES", "largest request body accepted, in `bytes`", func(c *Config) flag.Value { return (*int64Value)(&c.MaxBodyBytes) }},
	{"oidc-issuer", "HINDSIGHT_OIDC_ISSUER", "OpenID Connect issuer `url` for single sign-on (needs base-url)", func(c *Config) flag.Value { return (*stringValue)(&c.OIDCIssuer) }},
	{"oidc-client-id", "HINDSIGHT_OIDC_CLIENT_ID", "OpenID Connect client `id`", func(c *Config) flag.Value { return (*stringValue)(&c.OIDCClientID) }},
	{"oidc-client-secret", "HINDSIGHT_OIDC_CLIENT_SECRET", "OpenID Connect client `secret` (prefer the environment)", func(c *Config) flag.Value { return (*stringValue)(&c.OIDCClientSecret) }},
	{"brand-name", "HINDSIGHT_BRAND_NAME", "organisation `name` shown on exported reports", func(c *Config) flag.Value { return (*stringValue)(&c.BrandName) }},
	{"brand-logo", "HINDSIGHT_BRAND_LOGO", "PNG `file` shown as the logo of exported reports", func(c *Config) flag.Value { return (*stringValue)(&c.BrandLogo) }},
	{"brand-accent", "HINDSIGHT_BRAND_ACCENT", "accent `colour` of exported reports, e.g. #1f6feb", func(c *Config) flag.Value { return (*stringValue)(&c.BrandAccent) }},
	{"pdf-fonts", "HINDSIGHT_PDF_FONTS", "`folder` of TrueType fonts for characters the PDF's own fonts lack (then system Noto fonts)", func(c *Config) flag.Value { return (*stringValue)(&c.PDFFonts) }},
	{"oidc-auto-create", "HINDSIGHT_OIDC_AUTO_CREATE", "create unknown users with a verified email as viewers at their first sign-in", func(c *Config) flag.Value { return (*boolValue)(&c.OIDCAutoCreate) }},
	// subs: SMTP relay (password: HINDSIGHT_SMTP_PASSWORD only).
	{"smtp-addr", "HINDSIGHT_SMTP_ADDR", "SMTP relay `host:port` for subscriber e-mail (465: implicit TLS, else STARTTLS when offered); empty: no e-mail", func(c *Config) flag.Value { return (*stringValue)(&c.SMTPAddr) }},
	{"smtp-from", "HINDSIGHT_SMTP_FROM", "sender `address` of e-mail, e.g. \"Status <status@example.com>\"", func(c *Config) flag.Value { return (*stringValue)(&c.SMTPFrom) }},
	{"smtp-username", "HINDSIGHT_SMTP_USERNAME", "SMTP AUTH `user` (password from HINDSIGHT_SMTP_PASSWORD)", func(c *Config) flag.Value { return (*stringValue)(&c.SMTPUsername) }},
}

// SMTPPasswordEnv is the only source of the SMTP password.
const SMTPPasswordEnv = "HINDSIGHT_SMTP_PASSWORD"

// Env lists the environment variables Config reads, by flag name.
func Env() map[string]string {
	out := make(map[string]string, len(options))
	for _, o := range options {
		out[o.flag] = o.env
	}
	return out
}

// New returns a Config holding the built-in defaults.
func New() *Config {
	return &Config{
		Addr:           DefaultAddr,
		DataDir:        DefaultDataDir,
		DefaultLang:    DefaultLanguage,
		DefaultTZ:      DefaultTimeZone,
		StatusPageName: DefaultStatusName,
		LogFormat:      DefaultLogFormat,
		MaxBodyBytes:   DefaultMaxBodyBytes,
		set:            map[string]bool{},
	}
}

// Register adds the shared flags to fs. Several flag sets may share one
// Config (the global one and a subcommand's): a flag given in any of them
// counts as given.
func (c *Config) Register(fs *flag.FlagSet) {
	if c.set == nil {
		c.set = map[string]bool{}
	}
	for _, o := range options {
		fs.Var(&tracked{Value: o.value(c), name: o.flag, set: c.set}, o.flag, o.usage+" (env "+o.env+")")
	}
}

// ApplyEnv fills every setting not given as a flag from its environment
// variable, when that variable is set and not empty. getenv is os.Getenv in
// production and a map lookup in tests.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	var errs []error
	for _, o := range options {
		if c.set[o.flag] {
			continue
		}
		v := strings.TrimSpace(getenv(o.env))
		if v == "" {
			continue
		}
		if err := o.value(c).Set(v); err != nil {
			errs = append(errs, fmt.Errorf("config: %s=%q: %w", o.env, v, err))
		}
	}
	if c.SMTPPassword == "" { // subs: not trimmed, a password may end in a space
		c.SMTPPassword = getenv(SMTPPasswordEnv)
	}
	return errors.Join(errs...)
}

// Validate checks the settings and returns every problem found as a
// *domain.ValidationError whose fields are the flag names.
func (c *Config) Validate() error {
	var ps []domain.Problem
	add := func(field, code, detail string) {
		ps = append(ps, domain.Problem{Field: field, Code: code, Detail: detail})
	}
	if strings.TrimSpace(c.Addr) == "" {
		add("addr", domain.CodeRequired, "")
	} else if i := strings.LastIndex(c.Addr, ":"); i < 0 {
		add("addr", domain.CodeInvalid, "want host:port, e.g. 127.0.0.1:8080")
	} else if p, err := strconv.Atoi(c.Addr[i+1:]); err != nil || p < 0 || p > 65535 {
		add("addr", domain.CodeInvalid, "the port must be a number from 0 to 65535")
	}
	if c.MongoDBURI == "" && strings.TrimSpace(c.DataDir) == "" {
		add("data", domain.CodeRequired, "")
	}
	if c.MongoDBURI != "" && !strings.HasPrefix(c.MongoDBURI, "mongodb://") && !strings.HasPrefix(c.MongoDBURI, "mongodb+srv://") {
		add("mongodb-uri", domain.CodeInvalid, "must start with mongodb:// or mongodb+srv://")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("base-url", domain.CodeInvalid, "must be an absolute http or https URL")
		}
	}
	if _, err := language.Parse(c.DefaultLang); err != nil {
		add("default-lang", domain.CodeInvalid, "not a BCP 47 language tag")
	}
	if _, err := domain.LoadZone(c.DefaultTZ); err != nil {
		add("default-tz", domain.CodeInvalid, "not an IANA time zone name")
	}
	if len(c.StatusPageName) > domain.MaxNameLen {
		add("status-page-name", domain.CodeTooLong, "")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		add("log-format", domain.CodeUnknownEnum, "want text or json")
	}
	if c.MaxBodyBytes < 1024 {
		add("max-body-bytes", domain.CodeInvalid, "must be at least 1024")
	}
	// subs: SMTP relay.
	for _, p := range c.Mail().Problems() {
		add(p.Field, domain.CodeInvalid, p.Detail)
	}
	if len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}
	return nil
}

// Mail is the SMTP relay configuration (subs); Enabled() is false without
// --smtp-addr.
func (c *Config) Mail() mail.Config {
	return mail.Config{
		Addr:     strings.TrimSpace(c.SMTPAddr),
		From:     strings.TrimSpace(c.SMTPFrom),
		Username: c.SMTPUsername,
		Password: c.SMTPPassword,
	}
}

// Branding loads the export branding: the logo file is read with readFile
// (os.ReadFile in production) and every part is checked, so a wrong colour
// or a file that is not a PNG stops the start with a clear message.
func (c *Config) Branding(readFile func(string) ([]byte, error)) (report.Branding, error) {
	b := report.Branding{OrgName: strings.TrimSpace(c.BrandName), Accent: strings.TrimSpace(c.BrandAccent)}
	if c.BrandLogo != "" {
		logo, err := readFile(c.BrandLogo)
		if err != nil {
			return report.Branding{}, fmt.Errorf("config: brand-logo: %w", err)
		}
		b.LogoPNG = logo
	}
	if err := b.Validate(); err != nil {
		return report.Branding{}, fmt.Errorf("config: branding: %w", err)
	}
	return b, nil
}

// UsesMongo reports whether the MongoDB store is configured.
func (c *Config) UsesMongo() bool { return c.MongoDBURI != "" }

// IsSet reports whether the flag name was given on the command line.
func (c *Config) IsSet(name string) bool { return c.set[name] }

// tracked wraps a flag value and records that the flag was given.
type tracked struct {
	flag.Value
	name string
	set  map[string]bool
}

func (t *tracked) Set(s string) error {
	if err := t.Value.Set(s); err != nil {
		return err
	}
	t.set[t.name] = true
	return nil
}

func (t *tracked) String() string {
	if t == nil || t.Value == nil {
		return ""
	}
	return t.Value.String()
}

// IsBoolFlag lets "--secure-cookies" stand alone without "=true".
func (t *tracked) IsBoolFlag() bool {
	b, ok := t.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

type stringValue string

func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) String() string {
	if s == nil {
		return ""
	}
	return string(*s)
}

type boolValue bool

func (b *boolValue) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("want true or false")
	}
	*b = boolValue(x)
	return nil
}
func (b *boolValue) String() string {
	if b == nil {
		return "false"
	}
	return strconv.FormatBool(bool(*b))
}
func (b *boolValue) IsBoolFlag() bool { return true }

type int64Value int64

func (n *int64Value) Set(v string) error {
	x, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return errors.New("want a whole number")
	}
	*n = int64Value(x)
	return nil
}
func (n *int64Value) String() string {
	if n == nil {
		return "0"
	}
	return strconv.FormatInt(int64(*n), 10)
}
