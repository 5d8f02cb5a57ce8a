package server

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"

	"github.com/signet-id/signet/internal/web"
)

// CheckPublicURL refuses a --public-url that is not an absolute http or
// https URL with a host.
func CheckPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("want an absolute http:// or https:// URL, such as https://signet.example.com")
	}
	return nil
}

// sayTransport tells the person starting the server, and the log, when the
// dashboard's sign-in cannot work as configured (plain HTTP beyond loopback
// with Secure cookies) or works insecurely (--insecure-cookies).
func (m *Main) sayTransport() {
	if m.cfg.PublicURL != "" {
		fmt.Fprintf(m.cfg.Out, "Public URL: %s\n", m.cfg.PublicURL)
	}
	https := false
	if u, err := url.Parse(m.cfg.PublicURL); err == nil && u.Scheme == "https" {
		https = true
	}
	switch {
	case m.cfg.InsecureCookies && !https:
		fmt.Fprintf(m.cfg.Out, "\nWarning: --insecure-cookies: the dashboard's cookies are sent over plain HTTP; anyone on the network path can read a password or take over a session. Use it on a trusted network only.\n\n")
		m.cfg.Logger.Warn("dashboard cookies without Secure (--insecure-cookies): use on a trusted network only")
	case m.cfg.InsecureCookies:
		m.cfg.Logger.Warn("--insecure-cookies is set although --public-url is https: the cookies lose Secure for nothing")
	case !https && !loopbackOnly(m.Addr()):
		fmt.Fprintf(m.cfg.Out, "\nWarning: the dashboard is served over plain HTTP on %s, beyond loopback: browsers drop its Secure sign-in cookies there, so no one can sign in. To fix it, %s.\n\n", m.Addr(), web.HTTPSHint)
		m.cfg.Logger.Warn("dashboard sign-in needs HTTPS beyond loopback", "addr", m.Addr(), "fix", web.HTTPSHint)
	}
}

// loopbackOnly reports whether addr listens on a loopback address alone.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
