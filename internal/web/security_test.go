package web_test

import (
	"bufio"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCSRF: every state-changing request needs the session's CSRF token —
// forms (field csrf) and the API proxy (header X-CSRF-Token) — and is
// refused with 403 without it, with a wrong one, or from another site.
func TestCSRF(t *testing.T) {
	e := start(t)
	owner := e.owner()
	p := owner.get("/dashboard/workspaces")
	good := owner.csrf
	if len(good) != 64 || !p.has(`<meta name="csrf" content="`+good+`">`) {
		t.Fatalf("no CSRF token in the page's form and meta: %q", good)
	}
	other := e.browser()
	other.get("/dashboard/signin")
	wrong := other.csrf // a real token, of another (pre-)session

	tests := []struct {
		name   string
		csrf   []string // nil: no field
		header map[string]string
		status int
	}{
		{"no token", nil, nil, 403},
		{"empty token", []string{""}, nil, 403},
		{"another session's token", []string{wrong}, nil, 403},
		{"a forged token", []string{strings.Repeat("0", 64)}, nil, 403},
		{"the right token from another site", []string{good}, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"the right token", []string{good}, nil, 200},
	}
	for _, tt := range tests {
		form := url.Values{"name": {"Acme " + tt.name}}
		if tt.csrf != nil {
			form["csrf"] = tt.csrf
		}
		req, _ := http.NewRequest("POST", e.URL+"/dashboard/workspaces", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tt.header {
			req.Header.Set(k, v)
		}
		got := owner.do(req)
		if got.Status != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, got.Status, tt.status)
		}
		if tt.status == 403 {
			checkHeaders(t, tt.name, got)
		}
	}
	// Only the right token made a workspace.
	list := e.must(200, e.api("GET", "/api/admin/workspaces", adminToken, nil)).Body["workspaces"].([]any)
	if len(list) != 1 {
		t.Errorf("%d workspaces, want 1", len(list))
	}

	// The API proxy: the header, not the field.
	body := map[string]any{"name": "Via proxy"}
	for _, tc := range []struct {
		csrf   string
		status int
	}{{"", 403}, {wrong, 403}, {good, 201}} {
		if a := owner.fetch("POST", "/dashboard/api/admin/workspaces", body, tc.csrf); a.Status != tc.status {
			t.Errorf("proxy POST with csrf %q: %d, want %d: %s", tc.csrf, a.Status, tc.status, a.Raw)
		}
	}
	// The sign-in form has its own token, from the pre-sign-in cookie.
	b := e.browser()
	b.get("/dashboard/signin")
	if p := b.post("/dashboard/signin", url.Values{"email": {"owner@example.com"}, "password": {testPassword}, "csrf": {""}}); p.Status != 403 {
		t.Errorf("sign-in without its CSRF token: %d", p.Status)
	}
	// Sign-out is a POST with the token too: a link cannot sign anyone out.
	if p := owner.post("/dashboard/signout", url.Values{"csrf": {wrong}}); p.Status != 403 {
		t.Errorf("sign-out with a wrong token: %d", p.Status)
	}
}

