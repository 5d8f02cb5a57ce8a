package outbound

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

func mustPolicy(t *testing.T, allow string) *Policy {
	t.Helper()
	p, err := ParsePolicy(allow)
	if err != nil {
		t.Fatalf("ParsePolicy(%q): %v", allow, err)
	}
	return p
}

// tlsServer serves "ok" over HTTPS on loopback; the policy trusts its
// certificate.
func tlsServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	if h == nil {
		h = func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func trust(p *Policy, srv *httptest.Server) *Policy {
	p.RootCAs = srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	return p
}

func TestParsePolicy(t *testing.T) {
	p := mustPolicy(t, " jwks.internal , 10.0.0.0/8,127.0.0.1, ::1 ,,")
	if !p.hostListed("JWKS.internal.") || !p.hostListed("10.2.3.4") || !p.hostListed("127.0.0.1") || !p.hostListed("::1") {
		t.Errorf("listed entries not recognised: %+v", p)
	}
	if p.hostListed("127.0.0.2") || p.hostListed("example.com") {
		t.Error("an unlisted host is listed")
	}
	for _, bad := range []string{"http://x", "a b", "10.0.0.0/99", "x/y"} {
		if _, err := ParsePolicy(bad); err == nil {
			t.Errorf("ParsePolicy(%q) accepted", bad)
		}
	}
	if p := mustPolicy(t, ""); len(p.hosts) != 0 || len(p.nets) != 0 {
		t.Error("empty allows something")
	}
}

func TestCheckURL(t *testing.T) {
	none := mustPolicy(t, "")
	allowed := mustPolicy(t, "127.0.0.0/8,jwks.internal")
	cases := []struct {
		p      *Policy
		url    string
		reason string // "" accepted
	}{
		{none, "https://brand.example/.well-known/jwks.json", ""},
		{none, "https://93.184.215.14/jwks", ""},
		{none, "http://brand.example/jwks", "must use https"},
		{none, "ftp://brand.example/jwks", "must use https"},
		{none, "https://user:pw@brand.example/jwks", "user name or password"},
		{none, "https://127.0.0.1/jwks", "loopback address"},
		{none, "https://[::1]/jwks", "loopback address"},
		{none, "https://10.1.2.3/jwks", "private address"},
		{none, "https://192.168.1.1/jwks", "private address"},
		{none, "https://169.254.169.254/latest/meta-data", "link-local address"},
		{none, "https://[fe80::1]/jwks", "link-local address"},
		{none, "https://[fd00::1]/jwks", "unique-local address"},
		{none, "https://224.0.0.1/jwks", "multicast address"},
		{none, "https://0.0.0.0/jwks", "unspecified address"},
		{none, "https://[::ffff:127.0.0.1]/jwks", "loopback address"},
		{none, "https://100.64.0.1/jwks", "special-purpose address"},
		{none, "https://localhost/jwks", "loopback name"},
		{none, "https://a.localhost/jwks", "loopback name"},
		{none, "jwks.json", "not an absolute URL"},
		{none, "https:///jwks", "not an absolute URL"},
		{allowed, "http://127.0.0.1:8080/jwks", ""},
		{allowed, "https://127.0.0.1/jwks", ""},
		{allowed, "http://jwks.internal/jwks", ""},
		{allowed, "http://brand.example/jwks", "must use https"},
		{allowed, "https://10.1.2.3/jwks", "private address"},
	}
	for _, c := range cases {
		err := c.p.CheckURL(c.url)
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("CheckURL(%q): %v", c.url, err)
		case c.reason != "" && err == nil:
			t.Errorf("CheckURL(%q) accepted, want %q", c.url, c.reason)
		case c.reason != "" && (!strings.Contains(err.Error(), c.reason) || !errors.Is(err, ErrForbidden)):
			t.Errorf("CheckURL(%q) = %v, want %q", c.url, err, c.reason)
		case err != nil && strings.Contains(err.Error(), "pw"):
			t.Errorf("CheckURL(%q) echoes the password: %v", c.url, err)
		}
	}
}

// A loopback server is refused without the allow list and reached with it.
func TestClientLoopback(t *testing.T) {
	srv := tlsServer(t, nil)
	_, err := trust(mustPolicy(t, ""), srv).Client(5 * time.Second).Get(srv.URL)
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("loopback reached without the allow list: %v", err)
	}
	resp, err := trust(mustPolicy(t, "127.0.0.1"), srv).Client(5 * time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed loopback: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" {
		t.Fatalf("body %q", b)
	}
	// Plain HTTP too, once listed.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "plain") }))
	defer plain.Close()
	if _, err := mustPolicy(t, "").Client(5 * time.Second).Get(plain.URL); !errors.Is(err, ErrForbidden) {
		t.Fatalf("plain loopback reached: %v", err)
	}
	resp, err = mustPolicy(t, "127.0.0.0/8").Client(5 * time.Second).Get(plain.URL)
	if err != nil {
		t.Fatalf("allowed plain loopback: %v", err)
	}
	resp.Body.Close()
}

