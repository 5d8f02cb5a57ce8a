package server_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTokenExpiry: over real HTTP on both databases, an API token created
// with expires_in works until its expires_at and answers 401
// unauthenticated from then on; a dashboard session's token, taken from
// its cookie and sent to the raw API, is refused 12 hours after sign-in.
func TestTokenExpiry(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			tokens := "/api/admin/workspaces/" + ws + "/tokens"

			t.Run("expires_in", func(t *testing.T) {
				created := s.must(201, s.do("POST", tokens, adminToken, map[string]any{"role": "admin", "name": "ci", "expires_in": 120}))
				text := created.Str("token")
				want := s.Clock.Now().Add(2 * time.Minute).Format(time.RFC3339)
				if created.Str("expires_at") != want {
					t.Errorf("expires_at = %q, want %q", created.Str("expires_at"), want)
				}
				if expListed(s, tokens, created.Str("id"))["expires_at"] != want {
					t.Errorf("the listing does not show expires_at %s", want)
				}
				s.must(400, s.do("POST", tokens, adminToken, map[string]any{"role": "admin", "expires_in": 59}))
				s.must(400, s.do("POST", tokens, adminToken, map[string]any{"role": "admin", "expires_in": 367 * 86400}))

				s.must(200, s.do("GET", "/api/admin/workspaces/"+ws, text, nil))
				s.Clock.Advance(2*time.Minute - time.Millisecond)
				s.must(200, s.do("GET", "/api/admin/workspaces/"+ws, text, nil))
				s.Clock.Advance(time.Millisecond)
				for _, path := range []string{"/api/admin/workspaces/" + ws, tokens, "/api/agent/workspaces/" + ws + "/issues"} {
					if a := s.do("GET", path, text, nil); a.Status != 401 || a.Code() != "unauthenticated" {
						t.Errorf("GET %s with an expired token: %d %s, want 401 unauthenticated", path, a.Status, a.Code())
					}
				}
			})

			t.Run("dashboard session", func(t *testing.T) {
				const email, password = "maya@acme.test", "correct horse battery staple"
				s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
					map[string]any{"email": email, "password": password, "role": "admin"}))
				signedIn := s.Clock.Now()
				session := expSignIn(t, s, email, password)

				// The cookie's value is an API token: the API takes it, and
				// lists it with the session's end.
				a := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws, session, nil))
				if a.Str("id") != ws {
					t.Fatalf("the dashboard's token reads %s", a.Raw)
				}
				var listed map[string]any
				for _, v := range s.must(200, s.do("GET", tokens, adminToken, nil)).Body["tokens"].([]any) {
					if m := v.(map[string]any); m["name"] == "dashboard: "+email {
						listed = m
					}
				}
				if want := signedIn.Add(12 * time.Hour).Format(time.RFC3339); listed["expires_at"] != want {
					t.Errorf("dashboard session token listed as %v, want expires_at %s", listed, want)
				}

				s.Clock.Advance(12*time.Hour - time.Millisecond)
				s.must(200, s.do("GET", "/api/admin/workspaces/"+ws, session, nil))
				s.Clock.Advance(time.Millisecond)
				if a := s.do("GET", "/api/admin/workspaces/"+ws, session, nil); a.Status != 401 || a.Code() != "unauthenticated" {
					t.Errorf("the dashboard's token 12 hours on: %d %s, want 401 unauthenticated", a.Status, a.Code())
				}
				// The dashboard refuses it as well: back to sign-in.
				if status, loc := expDashboardGet(t, s, "/dashboard/w/"+ws+"/apps", session); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/signin") {
					t.Errorf("the dashboard 12 hours on: %d to %q, want 303 to sign-in", status, loc)
				}
			})
		})
	}
}

// expListed returns the token id as GET tokens lists it.
func expListed(s *testServer, tokens, id string) map[string]any {
	s.t.Helper()
	for _, v := range s.must(200, s.do("GET", tokens, adminToken, nil)).Body["tokens"].([]any) {
		if m := v.(map[string]any); m["id"] == id {
			return m
		}
	}
	s.t.Fatalf("token %s is not listed", id)
	return nil
}

var expCSRF = regexp.MustCompile(`name="csrf" (?:value|content)="([0-9a-f]{64})"`)

// expNoRedirect is a client that returns redirects as they are.
var expNoRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// expSignIn signs in to the dashboard as a browser would and returns the
// session cookie's value.
func expSignIn(t *testing.T, s *testServer, email, password string) string {
	t.Helper()
	resp, err := expNoRedirect.Get(s.URL + "/dashboard/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := expCSRF.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the sign-in page (%d)", resp.StatusCode)
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {string(m[1])}}
	req, _ := http.NewRequest("POST", s.URL+"/dashboard/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range resp.Cookies() {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err = expNoRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "signet_dashboard" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("sign-in answered %d without a session cookie", resp.StatusCode)
	return ""
}

// expDashboardGet requests a dashboard page with the session cookie.
func expDashboardGet(t *testing.T, s *testServer, path, session string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "signet_dashboard", Value: session})
	resp, err := expNoRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
