package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth/oidc"
	"github.com/hindsight-rca/hindsight/internal/demo"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/web"
)

// shutdownTimeout bounds how long in-flight requests may take to finish
// after SIGINT or SIGTERM.
const shutdownTimeout = 15 * time.Second

func (a *app) serve(ctx context.Context, args []string) (err error) {
	fs := a.flags("serve")
	withDemo := fs.Bool("demo", false, "fill an empty store with demo data and print the demo sign-in")
	pub := publicFlags(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if err := pub.resolve(a.getenv); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}

	// Take the port first: a second server on the same address fails before
	// it touches the store.
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	// The HTTP server closes its listeners on shutdown; this Close only
	// matters on an early return and then has nothing to report.
	defer func() { _ = ln.Close() }()
	pln, err := pub.listen()
	if err != nil {
		return err
	}
	if pln != nil {
		defer func() { _ = pln.Close() }() // as ln above
	}

	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, st)

	demoMode := false
	if *withDemo {
		if demoMode, err = a.seedDemo(ctx, st); err != nil {
			return err
		}
	}
	// After a declined demo too: a store with imported incidents may still
	// have no user.
	if err := a.firstStartHint(ctx, st); err != nil {
		return err
	}

	if a.cfg.PDFFonts != "" { // reportpdf: fallback fonts for the PDF
		if err := report.SetFallbackFonts(a.cfg.PDFFonts); err != nil {
			return err
		}
	}
	branding, err := a.cfg.Branding(os.ReadFile)
	if err != nil {
		return err
	}
	mailer, err := mail.New(a.cfg.Mail()) // subs: SMTP relay, off without --smtp-addr
	if err != nil {
		return err
	}
	srv, err := web.New(web.Config{
		BaseURL:         a.cfg.BaseURL,
		DefaultLanguage: a.cfg.DefaultLang,
		DefaultTimeZone: a.cfg.DefaultTZ,
		StatusPageName:  a.cfg.StatusPageName,
		MaxBodyBytes:    a.cfg.MaxBodyBytes,
		SecureCookies:   a.cfg.SecureCookies,
		TrustedProxies:  pub.trustedProxies(),
		Demo:            demoMode,
		Version:         buildVersion(),
		Branding:        branding,
		OIDC: oidc.Config{Issuer: a.cfg.OIDCIssuer, ClientID: a.cfg.OIDCClientID,
			ClientSecret: a.cfg.OIDCClientSecret, AutoCreate: a.cfg.OIDCAutoCreate},
		Mail: mailer,
	}, st, a.log)
	if err != nil {
		return err
	}

	hs := srv.HTTPServer(a.cfg.Addr)
	hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	background := a.startBackground(ctx, srv)

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	public, err := a.servePublic(ctx, srv, pln)
	if err != nil {
		cancel()
		background()
		_ = hs.Close()
		return err
	}
	a.log.Info("hindsight started", "version", buildVersion(), "url", "http://"+ln.Addr().String(), "store", a.storeName())

	select {
	case err := <-served:
		cancel()
		background()
		return fmt.Errorf("serve: %w", err)
	case err := <-public.failed():
		cancel()
		background()
		_ = hs.Close()
		return fmt.Errorf("serve public: %w", err)
	case <-ctx.Done():
	}

	a.log.Info("shutting down", "timeout", shutdownTimeout)
	sctx, scancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer scancel()
	err = errors.Join(hs.Shutdown(sctx), public.shutdown(sctx))
	background()
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.log.Warn("serve ended with an error", "err", err)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// firstStartHint prints how to create the first admin when the store has no users.
func (a *app) firstStartHint(ctx context.Context, st store.Store) error {
	n, err := st.CountUsers(ctx)
	if err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, err = fmt.Fprintf(a.stdout, `
No users yet. Create the first admin, in another terminal, with:

  %s

It reads the password from standard input, e.g.

  printf '%%s' 'a long passphrase' | %s

Then sign in at %s/ with that email and password.

`, a.commandLine("user add --email you@example.com --role admin --password-stdin"),
		a.commandLine("user add --email you@example.com --role admin --password-stdin"), a.siteURL())
	return err
}

// commandLine is a hindsight command that works on the same store as this one.
func (a *app) commandLine(sub string) string {
	where := ""
	switch {
	case a.cfg.UsesMongo():
		where = " --mongodb-uri '<the same URI>'"
	case a.cfg.DataDir != "./data" && a.cfg.DataDir != "data":
		where = " --data " + shellQuote(a.cfg.DataDir)
	}
	return "hindsight" + where + " " + sub
}

// seedDemo fills an empty store with the demo set; a store with data keeps
// it. It reports whether the store holds the demo set, so the UI can say so.
func (a *app) seedDemo(ctx context.Context, st store.Store) (bool, error) {
	sum, err := demo.Seed(ctx, st, time.Now())
	if errors.Is(err, demo.ErrNotEmpty) {
		if _, err := fmt.Fprintln(a.stdout, "\nThis store already holds data, so no demo data was added: the demo only fills an empty store.\nStarting with the data you have."); err != nil {
			return false, err
		}
		return demo.Present(ctx, st)
	}
	if err != nil {
		return false, err
	}
	// The demo password is printed only here: a failed write is an error.
	if _, err := fmt.Fprintf(a.stdout, `
Demo data added: %d components, %d incidents, %d RCAs, %d users.
Sign in at %s/ with

  email:    %s   (admin; also %s and %s)
  password: %s

The password is printed only this once.

`, sum.Components, sum.Incidents, sum.RCAs, sum.Users, a.siteURL(), sum.Emails[0], sum.Emails[1], sum.Emails[2], sum.Password); err != nil {
		return false, err
	}
	return true, nil
}

// siteURL is where a person reaches this server: the base URL when set, else
// the listen address (a wildcard host shown as localhost).
func (a *app) siteURL() string {
	if a.cfg.BaseURL != "" {
		return strings.TrimRight(a.cfg.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(a.cfg.Addr)
	if err != nil {
		return "http://" + a.cfg.Addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe characters.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=+,", r)
		if !ok {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
