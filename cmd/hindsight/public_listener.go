package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/web"
)

// publicOptions are serve's settings for the public listener and for
// reverse proxies: --public-addr (HINDSIGHT_PUBLIC_ADDR) and
// --trusted-proxies (HINDSIGHT_TRUSTED_PROXIES). A flag wins over its
// environment variable, as for the global settings.
type publicOptions struct {
	addr    string
	proxies string
	fs      *flag.FlagSet
}

const (
	envPublicAddr     = "HINDSIGHT_PUBLIC_ADDR"
	envTrustedProxies = "HINDSIGHT_TRUSTED_PROXIES"
)

// publicFlags adds the flags to serve's flag set.
func publicFlags(fs *flag.FlagSet) *publicOptions {
	o := &publicOptions{fs: fs}
	fs.StringVar(&o.addr, "public-addr", "", "also serve ONLY the public status page (its JSON, feed and /healthz) at this `address` (host:port); empty: off (env "+envPublicAddr+")")
	fs.StringVar(&o.proxies, "trusted-proxies", "", "comma-separated `addresses or CIDRs` of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (env "+envTrustedProxies+")")
	return o
}

// resolve fills unset flags from the environment and checks the values.
func (o *publicOptions) resolve(getenv func(string) string) error {
	given := map[string]bool{}
	o.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if !given["public-addr"] {
		o.addr = strings.TrimSpace(getenv(envPublicAddr))
	}
	if !given["trusted-proxies"] {
		o.proxies = strings.TrimSpace(getenv(envTrustedProxies))
	}
	var errs []error
	if o.addr != "" {
		if _, port, err := net.SplitHostPort(o.addr); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("public-addr %q: want host:port, e.g. 0.0.0.0:8081", o.addr))
		}
	}
	for _, p := range o.trustedProxies() {
		_, perr := netip.ParsePrefix(p)
		_, aerr := netip.ParseAddr(p)
		if perr != nil && aerr != nil {
			errs = append(errs, fmt.Errorf("trusted-proxies: %q is not an IP address or CIDR", p))
		}
	}
	return errors.Join(errs...)
}

// trustedProxies is the list for web.Config.TrustedProxies.
func (o *publicOptions) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(o.proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// listen takes the public port, when one is configured, before the store
// opens (like the main port): a port in use fails fast.
func (o *publicOptions) listen() (net.Listener, error) {
	if o.addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on public address %s: %w", o.addr, err)
	}
	return ln, nil
}

// publicServer is the running public listener.
type publicServer struct {
	hs     *http.Server
	served chan error // receives Serve's error once it returns
}

// servePublic starts serving srv's public handler on ln. With ln nil it
// returns a server that never reports and stops at once.
func (a *app) servePublic(ctx context.Context, srv *web.Server, ln net.Listener) (*publicServer, error) {
	p := &publicServer{served: make(chan error, 1)}
	if ln == nil {
		return p, nil
	}
	hs, err := srv.PublicHTTPServer(ln.Addr().String())
	if err != nil {
		return nil, err
	}
	hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	p.hs = hs
	go func() { p.served <- hs.Serve(ln) }()
	a.log.Info("public status page listening", "url", "http://"+ln.Addr().String()+"/status")
	return p, nil
}

// failed receives an error when the public listener stopped by itself.
func (p *publicServer) failed() <-chan error { return p.served }

// shutdown stops the public listener gracefully within ctx.
func (p *publicServer) shutdown(ctx context.Context) error {
	if p.hs == nil {
		return nil
	}
	err := p.hs.Shutdown(ctx)
	if serr := <-p.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return errors.Join(err, serr)
	}
	return err
}
