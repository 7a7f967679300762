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
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrPrivateAddress is returned (wrapped) when a connection would reach a
// non-public address.
var ErrPrivateAddress = errors.New("netguard: address is not public")

// special lists every range of the IANA IPv4 and IPv6 Special-Purpose
// Address Registries (RFC 6890 and its updates) that is not globally
// reachable, plus multicast and the deprecated ranges. A few registry
// entries inside these blocks are marked globally reachable (for example
// 192.0.0.9/32 or 2001:1::1/128); they are anycast services no status page
// or webhook lives on, so the whole block is refused.
var special = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private use"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private use"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation (TEST-NET-1)"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast (deprecated)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private use"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation (TEST-NET-2)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation (TEST-NET-3)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("255.255.255.255/32"), "limited broadcast"},

	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("100:0:0:1::/64"), "dummy prefix"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("5f00::/16"), "segment routing (SRv6) SIDs"},
	{netip.MustParsePrefix("fc00::/7"), "unique local"},
	{netip.MustParsePrefix("fe80::/10"), "link local"},
	{netip.MustParsePrefix("fec0::/10"), "site local (deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// Prefixes that carry an IPv4 address inside an IPv6 one: the connection
// ends up at the embedded address, so that address must be public too.
var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052 well-known prefix
	sixTo4  = netip.MustParsePrefix("2002::/16")    // RFC 3056: 2002:AABB:CCDD::/48
	unicast = netip.MustParsePrefix("2000::/3")     // the only global unicast IPv6 space IANA allocates
)

// Public reports whether ip is an ordinary public unicast address.
func Public(ip netip.Addr) bool { return Why(ip) == "" }

// Why names the special-purpose range ip falls in, or "" when it is public.
func Why(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid"
	}
	if ip.Zone() != "" {
		return "scoped address"
	}
	ip = ip.Unmap() // ::ffff:a.b.c.d is a.b.c.d
	for _, s := range special {
		if s.prefix.Contains(ip) {
			return s.name
		}
	}
	if ip.Is4() {
		return ""
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		if why := Why(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
			return "NAT64 to " + why
		}
		return ""
	case sixTo4.Contains(ip):
		if why := Why(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
			return "6to4 to " + why
		}
		return ""
	case !unicast.Contains(ip):
		return "unallocated IPv6 space"
	}
	return ""
}

// control refuses the dial when the resolved address is not public.
func control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
	}
	if why := Why(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s (%s)", ErrPrivateAddress, ap.Addr(), why)
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
	if ip, err := netip.ParseAddr(host); err == nil {
		if why := Why(ip); why != "" {
			return fmt.Errorf("%w: %s (%s)", ErrPrivateAddress, ip, why)
		}
	} else if v4, ok := legacyIPv4(host); ok {
		// "2130706433", "0x7f.1" and "127.1" name 127.0.0.1 to some resolvers.
		if why := Why(v4); why != "" {
			return fmt.Errorf("%w: %s (%s)", ErrPrivateAddress, v4, why)
		}
	}
	return nil
}

// legacyIPv4 reads the inet_aton spellings of an IPv4 address (decimal,
// octal or hex parts, one to four of them) that netip refuses but C
// resolvers accept. ok is false for anything else, such as a host name.
func legacyIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 0, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	last := vals[len(vals)-1]
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*uint(i))
	}
	if last >= 1<<(8*(5-uint(len(vals)))) && len(vals) > 1 {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}
