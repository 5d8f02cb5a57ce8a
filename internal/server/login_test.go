package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// proof returns the login body a brand's app sends for profile p, signed
// with secret (under key id kid for signet tokens).
func proof(t testing.TB, clk *clock, p verify.Profile, app, kid, secret, uid, email string) map[string]any {
	t.Helper()
	s := sign.Signer{Profile: p, Secret: secret, KeyID: kid, AppID: app, Now: clk.Now}
	body := map[string]any{"app_version": "4.2.0", "device_id": "dev-1"}
	var c sign.Claims
	switch p {
	case verify.Akece, verify.Drift: // drift signs the user id (sub) only
		body["user_id"] = uid
		c.UserID = uid
	case verify.PylonHMAC, verify.PylonJWT, verify.FreshdeskWidget:
		body["email"] = email
		c.Email = email
	case verify.Kustomer: // the token signs both; the email takes precedence, so the client sends it alone
		body["email"] = email
		c.UserID, c.Email = uid, email
	default:
		body["user_id"], body["email"] = uid, email
		c.UserID, c.Email = uid, email
	}
	if p == verify.Intercom {
		c.Email = "" // intercom signs the user_id; the email rides along unsigned
	}
	out, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	if p.IsJWT() {
		body["identity_token"] = out
	} else {
		body["user_hash"] = out
	}
	return body
}

// otherSecret is a secret Signet does not know, of the form p needs.
func otherSecret(p verify.Profile) string {
	if p.HexSecret() {
		return strings.Repeat("5a", 32)
	}
	return "a-secret-nobody-gave-signet-0123456789"
}

// signedTypes are the identity types each profile's signature covers in proof.
var signedTypes = map[verify.Profile][]string{
	verify.HelpshiftLegacy: {"uid", "email"}, verify.Intercom: {"uid"}, verify.Akece: {"uid"},
	verify.PylonHMAC: {"email"}, verify.HelpshiftUserHub: {"uid", "email"}, verify.PylonJWT: {"email"}, verify.Signet: {"uid", "email"},
	verify.HelpScout: {"email"}, verify.Front: {"uid"}, verify.Plain: {"email"}, verify.Gleap: {"uid"},
	verify.Kustomer: {"email"}, verify.FreshdeskWidget: {"email"},
	verify.IntercomJWT: {"uid", "email"}, verify.ZendeskMessaging: {"uid", "email"}, verify.Drift: {"uid"},
}

type mode struct{ enforcement, onFailure string }

// TestLoginMatrix: every profile × every enforcement mode × (a valid proof,
// a forged one, no identity), over real HTTP, on both databases.
func TestLoginMatrix(t *testing.T) {
	modes := []mode{{"off", "reject"}, {"monitor", "reject"}, {"enforce", "reject"}, {"enforce", "anonymous"}}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			for _, p := range verify.Profiles() {
				for _, m := range modes {
					t.Run(fmt.Sprintf("%s/%s-%s", p, m.enforcement, m.onFailure), func(t *testing.T) {
						s.t = t
						app := s.app(ws, map[string]any{"profile": p, "enforcement": m.enforcement, "on_failure": m.onFailure})
						kid, secret := s.key(app)
						uid, email := "user-"+string(p)+"-"+m.enforcement+m.onFailure, "jane+"+string(p)+"-"+m.enforcement+m.onFailure+"@example.com"

						valid := s.login(app, proof(t, s.Clock, p, app, kid, secret, uid, email))
						s.must(200, valid)
						wantVerified := m.enforcement != "off"
						if valid.Body["verified"] != wantVerified || valid.Body["anonymous"] != false {
							t.Fatalf("valid proof: %s", valid.Raw)
						}
						if !strings.HasPrefix(valid.Str("session_token"), "sst_") || valid.Str("expires_at") == "" {
							t.Fatalf("no session: %s", valid.Raw)
						}
						checkIdentities(t, valid, p, wantVerified)
						me := s.must(200, s.do("GET", "/v1/me", valid.Str("session_token"), nil))
						if me.Body["verified"] != wantVerified {
							t.Errorf("/v1/me: %s", me.Raw)
						}

						forged := s.login(app, proof(t, s.Clock, p, app, kid, otherSecret(p), uid, email))
						switch {
						case m.enforcement == "enforce" && m.onFailure == "reject":
							if forged.Status != 401 || forged.Code() != "signature_mismatch" {
								t.Fatalf("forged on a reject app: %s", forged.Raw)
							}
							if strings.Contains(forged.Raw, "cause") || strings.Contains(forged.Raw, "unknown") {
								t.Errorf("the doctor's cause leaked to the end user: %s", forged.Raw)
							}
						case m.enforcement == "enforce":
							s.must(200, forged)
							if forged.Body["anonymous"] != true || forged.Body["verified"] != false {
								t.Fatalf("forged on an anonymous app: %s", forged.Raw)
							}
							if ids := forged.Body["user"].(map[string]any)["identities"].([]any); len(ids) != 0 {
								t.Errorf("an anonymous user holds identities: %s", forged.Raw)
							}
						default: // off, monitor: let in, never trusted
							s.must(200, forged)
							if forged.Body["verified"] != false || forged.Body["anonymous"] != false {
								t.Fatalf("forged in %s: %s", m.enforcement, forged.Raw)
							}
							fu := forged.Body["user"].(map[string]any)["id"]
							if fu == valid.Body["user"].(map[string]any)["id"] {
								t.Errorf("an unverified claim reached the verified user's account")
							}
						}

						none := s.must(200, s.login(app, map[string]any{"device_id": "dev-2"}))
						if none.Body["anonymous"] != true || none.Body["verified"] != false {
							t.Errorf("no identity: %s", none.Raw)
						}
					})
				}
			}
			s.t = t
			// The verification log holds every attempt, with reasons and causes.
			log := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/attempts?result=rejected&limit=500", adminToken, nil))
			rejected := log.Body["attempts"].([]any)
			if len(rejected) != len(verify.Profiles()) {
				t.Fatalf("%d rejected attempts, want %d", len(rejected), len(verify.Profiles()))
			}
			for _, a := range rejected {
				a := a.(map[string]any)
				if a["reason"] != "signature_mismatch" || a["cause"] != "unknown" || a["app_version"] != "4.2.0" || a["profile"] == "" {
					t.Errorf("attempt %v", a)
				}
			}
			all := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/attempts?limit=500", adminToken, nil))
			if n := len(all.Body["attempts"].([]any)); n != len(verify.Profiles())*4*3 {
				t.Errorf("%d attempts logged, want %d", n, len(verify.Profiles())*12)
			}
		})
	}
}

