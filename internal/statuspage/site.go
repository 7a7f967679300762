package statuspage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Config describes the public page.
type Config struct {
	Name            string // page name; default "Status"
	BaseURL         string // public base URL, no trailing slash; links and feed ids
	TimeZone        string // IANA name dates are shown in; default UTC
	DefaultLanguage string // when nothing the reader sends matches; default en
	// PageID fixes the v2 page id; empty: one is made once and kept in settings.
	PageID string
	// CacheTTL bounds how long a rendered answer is served without a change
	// being signalled through Invalidate (default 60s).
	CacheTTL time.Duration
	// MaxIncidents bounds how many incidents one page view reads (default 5000).
	MaxIncidents int
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// SubscribeToken, when set, offers e-mail subscription on the overview
	// (subs): the form posts to /status/subscribe with this anti-CSRF
	// token. nil (no SMTP relay): nothing offers subscription.
	SubscribeToken func() string
}

// RCAText returns the Markdown of a published RCA's EXTERNAL report, in
// lang, with times in loc. The web layer wires it to the report package.
type RCAText func(ctx context.Context, r domain.RCA, incidents []domain.Incident, lang string, loc *time.Location) (string, error)

// Site serves the public status page and the v2 JSON. It needs no login;
// answers are cached in memory with ETags until Invalidate.
type Site struct {
	store   store.Store
	cat     *i18n.Catalog
	cfg     Config
	loc     *time.Location
	rcaText RCAText
	log     *slog.Logger
	pages   map[string]*template.Template
	csp     string
	cache   *pageCache
	mux     *http.ServeMux
	changes changeWatch // scalemulti: see changes.go

	baseHost string // host name of cfg.BaseURL; "" when none is configured

	mu          sync.Mutex
	pageIDCache string
}

// pageFiles are the status page templates; each is parsed with layout.html
// and partials.html into its own set.
var pageFiles = []string{"overview", "incident", "history", "error", "message"} // message: subs

