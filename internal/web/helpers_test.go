package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testserver"
)

const adminToken = testserver.AdminToken

type answer = testserver.Answer

// env is a running server (SQLite, fake clock) over real HTTP.
type env struct {
	*testserver.Server
	t *testing.T
}

func start(t *testing.T, configure ...func(*server.Config)) *env {
	t.Helper()
	dir := t.TempDir()
	s := testserver.Start(t, testserver.Database(t, "sqlite", dir), dir, testserver.NewClock(), configure...)
	return &env{Server: s, t: t}
}

// api calls the JSON API with a bearer token.
func (e *env) api(method, path, token string, body any) answer {
	e.t.Helper()
	return e.Do(e.t, method, path, token, body)
}

func (e *env) must(want int, a answer) answer {
	e.t.Helper()
	return testserver.Must(e.t, want, a)
}

func (e *env) workspace(name string) string { e.t.Helper(); return e.Workspace(e.t, name) }

func (e *env) app(ws string, settings map[string]any) string {
	e.t.Helper()
	return e.App(e.t, ws, settings)
}

func (e *env) key(app string) (string, string) { e.t.Helper(); return e.Key(e.t, app) }

// account creates a workspace account through the API.
func (e *env) account(ws, email, role string) {
	e.t.Helper()
	e.must(201, e.api("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": email, "password": testPassword, "role": role}))
}

const testPassword = "correct horse battery"

// browser is a person with a cookie jar.
type browser struct {
	t      *testing.T
	e      *env
	client *http.Client
	jar    *cookiejar.Jar
	// csrf is the CSRF token of the last page read.
	csrf string
}

// page is an HTML answer.
type page struct {
	Status int
	Header http.Header
	Body   string
	URL    string // after redirects
}

func (p page) has(s string) bool { return strings.Contains(p.Body, s) }

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, jar: jar, client: &http.Client{Jar: jar}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"|name="csrf" content="([0-9a-f]{64})"`)

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := page{Status: resp.StatusCode, Header: resp.Header, Body: string(raw), URL: resp.Request.URL.RequestURI()}
	if m := csrfField.FindStringSubmatch(p.Body); m != nil {
		b.csrf = m[1] + m[2]
	}
	b.e.Remember("dashboard session", b.cookie("signet_dashboard"))
	return p
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.URL+path, nil)
	return b.do(req)
}

// post sends a form with the CSRF token of the last page read (unless the
// form sets csrf itself).
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["csrf"]; !set {
		form.Set("csrf", b.csrf)
	}
	for _, field := range []string{"password", "password2", "token"} {
		b.e.Remember("form "+field, form.Get(field))
	}
	req, _ := http.NewRequest("POST", b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// fetch calls the dashboard's API proxy as the page's script does.
func (b *browser) fetch(method, path string, body any, csrf string) answer {
	b.t.Helper()
	var r io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, b.e.URL+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	a, err := b.e.Send(b.client, req)
	if err != nil {
		b.t.Fatal(err)
	}
	return a
}

// cookie returns the session cookie's value the jar holds.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.e.URL + "/dashboard/")
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// signIn signs in with email and the test password; it fails the test
// unless the dashboard lets them in.
func (b *browser) signIn(email string) page {
	b.t.Helper()
	b.get("/dashboard/signin")
	p := b.post("/dashboard/signin", url.Values{"email": {email}, "password": {testPassword}})
	if p.Status != 200 || strings.Contains(p.URL, "/signin") {
		b.t.Fatalf("sign-in of %s: %d at %s: %s", email, p.Status, p.URL, excerpt(p.Body))
	}
	return p
}

// owner sets the instance up through /dashboard/setup with
// SIGNET_ADMIN_TOKEN and returns the signed-in owner.
func (e *env) owner() *browser {
	e.t.Helper()
	b := e.browser()
	b.get("/dashboard/setup")
	p := b.post("/dashboard/setup", url.Values{"token": {adminToken}, "email": {"owner@example.com"},
		"password": {testPassword}, "password2": {testPassword}})
	if p.Status != 200 || !strings.HasPrefix(p.URL, "/dashboard/workspaces") {
		e.t.Fatalf("setup: %d at %s: %s", p.Status, p.URL, excerpt(p.Body))
	}
	return b
}

// excerpt is the readable part of a page for a failure message.
func excerpt(body string) string {
	if i := strings.Index(body, `<main class="content">`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}