// TestSecurityHeaders: every dashboard answer, error pages and redirects
// included, carries the dashboard's CSP and framing headers — not the
// API's; the widget's script is embeddable anywhere.
func TestSecurityHeaders(t *testing.T) {
	e := start(t)
	owner := e.owner()
	for _, path := range []string{"/dashboard/signin", "/dashboard/workspaces", "/dashboard/no-such-page", "/dashboard/w/ws_aaaaaaaaaaaaaaaa/apps"} {
		p := owner.get(path)
		checkHeaders(t, path, p)
		if p.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, p.Header.Get("Cache-Control"))
		}
	}
	if p := owner.get("/dashboard/no-such-page"); p.Status != 404 || !p.has(`data-testid="error-page"`) {
		t.Errorf("an unknown page: %d", p.Status)
	}
	// The root redirects to the dashboard with the headers too.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/dashboard/" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("/: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Static files: the right types, cached when versioned.
	p := owner.get("/dashboard/workspaces")
	i := strings.Index(p.Body, "/dashboard/static/dashboard.css?v=")
	if i < 0 {
		t.Fatal("the page links no stylesheet")
	}
	css := owner.get(p.Body[i : i+len("/dashboard/static/dashboard.css?v=")+12])
	if css.Status != 200 || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") || !strings.Contains(css.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("dashboard.css: %d %q %q", css.Status, css.Header.Get("Content-Type"), css.Header.Get("Cache-Control"))
	}
	if js := owner.get("/dashboard/static/inbox.js"); js.Status != 200 || !strings.HasPrefix(js.Header.Get("Content-Type"), "application/javascript") {
		t.Errorf("inbox.js: %d %q", js.Status, js.Header.Get("Content-Type"))
	}
	if p := owner.get("/dashboard/static/../web.go"); p.Status == 200 && strings.Contains(p.Body, "package web") {
		t.Error("the static handler serves source files")
	}
	// The API keeps its own headers.
	resp, err = http.Get(e.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" {
		t.Errorf("the API's CSP: %q", resp.Header.Get("Content-Security-Policy"))
	}

	// The widget's script (when built in): JavaScript, short cache,
	// embeddable from any origin, no framing or CSP restrictions.
	resp, err = http.Get(e.URL + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 404 {
		t.Log("internal/web/static/widget.js is not built yet: only its absence is checked")
	} else {
		h := resp.Header
		if resp.StatusCode != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/javascript") ||
			h.Get("Cross-Origin-Resource-Policy") != "cross-origin" || !strings.HasPrefix(h.Get("Cache-Control"), "public, max-age=") {
			t.Errorf("/widget.js: %d %v", resp.StatusCode, h)
		}
	}
	for _, k := range []string{"Content-Security-Policy", "X-Frame-Options"} {
		if v := resp.Header.Get(k); v != "" {
			t.Errorf("/widget.js carries %s: %q", k, v)
		}
	}
}

