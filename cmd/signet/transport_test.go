package main

import (
	"net"
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// lanAddress is this machine's first non-loopback IPv4 address (`hostname
// -I`), or "" with the test skipped: a second loopback such as 127.0.0.2 is
// still loopback, where browsers keep Secure cookies over plain HTTP.
func lanAddress(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("hostname", "-I").Output()
	if err == nil {
		for _, f := range strings.Fields(string(out)) {
			if ip := net.ParseIP(f); ip != nil && ip.To4() != nil && !ip.IsLoopback() {
				return f
			}
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address (hostname -I): sign-in over plain HTTP beyond loopback not tested")
	return ""
}

// TestSignInOverPlainHTTP: served on a non-loopback address over plain
// HTTP, Signet says on start and on the sign-in page that sign-in needs
// HTTPS and what to set; a sign-in then fails with that explanation, never
// "form expired". With --insecure-cookies sign-in works, warned at start.
// The client is Go's cookie jar, which like a browser keeps Secure cookies
// over plain HTTP for loopback hosts only.
func TestSignInOverPlainHTTP(t *testing.T) {
	ip := lanAddress(t)
	dir := t.TempDir()
	s := startServe(t, nil, "--addr", ip+":0", "--data-dir", dir, "--demo")
	if !strings.Contains(s.URL, ip) {
		t.Fatalf("serving at %s, want %s", s.URL, ip)
	}
	out := s.Output()
	if !strings.Contains(out, "Warning: the dashboard is served over plain HTTP") || !strings.Contains(out, "--public-url https://") || !strings.Contains(out, "--insecure-cookies") {
		t.Fatalf("the start does not say that sign-in needs HTTPS and what to set:\n%s", out)
	}
	m := demoPassword.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no demo password:\n%s", out)
	}
	email, password := m[1], m[2]

	d := newDashboard(t, s.URL)
	_, _, page := d.get("/dashboard/signin")
	if !strings.Contains(page, `data-testid="insecure-warning"`) || !strings.Contains(page, "Signing in needs HTTPS here") || !strings.Contains(page, "--public-url https://YOUR-HOST") {
		t.Fatalf("the sign-in page does not say that sign-in needs HTTPS:\n%s", page)
	}
	code, _, page := d.post("/dashboard/signin", url.Values{"email": {email}, "password": {password}})
	if code != 403 || strings.Contains(page, "has expired") || !strings.Contains(page, "Signing in needs HTTPS here") || !strings.Contains(page, "--insecure-cookies") {
		t.Fatalf("sign-in over plain HTTP: %d, want 403 naming the fix, never an expired form:\n%s", code, page)
	}
	s.stop(t)

	s = startServe(t, nil, "--addr", ip+":0", "--data-dir", dir, "--insecure-cookies")
	if !strings.Contains(s.Output(), "Warning: --insecure-cookies") {
		t.Fatalf("--insecure-cookies is not warned at start:\n%s", s.Output())
	}
	d = newDashboard(t, s.URL)
	_, _, page = d.get("/dashboard/signin")
	if !strings.Contains(page, "started with <code>--insecure-cookies</code>") {
		t.Errorf("the sign-in page does not say cookies are insecure:\n%s", page)
	}
	if !d.signIn(email, password) || !d.signedIn() {
		t.Fatalf("with --insecure-cookies sign-in over plain HTTP must work")
	}

	// Behind a TLS proxy the public URL names the host: no warning at start.
	s.stop(t)
	s = startServe(t, nil, "--addr", ip+":0", "--data-dir", dir, "--public-url", "https://signet.example.com")
	if strings.Contains(s.Output(), "Warning:") || !strings.Contains(s.Output(), "Public URL: https://signet.example.com") {
		t.Errorf("with an https public URL, want no warning:\n%s", s.Output())
	}
}

// TestPublicURLBadInput: --public-url must be an absolute http(s) URL.
func TestPublicURLBadInput(t *testing.T) {
	for _, bad := range []string{"signet.example.com", "ftp://x", "https://", "https://u:p@host", "https://h/?q=1"} {
		_, stderr, code := signet(t, "serve", "--public-url", bad, "--data-dir", t.TempDir())
		if code != 2 || !strings.Contains(stderr, "--public-url") {
			t.Errorf("--public-url %q: exit %d, %q", bad, code, stderr)
		}
	}
}