// A name that resolves to a loopback address is refused when dialled,
// though CheckURL could not know: the real "localhost", and a public-looking
// name whose DNS answer (as in a rebinding attack) is 127.0.0.1.
func TestClientNameResolvingInside(t *testing.T) {
	srv := tlsServer(t, nil)
	u, _ := url.Parse(srv.URL)
	port := u.Port()

	_, err := trust(mustPolicy(t, ""), srv).Client(5 * time.Second).Get("https://localhost:" + port + "/")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("localhost reached: %v", err)
	}

	rebind := func(p *Policy, answers ...string) *Policy {
		p.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			var out []netip.Addr
			for _, a := range answers {
				out = append(out, netip.MustParseAddr(a))
			}
			return out, nil
		}
		return p
	}
	p := rebind(trust(mustPolicy(t, ""), srv), "127.0.0.1")
	if err := p.CheckURL("https://brand.example:" + port + "/"); err != nil {
		t.Fatalf("static check refused a public name: %v", err)
	}
	_, err = p.Client(5 * time.Second).Get("https://brand.example:" + port + "/")
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "brand.example resolves to a refused address") {
		t.Fatalf("a name resolving to loopback was dialled: %v", err)
	}
	// A mixed answer is refused as a whole.
	_, err = rebind(trust(mustPolicy(t, ""), srv), "93.184.215.14", "127.0.0.1").Client(5 * time.Second).Get("https://brand.example:" + port + "/")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("a mixed answer was dialled: %v", err)
	}
	// IPv4-mapped IPv6 is the same loopback.
	_, err = rebind(trust(mustPolicy(t, ""), srv), "::ffff:127.0.0.1").Client(5 * time.Second).Get("https://brand.example:" + port + "/")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("a mapped loopback was dialled: %v", err)
	}
	// Listed by range, the resolved address passes (the certificate names
	// example.com, which the test server's certificate covers).
	resp, err := rebind(trust(mustPolicy(t, "127.0.0.0/8"), srv), "127.0.0.1").Client(5 * time.Second).Get("https://example.com:" + port + "/")
	if err != nil {
		t.Fatalf("allowed range: %v", err)
	}
	resp.Body.Close()
}

// Redirects: to another host refused (even an allowed one), to the same
// host followed.
func TestClientRedirects(t *testing.T) {
	other := tlsServer(t, nil)
	srv := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			// Same address, another host name: still another host.
			u, _ := url.Parse(other.URL)
			http.Redirect(w, r, "https://localhost:"+u.Port()+"/", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			io.WriteString(w, "final")
		}
	})
	p := trust(mustPolicy(t, "127.0.0.1,localhost"), srv)
	c := p.Client(5 * time.Second)
	if _, err := c.Get(srv.URL + "/away"); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "another host") {
		t.Fatalf("redirect to another host followed: %v", err)
	}
	resp, err := c.Get(srv.URL + "/here")
	if err != nil {
		t.Fatalf("same-host redirect: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "final" {
		t.Fatalf("body %q", b)
	}
	if _, err := c.Get(srv.URL + "/loop"); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "redirects") {
		t.Fatalf("redirect loop: %v", err)
	}
}

// A slow server runs into the timeout.
func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := tlsServer(t, func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	start := time.Now()
	_, err := trust(mustPolicy(t, "127.0.0.1"), srv).Client(300 * time.Millisecond).Get(srv.URL)
	if err == nil {
		t.Fatal("a hanging server answered")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("not a timeout: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestLimitBody(t *testing.T) {
	b, err := LimitBody(strings.NewReader("12345"), 5)
	if err != nil || string(b) != "12345" {
		t.Fatalf("at the cap: %q %v", b, err)
	}
	if _, err := LimitBody(strings.NewReader("123456"), 5); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the cap: %v", err)
	}
	// Over HTTP, an oversized body from an endless server stops at the cap.
	srv := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat("x", 4096)
		for i := 0; i < 1024; i++ {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
	resp, err := trust(mustPolicy(t, "127.0.0.1"), srv).Client(5 * time.Second).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := LimitBody(resp.Body, 64<<10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized body: %v", err)
	}
}