// TestAgentSeesOnlyTheInbox: an agent's dashboard has the inbox only; key,
// settings, log, team and audit pages answer 403, and so do their actions;
// the API proxy forwards /api/admin/ and /api/agent/ only, with the API's
// own answer (403 for keys).
func TestAgentSeesOnlyTheInbox(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	other := e.workspace("Other")
	app := e.app(ws, map[string]any{"profile": "signet", "enforcement": "monitor"})
	key, _ := e.key(app)
	e.account(ws, "agent@acme.test", "agent")
	e.account(other, "admin@other.test", "admin")
	agent := e.browser()
	home := agent.signIn("agent@acme.test")
	for _, hidden := range []string{`id="nav-apps"`, `id="nav-log"`, `id="nav-team"`, `id="nav-audit"`, `id="nav-workspaces"`} {
		if home.has(hidden) {
			t.Errorf("an agent's navigation shows %s", hidden)
		}
	}
	if !home.has(`id="nav-inbox"`) {
		t.Error("an agent's navigation lacks the inbox")
	}
	base := "/dashboard/w/" + ws
	for _, path := range []string{base + "/apps", base + "/apps/" + app, base + "/apps/" + app + "/test", base + "/log", base + "/team", base + "/audit", "/dashboard/audit"} {
		if p := agent.get(path); p.Status != 403 || p.has(key) {
			t.Errorf("agent GET %s: %d", path, p.Status)
		}
	}
	agent.get(base + "/inbox")
	for _, path := range []string{base + "/apps/" + app + "/settings", base + "/apps/" + app + "/keys", base + "/apps/" + app + "/keys/" + key + "/revoke",
		base + "/team/accounts", base + "/apps/" + app + "/test", "/dashboard/workspaces"} {
		if p := agent.post(path, url.Values{"enforcement": {"off"}, "name": {"x"}, "email": {"x@acme.test"}, "password": {testPassword}, "role": {"admin"}}); p.Status != 403 {
			t.Errorf("agent POST %s: %d", path, p.Status)
		}
	}
	if a := e.must(200, e.api("GET", "/api/admin/apps/"+app, adminToken, nil)); a.Str("enforcement") != "monitor" {
		t.Error("an agent changed the app's settings")
	}
	// Another workspace is not there at all.
	if p := agent.get("/dashboard/w/" + other + "/inbox"); p.Status != 404 {
		t.Errorf("an agent opens another workspace's inbox: %d", p.Status)
	}
	admin := e.browser()
	admin.signIn("admin@other.test")
	if p := admin.get(base + "/apps/" + app); p.Status != 404 {
		t.Errorf("another workspace's admin opens the app: %d", p.Status)
	}
	if p := admin.get("/dashboard/w/" + other + "/apps/" + app); p.Status != 404 {
		t.Errorf("an app under another workspace's URL: %d", p.Status)
	}

	// The proxy: the API decides, with the agent's own token.
	csrf := agent.csrf
	if a := agent.fetch("GET", "/dashboard/api/admin/apps/"+app+"/keys", nil, ""); a.Status != 403 || a.Code() != "forbidden" {
		t.Errorf("agent keys through the proxy: %d %s", a.Status, a.Raw)
	}
	if a := agent.fetch("DELETE", "/dashboard/api/admin/apps/"+app+"/keys/"+key, nil, csrf); a.Status != 403 {
		t.Errorf("agent revokes a key through the proxy: %d", a.Status)
	}
	if a := agent.fetch("GET", "/dashboard/api/agent/workspaces/"+ws+"/issues", nil, ""); a.Status != 200 {
		t.Errorf("agent issues through the proxy: %d %s", a.Status, a.Raw)
	}
	for _, path := range []string{"/dashboard/api/v1/me", "/dashboard/api/healthz", "/dashboard/api/metrics", "/dashboard/api/openapi.json",
		"/dashboard/api/agent/../v1/me", "/dashboard/api/admin%2F..%2F..%2Fv1/me", "/dashboard/api/"} {
		a := agent.fetch("GET", path, nil, "")
		if a.Status != 404 && a.Status != 301 {
			t.Errorf("proxy %s: %d %s", path, a.Status, a.Raw)
		}
		if strings.Contains(a.Raw, "signet_logins_total") || strings.Contains(a.Raw, "openapi") && a.Status == 200 {
			t.Errorf("proxy %s reached a non-/api path", path)
		}
	}
	// Without a session the proxy answers 401 in JSON.
	if a := e.browser().fetch("GET", "/dashboard/api/agent/workspaces/"+ws+"/issues", nil, ""); a.Status != 401 || a.Code() != "unauthenticated" {
		t.Errorf("proxy without a session: %d %s", a.Status, a.Raw)
	}
}

// TestProxyStreams: the inbox's event stream goes through the proxy,
// flushed as events happen.
func TestProxyStreams(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	app := e.app(ws, map[string]any{"profile": "signet", "enforcement": "off"})
	e.account(ws, "agent@acme.test", "agent")
	agent := e.browser()
	agent.signIn("agent@acme.test")
	req, _ := http.NewRequest("GET", e.URL+"/dashboard/api/agent/workspaces/"+ws+"/events", nil)
	resp, err := agent.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	wait := func(prefix string) string {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("the stream ended before %q", prefix)
				}
				if strings.HasPrefix(l, prefix) {
					return l
				}
			case <-timeout:
				t.Fatalf("no %q within 5 s", prefix)
			}
		}
	}
	wait(": connected")
	sess := e.must(200, e.api("POST", "/v1/apps/"+app+"/login", "", map[string]any{"user_id": "u1"})).Str("session_token")
	issue := e.must(201, e.api("POST", "/v1/issues", sess, map[string]any{"message": "hello"})).Str("id")
	wait("event: issue")
	if data := wait("data: "); !strings.Contains(data, issue) {
		t.Errorf("the event names another issue: %s", data)
	}
}