// NewSite checks cfg and parses the templates from tfs (the templates
// package's FS; files under status/). It fails when a page is missing.
func NewSite(st store.Store, cat *i18n.Catalog, tfs fs.FS, cfg Config, rcaText RCAText, log *slog.Logger) (*Site, error) {
	if st == nil || cat == nil {
		return nil, errors.New("statuspage: store and catalog are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(cfg.Name) == "" {
		cfg.Name = "Status"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.TimeZone == "" {
		cfg.TimeZone = "UTC"
	}
	loc, err := domain.LoadZone(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("statuspage: time zone %q: %w", cfg.TimeZone, err)
	}
	if cfg.DefaultLanguage == "" {
		cfg.DefaultLanguage = i18n.DefaultLanguage
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = time.Minute
	}
	if cfg.MaxIncidents <= 0 {
		cfg.MaxIncidents = 5000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Site{store: st, cat: cat, cfg: cfg, loc: loc, rcaText: rcaText, log: log,
		pages: map[string]*template.Template{}, cache: newPageCache(cfg.CacheTTL, 1024)}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Hostname() == "" {
			return nil, fmt.Errorf("statuspage: base URL %q: want scheme://host", cfg.BaseURL)
		}
		s.baseHost = strings.TrimSuffix(u.Hostname(), ".")
	}
	if err := s.parse(tfs); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Invalidate drops every cached answer; call it after anything shown on the
// status page changed (an RCA published or unpublished, an incident or a
// component written, an import).
func (s *Site) Invalidate() { s.cache.invalidate() }

// Handler serves the public routes: /status, /status/incidents/{id},
// /status/history, /status/feed.atom and /api/v2/*.json.
func (s *Site) Handler() http.Handler { return s.mux }

// Routes lists the paths Handler serves, for routers that register each one
// (gin pattern syntax).
var Routes = []string{
	"/status", "/status/incidents/:id", "/status/history", "/status/feed.atom",
	"/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json",
	"/api/v2/incidents.json", "/api/v2/incidents/unresolved.json",
}

func (s *Site) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /status", s.serveHTML(s.overview))
	m.HandleFunc("GET /status/{$}", s.serveHTML(s.overview))
	m.HandleFunc("GET /status/incidents/{id}", s.serveHTML(s.incident))
	m.HandleFunc("GET /status/history", s.serveHTML(s.history))
	m.HandleFunc("GET /status/feed.atom", s.serve(false, s.feed))
	m.HandleFunc("GET /api/v2/summary.json", s.serve(false, s.jsonDoc(func(c *Content) any { return c.Summary() }, loadSpec{unresolved: true})))
	m.HandleFunc("GET /api/v2/status.json", s.serve(false, s.jsonDoc(func(c *Content) any { return c.StatusDoc() }, loadSpec{unresolved: true})))
	m.HandleFunc("GET /api/v2/components.json", s.serve(false, s.jsonDoc(func(c *Content) any { return c.ComponentsDoc() }, loadSpec{})))
	m.HandleFunc("GET /api/v2/incidents.json", s.serve(false, s.jsonDoc(func(c *Content) any { return c.IncidentsDoc(false) }, loadSpec{newest: 50, unresolved: true})))
	m.HandleFunc("GET /api/v2/incidents/unresolved.json", s.serve(false, s.jsonDoc(func(c *Content) any { return c.IncidentsDoc(true) }, loadSpec{unresolved: true})))
	s.mux = m
}

// builder renders one answer for a request in a language.
type builder func(r *http.Request, lang string) (*cached, error)

func (s *Site) serveHTML(b builder) http.HandlerFunc { return s.serve(true, b) }

// serve answers from the cache, rendering on a miss, with ETag and 304.
// Everything that selects a cache entry is checked first (host, month,
// language), so no request makes a key the page's own links would not.
func (s *Site) serve(localized bool, b builder) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			s.misdirected(w, r, localized)
			return
		}
		lang, err := s.language(r, localized)
		if err != nil {
			s.fail(w, r, s.cat.Match(r.Header.Get("Accept-Language"), s.cfg.DefaultLanguage), localized, err)
			return
		}
		query, err := s.cacheQuery(r)
		if err != nil {
			s.fail(w, r, lang, localized, err)
			return
		}
		key := r.URL.Path + "?" + query + "|" + lang
		e, err := s.cache.get(r.Context(), key, s.cfg.Now(), func(ctx context.Context) (*cached, error) {
			return b(r.WithContext(ctx), lang)
		})
		if err != nil {
			if r.Context().Err() != nil {
				return // the reader left; the render goes on for the others
			}
			s.fail(w, r, lang, localized, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", e.ctype)
		h.Set("Cache-Control", "public, no-cache")
		body, etag := e.body, e.etag
		// Vary names every request header that can change the answer, on
		// every answer of a URL, gzipped or not.
		vary := []string{"Accept-Encoding"}
		if localized {
			vary = append(vary, "Accept-Language")
		}
		if e.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = e.gz, strings.TrimSuffix(e.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("ETag", etag)
		h.Set("Vary", strings.Join(vary, ", "))
		if localized {
			h.Set("Content-Security-Policy", s.csp)
			h.Set("Content-Language", lang)
		} else {
			h.Set("Access-Control-Allow-Origin", "*") // widgets on other sites read the JSON
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && matchETag(inm, etag) {
			h.Del("Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(e.status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	}
}

// hostAllowed reports whether a request's Host may be answered: any host
// when no base URL is configured (links are then relative and nothing in
// an answer depends on the host), else the base URL's host name (the port
// may differ, as behind a proxy or on the public listener).
func (s *Site) hostAllowed(host string) bool {
	if s.baseHost == "" {
		return true
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	return strings.EqualFold(host, s.baseHost)
}

// misdirected answers 421: this server does not serve that host name.
func (s *Site) misdirected(w http.ResponseWriter, r *http.Request, html bool) {
	s.fail(w, r, s.cat.Match(r.Header.Get("Accept-Language"), s.cfg.DefaultLanguage), html, errMisdirected)
}

// language is the answer's language: for pages an explicit ?lang= (which
// must be a supported language) or else Accept-Language; for the feed
// ?lang= or the default; "" for the JSON documents.
func (s *Site) language(r *http.Request, localized bool) (string, error) {
	q := r.URL.Query().Get("lang")
	feed := r.URL.Path == "/status/feed.atom"
	if !localized && !feed {
		return "", nil
	}
	if q != "" {
		// reportpdf: a regional tag (en-GB) keeps its date formats;
		// Resolve answers from a small fixed set, safe as a cache key.
		if _, _, err := s.cat.ParseTag(q); err != nil {
			return "", errBadLanguage
		}
		return s.cat.Resolve(q), nil
	}
	if feed {
		return s.cfg.DefaultLanguage, nil
	}
	return s.cat.Resolve(r.Header.Get("Accept-Language"), s.cfg.DefaultLanguage), nil
}

// Oldest month /status/history answers; anything before is refused, as is
// any month after the current one.
const firstMonth = 1990

// cacheQuery keeps only the query parameters that change an answer, checked
// and in their canonical form.
func (s *Site) cacheQuery(r *http.Request) (string, error) {
	if r.URL.Path != "/status/history" {
		return "", nil
	}
	m := r.URL.Query().Get("month")
	if m == "" {
		return "", nil
	}
	t, err := time.ParseInLocation("2006-01", m, s.loc)
	if err != nil || t.Year() < firstMonth || t.After(monthStart(s.cfg.Now(), s.loc)) {
		return "", errBadMonth
	}
	return "month=" + t.Format("2006-01"), nil
}

// errNotFound, errBadMonth, errBadLanguage and errMisdirected are client
// errors with a page of their own.
var (
	errNotFound    = errors.New("statuspage: not found")
	errBadMonth    = errors.New("statuspage: bad month")
	errBadLanguage = errors.New("statuspage: unsupported language")
	errMisdirected = errors.New("statuspage: host not served")
)

func (s *Site) fail(w http.ResponseWriter, r *http.Request, lang string, html bool, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, errNotFound), errors.Is(err, store.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, errBadMonth), errors.Is(err, errBadLanguage):
		status = http.StatusBadRequest
	case errors.Is(err, errMisdirected):
		status = http.StatusMisdirectedRequest
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		status = http.StatusServiceUnavailable
	}
	if status >= 500 {
		s.log.Error("statuspage: render", "path", r.URL.Path, "err", err)
	}
	if !html {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		code := map[int]string{404: "not_found", 400: "bad_request", 421: "misdirected", 503: "unavailable"}[status]
		if code == "" {
			code = "internal"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": http.StatusText(status)}})
		return
	}
	l := s.cat.Localizer(lang)
	msg := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		msg = l.T("status.incident.not_found")
	case http.StatusBadRequest:
		msg = l.T("status.history.bad_month")
		if errors.Is(err, errBadLanguage) {
			msg = l.T("status.bad_language")
		}
	case http.StatusMisdirectedRequest:
		msg = l.T("status.misdirected")
	}
	body, rerr := s.render("error", lang, &pageData{Lang: lang, Name: s.cfg.Name, Title: s.cfg.Name, Message: msg, Zone: l.ZoneLabel(s.cfg.Now(), s.loc), FeedURL: "/status/feed.atom"})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", s.csp)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if rerr == nil {
		_, _ = w.Write(body)
	}
}

// jsonDoc renders a v2 document.
func (s *Site) jsonDoc(doc func(*Content) any, spec loadSpec) builder {
	return func(r *http.Request, _ string) (*cached, error) {
		c, err := s.load(r.Context(), spec)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc(c)); err != nil {
			return nil, fmt.Errorf("statuspage: encode: %w", err)
		}
		return &cached{status: http.StatusOK, body: buf.Bytes(), ctype: "application/json; charset=utf-8"}, nil
	}
}

// parse builds one template set per page and the CSP naming the inline
// stylesheet by hash (the pages need no script at all).
func (s *Site) parse(tfs fs.FS) error {
	css, err := fs.ReadFile(tfs, "status/style.css")
	if err != nil {
		return fmt.Errorf("statuspage: stylesheet: %w", err)
	}
	sum := sha256.Sum256(css)
	formAction := "'none'"
	if s.cfg.SubscribeToken != nil { // subs: the subscribe form posts to this site
		formAction = "'self'"
	}
	s.csp = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'self' data:; base-uri 'none'; form-action " + formAction + "; frame-ancestors 'none'"
	funcs := template.FuncMap{
		"T": func(string, ...any) (string, error) {
			return "", errors.New("statuspage: T used without a bound localizer")
		},
		"css": func() template.CSS { return template.CSS(css) },
	}
	for _, name := range pageFiles {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(tfs, "status/layout.html", "status/partials.html", "status/"+name+".html")
		if err != nil {
			return fmt.Errorf("statuspage: parse %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return fmt.Errorf("statuspage: page %s defines no content block", name)
		}
		s.pages[name] = t
	}
	return nil
}

// render executes a page in lang into a byte slice. T is bound to a clone of
// the page's set, so concurrent renders in other languages never mix.
func (s *Site) render(page, lang string, data *pageData) ([]byte, error) {
	base, ok := s.pages[page]
	if !ok {
		return nil, fmt.Errorf("statuspage: unknown page %q", page)
	}
	t, err := base.Clone()
	if err != nil {
		return nil, err
	}
	l := s.cat.Localizer(lang)
	t.Funcs(template.FuncMap{"T": func(key string, kv ...any) (string, error) {
		if len(kv)%2 != 0 {
			return "", fmt.Errorf("statuspage: T %q: odd key/value list", key)
		}
		if len(kv) == 0 {
			return l.T(key), nil
		}
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return l.T(key, m), nil
	}})
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("statuspage: render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// Message answers a page of the status site's look with a heading, a detail
// line and optionally a one-button form (subs: subscription, confirmation
// and unsubscribe answers). lang must be one of the catalog's languages.
func (s *Site) Message(w http.ResponseWriter, status int, lang, message, detail string, form *MessageForm) {
	if !s.cat.Supported(lang) {
		lang = s.cfg.DefaultLanguage
	}
	l := s.cat.Localizer(lang)
	d := &pageData{Lang: lang, Name: s.cfg.Name, Title: s.cfg.Name, Message: message, Detail: detail, Form: form,
		Zone: l.ZoneLabel(s.cfg.Now(), s.loc), FeedURL: "/status/feed.atom?lang=" + url.QueryEscape(lang)}
	body, err := s.render("message", lang, d)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", s.csp)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err == nil {
		_, _ = w.Write(body)
	} else {
		s.log.Warn("statuspage: render message", "err", err)
	}
}

// Languages lists the page's languages (subs: a subscriber's language must
// be one of them).
func (s *Site) Languages() []string { return s.cat.Languages() }

// DefaultLanguage is the page's fallback language.
func (s *Site) DefaultLanguage() string { return s.cfg.DefaultLanguage }
