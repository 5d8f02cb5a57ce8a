package web_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/testserver"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestLogShowsClaimedIdentity: a failed login's row of the verification
// log names the identity the request claimed, labelled unverified, escaped
// and isolated (bdi); a value with an invisible formatting character shows
// the marker instead, and an overlong one is cut. The API answers the same
// fields.
func TestLogShowsClaimedIdentity(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) { logShowsClaimedIdentity(t, startOn(t, backend)) })
	}
}

// startOn is start on the backend named ("sqlite" or "postgres"; the
// latter skips without SIGNET_TEST_POSTGRES).
func startOn(t *testing.T, backend string) *env {
	t.Helper()
	dir := t.TempDir()
	s := testserver.Start(t, testserver.Database(t, backend, dir), dir, testserver.NewClock())
	return &env{Server: s, t: t}
}

func logShowsClaimedIdentity(t *testing.T, e *env) {
	ws := e.workspace("Acme")
	app := e.app(ws, map[string]any{"name": "Web", "platform": "web", "profile": "intercom"})
	e.key(app)
	e.account(ws, "maya@acme.test", "admin")
	long := strings.Repeat("x", 300)
	for _, uid := range []string{`<b>mallory</b>`, long} {
		e.must(401, e.Login(t, app, map[string]any{"user_id": uid, "email": "m@example.com", "user_hash": strings.Repeat("0", 64)}))
	}
	// An invisible formatting character is never shown: in a field it is a
	// bad request, refused before verification (and not logged); inside an
	// unverified token it names no claimed identity (the marker, which
	// model.ClaimedValue puts in place of such a value, is its unit test's).
	e.must(400, e.Login(t, app, map[string]any{"user_id": "\u202eevil", "email": "m@example.com", "user_hash": strings.Repeat("0", 64)}))
	hub := e.app(ws, map[string]any{"name": "Hub", "platform": "web", "profile": "helpshift-userhub"})
	e.key(hub)
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	forged := seg(`{"alg":"HS256","typ":"JWT"}`) + "." + seg(`{"identities":[{"identifier":"uid","value":"\u202eevil"}],"iat":1767225600}`) +
		"." + seg(strings.Repeat("\x00", 32))
	e.must(401, e.Login(t, hub, map[string]any{"identity_token": forged}))
	b := e.browser()
	b.signIn("maya@acme.test")
	p := b.get("/dashboard/w/" + ws + "/log")
	for _, want := range []string{
		`<bdi class="claimed-value" data-testid="claimed-user-id">&lt;b&gt;mallory&lt;/b&gt;</bdi>`,
		`<bdi class="claimed-value" data-testid="claimed-email">m@example.com</bdi>`,
		strings.Repeat("x", model.MaxClaimed-len("…")) + "…</bdi>",
		"unverified claim",
	} {
		if !p.has(want) {
			t.Errorf("the log page lacks %q: %s", want, excerpt(p.Body))
		}
	}
	if p.has("<b>mallory") || p.has("\u202e") {
		t.Errorf("the claimed identity is shown raw")
	}
	l := b.fetch("GET", "/dashboard/api/admin/workspaces/"+ws+"/attempts", nil, "")
	claims := map[string]string{}
	if list, ok := l.Body["attempts"].([]any); ok {
		for _, a := range list {
			m, _ := a.(map[string]any)
			uid, _ := m["claimed_user_id"].(string)
			email, _ := m["claimed_email"].(string)
			claims[uid] = email
		}
	}
	if _, shown := claims["\u202eevil"]; l.Status != 200 || claims["<b>mallory</b>"] != "m@example.com" || shown || len(claims) != 3 {
		t.Errorf("GET attempts: %d %s", l.Status, l.Raw)
	}
}

// TestNameSignedStored: whether a user's name was signed is stored at
// login and answered by the admin API, on both databases: a name inside a
// signet token is signed; the same user's next login sending the name
// beside the token, unsigned, makes it unsigned.
func TestNameSignedStored(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := startOn(t, backend)
			ws := e.workspace("Acme")
			app := e.app(ws, map[string]any{"name": "Web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
			kid, secret := e.key(app)
			signer := sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: kid, AppID: app, Now: e.Clock.Now}
			named := func(body map[string]any, claims sign.Claims) (string, bool) {
				t.Helper()
				tok, err := signer.Token(claims)
				if err != nil {
					t.Fatal(err)
				}
				body["identity_token"] = tok
				user, _ := e.must(200, e.Login(t, app, body)).Body["user"].(map[string]any)
				id, _ := user["id"].(string)
				u := e.must(200, e.api("GET", "/api/admin/users/"+id, adminToken, nil))
				signed, ok := u.Body["name_signed"].(bool)
				if !ok {
					t.Fatalf("GET user: no name_signed: %s", u.Raw)
				}
				return u.Str("name"), signed
			}
			if name, signed := named(map[string]any{}, sign.Claims{UserID: "u-1", Name: "Jane"}); name != "Jane" || !signed {
				t.Errorf("a signed name: %q signed %v", name, signed)
			}
			if name, signed := named(map[string]any{"name": "Jane D."}, sign.Claims{UserID: "u-1"}); name != "Jane D." || signed {
				t.Errorf("a name sent beside the token: %q signed %v", name, signed)
			}
		})
	}
}
