package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/statuspage"
	"github.com/hindsight-rca/hindsight/static"
)

// The public listener (HINDSIGHT_PUBLIC_ADDR) serves the status page to the
// internet while the main listener, with the UI and the API, stays on an
// internal network. It is its own gin engine holding only the public
// routes, so nothing else can be reached through it, whatever the path
// tricks: an unknown path is a 404 because no such route exists there.

// publicAssets are the static files the public pages may load.
var publicAssets = []string{"favicon.svg"}

// PublicHandler returns a handler serving only the public status page, its
// Statuspage-compatible JSON under /api/v2, its Atom feed, the static files
// it needs and /healthz. It never authenticates: cookies and Authorization
// headers are dropped before any handler sees them. Everything else is 404.
func (s *Server) PublicHandler() (http.Handler, error) {
	a := s.status()
	if a == nil {
		return nil, fmt.Errorf("web: public handler: status page not set up")
	}
	r := gin.New()
	r.ContextWithFallback = true
	r.RemoveExtraSlash = true
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	r.Use(
		s.recovery(),
		s.requestID(),
		s.accessLog(),
		s.metrics.middleware(),
		s.securityHeaders(),
		dropCredentials(),
		s.bodyLimit(),
	)
	r.NoRoute(publicNotFound)

	r.GET("/healthz", s.healthz)
	r.HEAD("/healthz", s.healthz)

	site := gin.WrapH(a.site.Handler())
	for _, p := range statuspage.Routes {
		r.GET(p, site)
		r.HEAD(p, site)
	}
	s.registerPublicSubscribers(r) // subs: subscribe, confirm, unsubscribe

	all, err := newAssetSet(static.FS)
	if err != nil {
		return nil, err
	}
	assets := &assetSet{byName: map[string]string{}, byHashed: map[string]asset{}}
	for _, name := range publicAssets {
		hashed, ok := all.byName[name]
		if !ok {
			return nil, fmt.Errorf("web: public asset %q missing", name)
		}
		assets.byName[name] = hashed
		assets.byHashed[hashed] = all.byHashed[hashed]
	}
	r.GET("/static/*file", assets.serve)
	r.HEAD("/static/*file", assets.serve)
	return r, nil
}

// PublicHTTPServer returns an http.Server for the public listener at addr,
// with the same protective timeouts as the main one.
func (s *Server) PublicHTTPServer(addr string) (*http.Server, error) {
	h, err := s.PublicHandler()
	if err != nil {
		return nil, err
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}, nil
}

// dropCredentials removes cookies and Authorization: the public listener
// answers everyone the same, and a session cookie sent to it by mistake is
// never looked up.
func dropCredentials() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request.Header.Del("Cookie")
		c.Request.Header.Del("Authorization")
		c.Next()
	}
}

// publicNotFound answers every path the public listener does not serve.
func publicNotFound(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		abortJSON(c, http.StatusNotFound, codeNotFound, "")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte(defaultMessages[codeNotFound]+"\n"))
	c.Abort()
}
