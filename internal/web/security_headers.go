package web

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

// Security headers every answer carries, whatever writes it: pages, JSON,
// static files, error pages, 404s and the public status page. Handlers that
// serve HTML set their own, wider Content-Security-Policy (pages allow the
// app's own script and stylesheet, the status page its inline stylesheet by
// hash); everything else keeps defaultCSP, which allows nothing at all.

// defaultCSP is the policy of answers that are not HTML pages: nothing may
// load, run or frame them.
const defaultCSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// pageCSP is the policy of the UI's pages: the app's own script, stylesheet
// and images only. No inline script and no inline style: templates keep
// their JavaScript in static/app.js (security_csp_test.go checks that).
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// reportCSP is the policy of the HTML report (export and preview): one
// self-contained file whose only inline code is its stylesheet; it runs no
// script (sandbox) and may not be framed.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// hstsValue is sent on answers that reached us over HTTPS (directly or
// through a trusted proxy); browsers then refuse plain HTTP for a year.
const hstsValue = "max-age=31536000"

// setSecurityHeaders sets the headers every answer carries. secure says the
// request came over HTTPS.
func setSecurityHeaders(h http.Header, secure bool) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", defaultCSP)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if secure {
		h.Set("Strict-Transport-Security", hstsValue)
	}
}

// requestSecure reports whether the client reached us over HTTPS: the
// connection is TLS, or a trusted proxy says so with X-Forwarded-Proto. The
// header from any other peer is ignored: a client could send it to get
// Secure cookies over plain HTTP, which the browser would then not send back.
func requestSecure(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	proto := r.Header.Get("X-Forwarded-Proto")
	if proto == "" || len(trusted) == 0 {
		return false
	}
	// A chain of proxies appends: the first value is what the client used.
	first, _, _ := strings.Cut(proto, ",")
	if !strings.EqualFold(strings.TrimSpace(first), "https") {
		return false
	}
	return peerTrusted(r.RemoteAddr, trusted)
}

// peerTrusted reports whether the connection's peer address lies in one of
// the trusted prefixes.
func peerTrusted(remoteAddr string, trusted []netip.Prefix) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	var ip netip.Addr
	if err == nil {
		ip = ap.Addr()
	} else if ip, err = netip.ParseAddr(remoteAddr); err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parseTrustedProxies turns Config.TrustedProxies (addresses or CIDRs, as
// gin accepts them) into prefixes. Bad entries are skipped here: New already
// refuses them through gin's SetTrustedProxies.
func parseTrustedProxies(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(s); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out
}

// secureContext is requestSecure for a gin request. The proxy list is
// parsed each time: it is short, and parsing costs less than a lookup.
func (s *Server) secureContext(c *gin.Context) bool {
	return requestSecure(c.Request, parseTrustedProxies(s.cfg.TrustedProxies))
}
