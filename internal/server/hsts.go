package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// hstsValue tells browsers to reach this host over HTTPS only, for two
// years. Subdomains are not included: they may not be Signet's.
const hstsValue = "max-age=63072000"

// withHSTS sets Strict-Transport-Security on answers to requests that came
// over TLS: to Signet itself, or to a trusted proxy (--trusted-proxies)
// that says so with X-Forwarded-Proto. Over plain HTTP the header means
// nothing to a browser, and from anyone else the forwarded header is not
// believed.
func withHSTS(next http.Handler, trusted []netip.Prefix) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if overTLS(r, trusted) {
			w.Header().Set("Strict-Transport-Security", hstsValue)
		}
		next.ServeHTTP(w, r)
	})
}

func overTLS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	peer = peer.Unmap()
	for _, p := range trusted {
		if p.Contains(peer) {
			return true
		}
	}
	return false
}
