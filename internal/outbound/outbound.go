// Package outbound is the policy for the HTTP requests Signet makes on a
// brand's behalf (fetching a JWKS, delivering a webhook): the URL is a
// brand's to choose, so it must not become a way to reach Signet's own
// network. Only public HTTPS addresses are reached, checked after DNS
// resolution when the connection is dialled (so a name that resolves, or
// later rebinds, to a private address is refused), redirects stay on the
// same host, and bodies are capped. An operator lets listed hosts or ranges
// through, plain HTTP included, with SIGNET_OUTBOUND_ALLOW.
package outbound

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrForbidden is wrapped by every refusal of a destination, at
// configuration time (CheckURL) or when dialling (Client).
var ErrForbidden = errors.New("forbidden outbound destination")

// ErrTooLarge is returned by LimitBody when a body is over its cap.
var ErrTooLarge = errors.New("response body too large")

// Policy says which destinations outbound requests may reach. The zero
// Policy (and ParsePolicy("")) allows public HTTPS addresses only.
type Policy struct {
	hosts map[string]bool // lower-case host names, listed by the operator
	nets  []netip.Prefix  // addresses and ranges listed by the operator

	// RootCAs, when set, replaces the system's roots for HTTPS (tests
	// serving over a self-signed loopback certificate set it).
	RootCAs *x509.CertPool

	// lookup resolves a host name; nil is the system resolver (tests
	// replace it to simulate a name that resolves inside).
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// ParsePolicy reads SIGNET_OUTBOUND_ALLOW: comma-separated host names, IP
// addresses or CIDR prefixes that outbound requests may reach even though
// they are private, and over plain HTTP. Empty allows nothing extra.
func ParsePolicy(allow string) (*Policy, error) {
	p := &Policy{hosts: map[string]bool{}}
	for _, item := range strings.Split(allow, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if pfx, err := netip.ParsePrefix(item); err == nil {
			p.nets = append(p.nets, pfx.Masked())
			continue
		}
		if a, err := netip.ParseAddr(strings.Trim(item, "[]")); err == nil {
			a = a.Unmap()
			p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		if !validHostName(item) {
			return nil, fmt.Errorf("%q is neither a host name, an IP address nor a CIDR prefix", item)
		}
		p.hosts[strings.ToLower(strings.TrimSuffix(item, "."))] = true
	}
	return p, nil
}

// validHostName accepts letters, digits, dashes, underscores and dots.
func validHostName(s string) bool {
	if len(s) > 253 || strings.HasPrefix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
		default:
			return false
		}
	}
	return true
}

// hostListed reports whether the operator listed host, by name or address.
func (p *Policy) hostListed(host string) bool {
	if p == nil {
		return false
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if p.hosts[host] {
		return true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return p.addrListed(a)
	}
	return false
}

func (p *Policy) addrListed(a netip.Addr) bool {
	if p == nil {
		return false
	}
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// specialRanges are the ranges beyond netip's predicates that are not
// public destinations: "this network", shared address space (carrier NAT),
// IETF protocol assignments, benchmarking, reserved and broadcast, and the
// IPv6 prefixes that embed an IPv4 address (NAT64, 6to4, Teredo) and could
// smuggle a private one.
var specialRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("2001::/32"),
}

// forbiddenKind names why a is not a public destination, or "" when it is.
func forbiddenKind(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "an invalid"
	case a.IsUnspecified():
		return "an unspecified"
	case a.IsLoopback():
		return "a loopback"
	case a.IsPrivate():
		if a.Is6() {
			return "a unique-local"
		}
		return "a private"
	case a.IsLinkLocalUnicast():
		return "a link-local"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "a multicast"
	}
	for _, n := range specialRanges {
		if n.Contains(a) {
			return "a special-purpose"
		}
	}
	return ""
}

// checkAddr refuses a that is neither public nor listed.
func (p *Policy) checkAddr(a netip.Addr) error {
	if p.addrListed(a) {
		return nil
	}
	if kind := forbiddenKind(a); kind != "" {
		return fmt.Errorf("%w: %s is %s address, which outbound requests may not reach (an operator can allow it with SIGNET_OUTBOUND_ALLOW)", ErrForbidden, a.Unmap(), kind)
	}
	return nil
}

