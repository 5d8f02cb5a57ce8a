package web_test

import (
	"html"
	"net/url"
	"testing"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestNoRetiringWarningRightAfterRotate: a key used a minute before Rotate
// is not "still signing"; a login with it after the rotation is.
func TestNoRetiringWarningRightAfterRotate(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	appID := e.app(ws, map[string]any{"name": "Web", "profile": "intercom", "enforcement": "enforce"})
	admin := e.browser()
	admin.signIn("admin@acme.test")
	app := "/dashboard/w/" + ws + "/apps/" + appID
	p := admin.post(app+"/keys", url.Values{"mode": {"generate"}, "nonce": {nonceOf(admin.get(app).Body)}})
	m := secretValue.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("generate: %d: %s", p.Status, excerpt(p.Body))
	}
	oldID := e.must(200, e.api("GET", "/api/admin/apps/"+appID+"/keys", adminToken, nil)).Body["keys"].([]any)[0].(map[string]any)["id"].(string)
	d, _ := sign.Signer{Profile: verify.Intercom, Secret: html.UnescapeString(m[1])}.Digest(sign.Claims{UserID: "user-1"})
	login := func() {
		if a := e.api("POST", "/v1/apps/"+appID+"/login", "", map[string]any{"user_id": "user-1", "user_hash": d}); a.Body["verified"] != true {
			t.Fatalf("login: %d %s", a.Status, a.Raw)
		}
	}
	login()
	e.Clock.Advance(time.Minute)
	p = admin.post(app+"/keys/"+oldID+"/rotate", url.Values{"grace_days": {"3"}, "nonce": {nonceOf(admin.get(app).Body)}})
	if p.Status != 201 || !p.has("is retiring") {
		t.Fatalf("rotate: %d: %s", p.Status, excerpt(p.Body))
	}
	if p.has(`data-testid="retiring-key-warning"`) || admin.get(app).has(`data-testid="retiring-key-warning"`) {
		t.Error("right after Rotate, a use from before it raises the warning")
	}
	e.Clock.Advance(time.Minute)
	login()
	if !admin.get(app).has(`data-testid="retiring-key-warning" data-key-id="` + oldID + `"`) {
		t.Error("no warning for a use after the rotation")
	}
}