// checkIdentities: the signed identities are verified (when trusted), the
// others only claimed.
func checkIdentities(t *testing.T, a answer, p verify.Profile, trusted bool) {
	t.Helper()
	ids := a.Body["user"].(map[string]any)["identities"].([]any)
	if len(ids) == 0 {
		t.Fatalf("no identities: %s", a.Raw)
	}
	for _, id := range ids {
		id := id.(map[string]any)
		want := trusted && slices.Contains(signedTypes[p], id["type"].(string))
		if id["verified"] != want {
			t.Errorf("%s identity %v: verified=%v, want %v", p, id["value"], id["verified"], want)
		}
	}
}

// TestIdentityAcrossApps: a verified uid is one user on every app of a
// workspace, and another user in another workspace.
func TestIdentityAcrossApps(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			web := s.app(ws, map[string]any{"profile": "signet", "platform": "web"})
			ios := s.app(ws, map[string]any{"profile": "intercom", "platform": "ios"})
			webKid, webSecret := s.key(web)
			iosKid, iosSecret := s.key(ios)
			a := s.must(200, s.login(web, proof(t, s.Clock, verify.Signet, web, webKid, webSecret, "user-42", "jane@example.com")))
			b := s.must(200, s.login(ios, proof(t, s.Clock, verify.Intercom, ios, iosKid, iosSecret, "user-42", "jane@example.com")))
			ua, ub := a.Body["user"].(map[string]any)["id"], b.Body["user"].(map[string]any)["id"]
			if ua != ub {
				t.Errorf("user-42 on web is %v, on iOS %v", ua, ub)
			}
			other := s.workspace("Other brand")
			oapp := s.app(other, map[string]any{"profile": "signet"})
			okid, osecret := s.key(oapp)
			c := s.must(200, s.login(oapp, proof(t, s.Clock, verify.Signet, oapp, okid, osecret, "user-42", "jane@example.com")))
			if c.Body["user"].(map[string]any)["id"] == ua {
				t.Error("the same uid in another workspace is the same user")
			}
			// The admin's user panel: which app and key verified each identity.
			u := s.must(200, s.do("GET", fmt.Sprintf("/api/admin/users/%s", ua), adminToken, nil))
			for _, id := range u.Body["identities"].([]any) {
				id := id.(map[string]any)
				if id["type"] == "uid" && (id["verified"] != true || id["key_id"] == "" || id["verified_at"] == nil) {
					t.Errorf("uid identity %v", id)
				}
			}
		})
	}
}

