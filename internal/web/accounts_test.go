package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/server"
)

// TestHostCookies: over HTTPS the dashboard's cookies are named __Host-…
// (Secure, Path=/, no Domain: no subdomain or plain-HTTP page can set or
// shadow them); over plain HTTP, and with --insecure-cookies, the names
// stay as they were.
func TestHostCookies(t *testing.T) {
	for _, c := range []struct {
		name     string
		insecure bool
		headers  map[string]string
		prefix   string
	}{
		{"HTTPS at a proxy", false, map[string]string{"X-Forwarded-Proto": "https"}, "__Host-"},
		{"plain HTTP on loopback", false, nil, ""},
		{"--insecure-cookies", true, map[string]string{"X-Forwarded-Proto": "https"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := start(t, func(cfg *server.Config) { cfg.InsecureCookies = c.insecure })
			e.account(e.workspace("Acme"), "ana@example.com", "agent")
			send := func(method, path string, form url.Values, cookies ...*http.Cookie) *http.Response {
				t.Helper()
				var req *http.Request
				if form != nil {
					req, _ = http.NewRequest(method, e.URL+path, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				} else {
					req, _ = http.NewRequest(method, e.URL+path, nil)
				}
				for k, v := range c.headers {
					req.Header.Set(k, v)
				}
				for _, ck := range cookies {
					req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
				}
				resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { resp.Body.Close() })
				return resp
			}
			cookie := func(resp *http.Response, name string) *http.Cookie {
				for _, ck := range resp.Cookies() {
					if ck.Name == name && ck.Value != "" {
						return ck
					}
				}
				t.Fatalf("no cookie %s in %v", name, resp.Header.Values("Set-Cookie"))
				return nil
			}
			page := send("GET", "/dashboard/signin", nil)
			pre := cookie(page, c.prefix+"signet_dashboard_pre")
			if c.prefix != "" && (pre.Path != "/" || !pre.Secure || pre.Domain != "") {
				t.Errorf("a __Host- cookie must be Secure, on / and without Domain: %+v", pre)
			}
			raw := new(strings.Builder)
			buf := make([]byte, 64<<10)
			n, _ := page.Body.Read(buf)
			raw.Write(buf[:n])
			csrf := csrfField.FindStringSubmatch(raw.String())
			if csrf == nil {
				t.Fatal("no csrf field")
			}
			signin := send("POST", "/dashboard/signin", url.Values{"email": {"ana@example.com"}, "password": {testPassword}, "csrf": {csrf[1] + csrf[2]}}, pre)
			sess := cookie(signin, c.prefix+"signet_dashboard")
			e.Remember("dashboard session", sess.Value)
			if got := send("GET", "/dashboard/account", nil, sess); got.StatusCode != 200 {
				t.Errorf("the session cookie %s is not read back: %d", sess.Name, got.StatusCode)
			}
			if c.prefix != "" {
				// The unprefixed name, which a subdomain or an HTTP page could
				// set, is not read over HTTPS.
				plain := &http.Cookie{Name: "signet_dashboard", Value: sess.Value}
				if got := send("GET", "/dashboard/account", nil, plain); got.StatusCode != http.StatusSeeOther {
					t.Errorf("an unprefixed cookie over HTTPS: %d", got.StatusCode)
				}
			}
		})
	}
}
