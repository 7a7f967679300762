// Package web is Hindsight's HTTP surface: the gin engine, its middleware,
// authentication, the JSON API under /api/v1, the browser pages and the
// public status page. Routes are listed in routes.go.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/auth/oidc"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func init() {
	// Release mode is global in gin; set it once, before any engine exists,
	// so that no route table is printed and parallel tests do not race on it.
	gin.SetMode(gin.ReleaseMode)
}

// Config is what the server needs to know about its deployment.
type Config struct {
	BaseURL         string // public URL, e.g. https://status.example.com; used in links and feeds
	DefaultLanguage string // BCP 47; default "en"
	DefaultTimeZone string // IANA name; default "UTC"
	StatusPageName  string // shown on the public status page; default "Status"
	MaxBodyBytes    int64  // request body limit; default 1 MiB
	SecureCookies   bool   // always mark cookies Secure (set when served behind TLS)
	Demo            bool   // demo mode: the UI says so
	Version         string // build version, shown in the footer and /healthz
	// TrustedProxies lists the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For is believed. Empty: none, the peer address is the client.
	TrustedProxies []string
	// OIDC turns on single sign-on with an OpenID Connect provider when its
	// Issuer is set (see oidc_signin.go); RedirectURL defaults to
	// BaseURL + /auth/oidc/callback.
	OIDC oidc.Config
	// Branding personalises every exported report (API, preview, publish).
	Branding report.Branding
	// subs: Mail sends subscriber e-mail; nil or a disabled sender
	// (mail.Enabled false) means nothing offers subscription.
	Mail mail.Sender
	// CollabPoll is how often open documents poll the store for other
	// editors' changes (area collab); zero: app.DefaultCollabPoll.
	CollabPoll time.Duration
}

// DefaultMaxBodyBytes is the request body limit when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Server holds what every handler needs. Handlers are methods on *Server;
// other files in this package add routes through the hooks in routes.go.
type Server struct {
	store store.Store
	log   *slog.Logger
	cfg   Config
	// clock is the time source; tests replace it.
	clock func() time.Time
	// noticeMail sends the workflow's notices by e-mail (flow); nil: off.
	noticeMail *noticeMailer

	engine  *gin.Engine
	metrics *metrics
	catalog *i18n.Catalog // message catalogs for API error messages
	csrf    *http.CrossOriginProtection
	signIns *signInThrottle
	// bodyLimits overrides MaxBodyBytes per "METHOD /route/:pattern".
	bodyLimits map[string]int64
	setup      []error
	// subs: public subscription state (form key, throttle).
	subsOnce  sync.Once
	subsState *subscriptions

	// errorPage renders an HTML error page (403, 404, 500, ...). The page
	// engineer sets it from registerPages; until then a plain text is sent.
	errorPage func(c *gin.Context, status int, code, message string)

	// apiOps describe the API routes for openapi.json (see document).
	apiOps      []apiOp
	openapiOnce sync.Once
	openapiDoc  map[string]any

	// statusArea is the public status page and the publish worker
	// (hooks_status.go); app is the service layer every handler calls.
	statusArea *statusArea
	app        *app.Service
	// routeActions is the policy action each route named ("METHOD /path").
	routeActions map[string]policy.Action
}

// New checks cfg, fills its defaults and builds the router.
func New(cfg Config, st store.Store, log *slog.Logger) (*Server, error) {
	if st == nil {
		return nil, errors.New("web: nil store")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	if err := cfg.Branding.Validate(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &Server{store: st, log: log, cfg: cfg, clock: time.Now,
		csrf: http.NewCrossOriginProtection(), signIns: newSignInThrottle()}
	if cfg.BaseURL != "" {
		u, _ := url.Parse(cfg.BaseURL)
		if err := s.csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: base url: %w", err)
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("web: load catalogs: %w", err)
	}
	s.catalog = cat
	s.metrics = newMetrics(cfg.Version)
	if err := s.wire(); err != nil {
		return nil, err
	}
	s.engine = s.routes()
	s.checkRouteActions(s.engine)
	if err := errors.Join(s.setup...); err != nil {
		return nil, fmt.Errorf("web: set up: %w", err)
	}
	return s, nil
}

// wire builds the status area and the service layer, explicitly, before any
// route exists. The store is wrapped once, here, so that every write the
// public page shows drops its cache.
func (s *Server) wire() error {
	a, err := s.newStatusArea()
	if err != nil {
		return fmt.Errorf("web: status page: %w", err)
	}
	s.statusArea = a
	s.store = &invalidatingStore{Store: s.store, invalidate: a.site.Invalidate}
	var notices app.Mailer
	if mail.Enabled(s.cfg.Mail) { // flow: workflow notices by e-mail too
		s.noticeMail = &noticeMailer{s: s, send: s.cfg.Mail}
		notices = s.noticeMail
	}
	s.app, err = app.New(app.Config{
		Store: s.store, Catalog: s.catalog, Branding: s.cfg.Branding,
		DefaultLanguage: s.cfg.DefaultLanguage, Now: s.now, Log: s.log, Audit: s.audit,
		Changed: a.site.Invalidate, Enqueued: a.worker.Wake, Mailer: notices,
		CollabPoll: s.cfg.CollabPoll,
	})
	return err
}

// setupError records a start-up failure (a missing template, a bad catalog)
// from a register hook; New returns them all.
func (s *Server) setupError(err error) {
	if err != nil {
		s.setup = append(s.setup, err)
	}
}

// Handler returns the HTTP handler: the gin engine with all routes.
func (s *Server) Handler() http.Handler { return s.engine }

// HTTPServer returns an http.Server for addr with timeouts suited to the app:
// slow clients cannot hold connections, and exports have time to render.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.engine,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Config returns the server's configuration with defaults filled in.
func (s *Server) Config() Config { return s.cfg }

func (s *Server) now() time.Time { return s.clock().UTC() }

func (cfg *Config) normalize() error {
	var errs []error
	cfg.BaseURL = strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("web: base url %q: must be an absolute http or https URL", cfg.BaseURL))
		}
	}
	if cfg.DefaultLanguage == "" {
		cfg.DefaultLanguage = "en"
	}
	if tag, err := language.Parse(cfg.DefaultLanguage); err != nil {
		errs = append(errs, fmt.Errorf("web: default language %q: not a BCP 47 tag", cfg.DefaultLanguage))
	} else {
		cfg.DefaultLanguage = tag.String()
	}
	if cfg.DefaultTimeZone == "" {
		cfg.DefaultTimeZone = "UTC"
	}
	if _, err := domain.LoadZone(cfg.DefaultTimeZone); err != nil {
		errs = append(errs, fmt.Errorf("web: default time zone %q: not an IANA time zone", cfg.DefaultTimeZone))
	}
	if strings.TrimSpace(cfg.StatusPageName) == "" {
		cfg.StatusPageName = "Status"
	}
	switch {
	case cfg.MaxBodyBytes == 0:
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	case cfg.MaxBodyBytes < 1024:
		errs = append(errs, fmt.Errorf("web: max body bytes %d: must be at least 1024", cfg.MaxBodyBytes))
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	return errors.Join(errs...)
}