// CheckURL is the check when a URL is configured: HTTPS (plain HTTP only to
// a listed host), no user name or password, and a host that is not an
// address or name known to be internal. Its error reads as the reason for a
// 400. The address a name resolves to is checked again at every dial.
func (p *Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%w: %q is not an absolute URL", ErrForbidden, raw)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%w: the URL names no host", ErrForbidden)
	}
	if u.User != nil {
		return fmt.Errorf("%w: the URL must not carry a user name or password", ErrForbidden)
	}
	listed := p.hostListed(host)
	switch u.Scheme {
	case "https":
	case "http":
		if !listed {
			return fmt.Errorf("%w: the URL must use https (plain http only to a host an operator allows with SIGNET_OUTBOUND_ALLOW)", ErrForbidden)
		}
	default:
		return fmt.Errorf("%w: the URL must use https, not %q", ErrForbidden, u.Scheme)
	}
	if listed {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return p.checkAddr(a)
	}
	if !validHostName(host) {
		return fmt.Errorf("%w: %q is not a valid host name", ErrForbidden, host)
	}
	lower := strings.ToLower(strings.TrimSuffix(host, "."))
	if lower == "localhost" || strings.HasSuffix(lower, ".localhost") {
		return fmt.Errorf("%w: %s is a loopback name, which outbound requests may not reach (an operator can allow it with SIGNET_OUTBOUND_ALLOW)", ErrForbidden, host)
	}
	return nil
}

// maxRedirects bounds a chain of same-host redirects.
const maxRedirects = 3

// Client returns an HTTP client whose every connection goes to an address
// the policy allows, checked after resolution when dialling; it never uses
// a proxy from the environment, follows redirects only on the same host
// and within the policy, and gives up after timeout.
func (p *Policy) Client(timeout time.Duration) *http.Client {
	if p == nil {
		p = &Policy{}
	}
	dialer := &net.Dialer{Timeout: timeout}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would dial on our behalf, unchecked
		DialContext:            p.dialContext(dialer),
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: p.RootCAs},
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        90 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("%w: more than %d redirects", ErrForbidden, maxRedirects)
			}
			if !strings.EqualFold(req.URL.Hostname(), via[0].URL.Hostname()) {
				return fmt.Errorf("%w: a redirect to another host (%s) is not followed", ErrForbidden, req.URL.Hostname())
			}
			return p.CheckURL(req.URL.String())
		},
	}
}

// dialContext resolves the host itself and dials only allowed addresses;
// every resolved address must be allowed (a mixed answer is how a
// rebinding name slips an internal address in). The dialer's Control
// checks the address actually connected to once more.
func (p *Policy) dialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		listed := p.hostListed(host)
		var addrs []netip.Addr
		if a, err := netip.ParseAddr(host); err == nil {
			addrs = []netip.Addr{a}
		} else {
			lookup := p.lookup
			if lookup == nil {
				lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
					return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
				}
			}
			if addrs, err = lookup(ctx, host); err != nil {
				return nil, err
			}
			if len(addrs) == 0 {
				return nil, fmt.Errorf("%s: no address", host)
			}
		}
		if !listed {
			for _, a := range addrs {
				if err := p.checkAddr(a); err != nil {
					return nil, fmt.Errorf("%s resolves to a refused address: %w", host, err)
				}
			}
		}
		dd := *d
		dd.Control = func(_, address string, _ syscall.RawConn) error {
			if listed {
				return nil
			}
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: unreadable address %q", ErrForbidden, address)
			}
			return p.checkAddr(ap.Addr())
		}
		var first error
		for _, a := range addrs {
			c, err := dd.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
			if err == nil {
				return c, nil
			}
			if first == nil {
				first = err
			}
		}
		return nil, first
	}
}

// LimitBody reads r whole, or fails with ErrTooLarge once it passes max
// bytes (reading no more than max+1).
func LimitBody(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	}
	return b, nil
}
