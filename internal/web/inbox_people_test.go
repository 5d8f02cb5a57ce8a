package web_test

import (
	"strings"
	"testing"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestInboxListShowsWho: each issue of the inbox list names its user and
// says whether Signet verified them; a name the app sent beside an HMAC
// digest, with no proof at all, or beside a signet token that signs no
// name is marked unsigned (what the login stored, not the app's profile);
// a name signed in a signet token is not.
func TestInboxListShowsWho(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	jwtApp := e.app(ws, map[string]any{"name": "Web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	hmacApp := e.app(ws, map[string]any{"name": "iOS", "platform": "ios", "profile": "intercom", "enforcement": "monitor"})
	kid, jwtSecret := e.key(jwtApp)
	_, hmacSecret := e.key(hmacApp)
	e.account(ws, "maya@acme.test", "admin")
	tok, _ := sign.Signer{Profile: verify.Signet, Secret: jwtSecret, KeyID: kid, AppID: jwtApp, Now: e.Clock.Now}.Token(sign.Claims{UserID: "u-1", Name: "Jane Signed"})
	hash, _ := sign.Signer{Profile: verify.Intercom, Secret: hmacSecret}.Digest(sign.Claims{UserID: "u-2"})
	// Verified by a signet token that signs no name: the name beside it is
	// the app's claim, whatever the profile could have signed.
	bare, _ := sign.Signer{Profile: verify.Signet, Secret: jwtSecret, KeyID: kid, AppID: jwtApp, Now: e.Clock.Now}.Token(sign.Claims{UserID: "u-4"})
	logins := []struct {
		app  string
		body map[string]any
	}{
		{jwtApp, map[string]any{"identity_token": tok}},
		{hmacApp, map[string]any{"user_id": "u-2", "user_hash": hash, "name": "Hank Claimed"}},
		{hmacApp, map[string]any{"user_id": "u-3", "name": "Mallory Nobody"}},
		{jwtApp, map[string]any{"identity_token": bare, "name": "Nina Sent"}},
	}
	for i, l := range logins {
		s := e.must(200, e.Login(t, l.app, l.body)).Str("session_token")
		e.must(201, e.api("POST", "/v1/issues", s, map[string]any{"message": "issue " + string(rune('A'+i))}))
	}
	b := e.browser()
	b.signIn("maya@acme.test")
	p := b.get("/dashboard/w/" + ws + "/inbox")
	rows := strings.Split(p.Body, `data-testid="issue-item"`)[1:]
	want := map[string]struct {
		verified, unsigned bool
	}{"Jane Signed": {true, false}, "Hank Claimed": {true, true}, "Mallory Nobody": {false, true}, "Nina Sent": {true, true}}
	if len(rows) != len(want) {
		t.Fatalf("%d issues listed: %s", len(rows), excerpt(p.Body))
	}
	for _, row := range rows {
		found := false
		for name, w := range want {
			if !strings.Contains(row, name) {
				continue
			}
			found = true
			if got := strings.Contains(row, `data-verified="true"`); got != w.verified {
				t.Errorf("%s: verified %v, want %v", name, got, w.verified)
			}
			if got := strings.Contains(row, "unsigned name"); got != w.unsigned {
				t.Errorf("%s: marked unsigned %v, want %v", name, got, w.unsigned)
			}
		}
		if !found {
			t.Errorf("an issue without its user's name: %.400s", row)
		}
	}
}
