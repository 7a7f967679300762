// Package netguard makes outgoing HTTP clients that refuse to reach
// loopback, link-local, private and other non-public addresses. The check
// runs on the resolved IP at dial time (net.Dialer.Control), so a public
// host name that resolves to 127.0.0.1, or a redirect to one, is refused too.
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrPrivateAddress is returned (wrapped) when a connection would reach a
// non-public address.
var ErrPrivateAddress = errors.New("netguard: address is not public")

// nonPublic lists special-purpose ranges netip has no predicate for: shared
// carrier-grade NAT space, IETF protocol assignments, benchmarking, local NAT64.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// Public reports whether ip is an ordinary public unicast address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	if ip.Is4() && ip.As4()[0] == 0 { // 0.0.0.0/8 "this network"
		return false
	}
	if ip == netip.MustParseAddr("255.255.255.255") {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// control refuses the dial when the resolved address is not public.
func control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
	}
	if !Public(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}

// Client returns an HTTP client with the given total timeout. Unless
// allowPrivate is set, every connection it opens (redirects included) must
// reach a public address. It never uses a proxy from the environment, which
// would hide the real destination from the check.
func Client(allowPrivate bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = control
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("netguard: too many redirects")
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("netguard: redirect to %s refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// CheckURL validates an address for an outgoing request: absolute http or
// https, a host, no user name or password in it. When allowPrivate is false
// a literal IP or a host name like "localhost" that is plainly not public is
// refused early; names are checked again at dial time.
func CheckURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("netguard: not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("netguard: URL must use http or https")
	}
	if u.Hostname() == "" {
		return errors.New("netguard: URL has no host")
	}
	if u.User != nil {
		return errors.New("netguard: URL must not carry credentials")
	}
	if allowPrivate {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, host)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !Public(ip) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ip)
	}
	return nil
}