// TestKeyRevocationEndsItsSessions: revoking a key ends the sessions it
// created, and nothing else; it stops verifying at once.
func TestKeyRevocationEndsItsSessions(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "helpshift-legacy"})
			other := s.app(ws, map[string]any{"profile": "helpshift-legacy", "platform": "ios"})
			oldKid, oldSecret := s.key(app)
			newKid, newSecret := s.key(app)
			otherKid, otherSecretText := s.key(other)
			byOld := s.must(200, s.login(app, proof(t, s.Clock, verify.HelpshiftLegacy, app, oldKid, oldSecret, "u1", "u1@example.com"))).Str("session_token")
			byOld2 := s.must(200, s.login(app, proof(t, s.Clock, verify.HelpshiftLegacy, app, oldKid, oldSecret, "u2", "u2@example.com"))).Str("session_token")
			byNew := s.must(200, s.login(app, proof(t, s.Clock, verify.HelpshiftLegacy, app, newKid, newSecret, "u1", "u1@example.com"))).Str("session_token")
			byOther := s.must(200, s.login(other, proof(t, s.Clock, verify.HelpshiftLegacy, other, otherKid, otherSecretText, "u3", "u3@example.com"))).Str("session_token")

			s.must(204, s.do("DELETE", "/api/admin/apps/"+app+"/keys/"+oldKid, adminToken, nil))
			for _, tok := range []string{byOld, byOld2} {
				if a := s.do("GET", "/v1/me", tok, nil); a.Status != 401 || a.Code() != "session_revoked" {
					t.Errorf("a session of the revoked key: %s", a.Raw)
				}
			}
			for _, tok := range []string{byNew, byOther} {
				s.must(200, s.do("GET", "/v1/me", tok, nil))
			}
			again := s.login(app, proof(t, s.Clock, verify.HelpshiftLegacy, app, oldKid, oldSecret, "u1", "u1@example.com"))
			if again.Status != 401 || again.Code() != "signature_mismatch" {
				t.Errorf("the revoked key still verifies: %s", again.Raw)
			}
			// The log says which key it was: the doctor recognises the revoked key.
			log := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/attempts?result=rejected", adminToken, nil))
			first := log.Body["attempts"].([]any)[0].(map[string]any)
			if first["cause"] != "other_key" || !strings.Contains(first["diagnosis"].(string), oldKid) {
				t.Errorf("attempt %v", first)
			}
			keys := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/keys", adminToken, nil)).Body["keys"].([]any)
			states := map[string]string{}
			for _, k := range keys {
				k := k.(map[string]any)
				states[k["id"].(string)] = k["state"].(string)
				if _, leaked := k["secret"]; leaked {
					t.Errorf("a key listing shows the secret")
				}
			}
			if states[oldKid] != "revoked" || states[newKid] != "active" {
				t.Errorf("states %v", states)
			}
		})
	}
}

// TestRetiredKeyGrace: a retired key verifies during its grace period only.
func TestRetiredKeyGrace(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "akece"})
	kid, secret := s.key(app)
	s.key(app)
	r := s.must(200, s.do("POST", "/api/admin/apps/"+app+"/keys/"+kid+"/retire", adminToken, map[string]any{"grace_seconds": 3600}))
	if r.Str("state") != "retiring" {
		t.Fatalf("retire: %s", r.Raw)
	}
	s.must(200, s.login(app, proof(t, s.Clock, verify.Akece, app, kid, secret, "u1", "")))
	s.Clock.Advance(time.Hour)
	if a := s.login(app, proof(t, s.Clock, verify.Akece, app, kid, secret, "u1", "")); a.Status != 401 {
		t.Errorf("a key past its grace period verifies: %s", a.Raw)
	}
}

// TestSessionExpiry: sessions last 30 days by the fake clock; expired and
// revoked are told apart; logout ends a session.
func TestSessionExpiry(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "pylon-hmac"})
			kid, secret := s.key(app)
			tok := s.must(200, s.login(app, proof(t, s.Clock, verify.PylonHMAC, app, kid, secret, "", "a@b.co"))).Str("session_token")
			s.Clock.Advance(30*24*time.Hour - time.Second)
			s.must(200, s.do("GET", "/v1/me", tok, nil))
			s.Clock.Advance(time.Second)
			if a := s.do("GET", "/v1/me", tok, nil); a.Status != 401 || a.Code() != "session_expired" {
				t.Errorf("after 30 days: %s", a.Raw)
			}
			tok2 := s.must(200, s.login(app, proof(t, s.Clock, verify.PylonHMAC, app, kid, secret, "", "a@b.co"))).Str("session_token")
			s.must(204, s.do("POST", "/v1/logout", tok2, nil))
			if a := s.do("GET", "/v1/me", tok2, nil); a.Status != 401 || a.Code() != "session_revoked" {
				t.Errorf("after logout: %s", a.Raw)
			}
			for _, bad := range []string{"", "sst_nope", "sst_" + strings.Repeat("A", 43), tok2 + "x"} {
				if a := s.do("GET", "/v1/me", bad, nil); a.Status != 401 || a.Code() != "unauthenticated" {
					t.Errorf("token %q: %s", bad, a.Raw)
				}
			}
		})
	}
}
