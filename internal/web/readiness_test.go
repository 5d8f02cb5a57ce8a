package web_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestReadinessEndpoint: GET /api/admin/apps/{app}/readiness counts, per
// UTC day, platform and app version, the logins whose identity was checked
// (verified, unverified after a failure, rejected) and how many verified;
// anonymous visitors and unchecked logins (enforcement off) are left out,
// and so are days outside the window.
func TestReadinessEndpoint(t *testing.T) {
	e := start(t, noGuard)
	ws := e.workspace("Acme")
	app := e.app(ws, map[string]any{"name": "iOS", "platform": "ios", "profile": "helpshift-legacy", "enforcement": "monitor"})
	_, secret := e.key(app)
	signer := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: secret}
	n := 0
	login := func(version string, proof string) {
		t.Helper()
		n++
		uid, email := fmt.Sprintf("user-%d", n), fmt.Sprintf("u%d@example.com", n)
		body := map[string]any{"user_id": uid, "email": email, "app_version": version}
		switch proof {
		case "good":
			body["user_hash"], _ = signer.Digest(sign.Claims{UserID: uid, Email: email})
		case "bad":
			body["user_hash"], _ = signer.Digest(sign.Claims{Email: email}) // a wrong message
		case "none":
		case "anonymous":
			body = map[string]any{"app_version": version}
		}
		e.api("POST", "/v1/apps/"+app+"/login", "", body)
	}
	day := func() string { return e.Clock.Now().Format("2006-01-02") }
	// Ten days ago: outside a 7-day window, inside a 30-day one.
	for i := 0; i < 5; i++ {
		login("1.0", "good")
	}
	old := day()
	e.Clock.Advance(9 * 24 * time.Hour)
	dayA := day()
	for _, l := range []struct{ v, p string }{{"1.0", "good"}, {"1.0", "good"}, {"1.0", "good"}, {"1.0", "bad"}, {"1.0", "none"},
		{"", "good"}, {"1.0", "anonymous"}, {"", "anonymous"}} {
		login(l.v, l.p)
	}
	e.Clock.Advance(24 * time.Hour)
	dayB := day()
	login("1.0", "good")
	login("1.0", "good")
	login("2.0", "bad")
	// Enforcement off: not checked, not counted. Enforce + reject: a
	// rejection is a checked failure.
	e.must(200, e.api("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"enforcement": "off"}))
	login("2.0", "none")
	e.must(200, e.api("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"enforcement": "enforce", "on_failure": "reject"}))
	login("2.0", "bad")
	e.must(200, e.api("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"enforcement": "monitor"}))

	type bucket struct {
		Day, Platform, Version string
		Total, Verified        int
	}
	read := func(days string) (map[string]any, []bucket) {
		t.Helper()
		a := e.must(200, e.api("GET", "/api/admin/apps/"+app+"/readiness?days="+days, adminToken, nil))
		var out []bucket
		for _, b := range a.Body["buckets"].([]any) {
			m := b.(map[string]any)
			out = append(out, bucket{m["day"].(string), m["platform"].(string), m["app_version"].(string), int(m["total"].(float64)), int(m["verified"].(float64))})
		}
		return a.Body, out
	}
	body, got := read("7")
	want := []bucket{
		{dayA, "ios", "", 1, 1},
		{dayA, "ios", "1.0", 5, 3},
		{dayB, "ios", "1.0", 2, 2},
		{dayB, "ios", "2.0", 2, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("7 days:\n got %v\nwant %v", got, want)
	}
	if body["days"] != 7.0 || body["truncated"] != false {
		t.Errorf("answer: %v", body)
	}
	if _, got := read("30"); len(got) != 5 || !reflect.DeepEqual(got[0], bucket{old, "ios", "1.0", 5, 5}) {
		t.Errorf("30 days: %v", got)
	}
	if _, got := read("1"); len(got) != 2 || got[0].Day != dayB {
		t.Errorf("1 day: %v", got)
	}
	// A day's edge: the window starts at 00:00 UTC, days-1 days ago.
	if _, got := read("2"); len(got) != 4 {
		t.Errorf("2 days: %v", got)
	}

	for _, bad := range []string{"0", "91", "x", "-1"} {
		if a := e.api("GET", "/api/admin/apps/"+app+"/readiness?days="+bad, adminToken, nil); a.Status != 400 || a.Code() != "invalid_request" {
			t.Errorf("days=%s: %d %s", bad, a.Status, a.Raw)
		}
	}
	agent := e.must(201, e.api("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
	if a := e.api("GET", "/api/admin/apps/"+app+"/readiness", agent, nil); a.Status != 403 {
		t.Errorf("an agent reads readiness: %d", a.Status)
	}
	other := e.workspace("Other")
	otherAdmin := e.must(201, e.api("POST", "/api/admin/workspaces/"+other+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
	if a := e.api("GET", "/api/admin/apps/"+app+"/readiness", otherAdmin, nil); a.Status != 404 {
		t.Errorf("another workspace's admin reads readiness: %d", a.Status)
	}

	// The dashboard shows it: yesterday's 4 of 6 and today's 2 of 4 → 6 of
	// 10 checked = 60.0%.
	e.account(ws, "admin@acme.test", "admin")
	b := e.browser()
	b.signIn("admin@acme.test")
	p := b.get("/dashboard/w/" + ws + "/apps/" + app)
	if !p.has(`<div class="stat-value" id="coverage-7">60.0%</div>`) || !p.has(`data-ready="false"`) {
		t.Errorf("the readiness card: %s", excerpt(p.Body[strings.Index(p.Body, `id="readiness"`):]))
	}
	for _, v := range []string{`data-version="1.0"`, `data-version="2.0"`, `data-version=""`} {
		if !p.has(v) {
			t.Errorf("the readiness table lacks %s", v)
		}
	}
	if p := b.get("/dashboard/w/" + ws + "/apps/" + app + "?days=30&rv=2.0"); !p.has(`id="readiness-all-versions"`) || !p.has("app version <strong>2.0</strong>") {
		t.Errorf("one version's chart: %s", excerpt(p.Body))
	}
}

// TestTestSetupEndpoint: POST /api/admin/apps/{app}/test checks a proof as
// a login would and gives the doctor's cause; it creates no session, writes
// nothing to the verification log and counts no failure.
func TestTestSetupEndpoint(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	app := e.app(ws, map[string]any{"name": "iOS", "platform": "ios", "profile": "helpshift-legacy", "enforcement": "enforce"})
	otherApp := e.app(ws, map[string]any{"name": "Android", "platform": "android", "profile": "helpshift-legacy", "enforcement": "enforce"})
	keyID, secret := e.key(app)
	_, otherSecret := e.key(otherApp)
	uid, email := "user-42", "jane@example.com"
	mine := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: secret}
	good, _ := mine.Digest(sign.Claims{UserID: uid, Email: email})
	emailOnly, _ := mine.Digest(sign.Claims{Email: email})
	otherKey, _ := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: otherSecret}.Digest(sign.Claims{UserID: uid, Email: email})
	raw, _ := base64.StdEncoding.DecodeString(good)
	hexDigest := hex.EncodeToString(raw)

	test := func(body map[string]any) answer {
		t.Helper()
		return e.must(200, e.api("POST", "/api/admin/apps/"+app+"/test", adminToken, body))
	}
	cases := []struct {
		name, hash, reason, cause string
	}{
		{"the email alone", emailOnly, "signature_mismatch", "wrong_message"},
		{"another app's key", otherKey, "signature_mismatch", "other_key"},
		{"hex instead of base64", hexDigest, "", "wrong_encoding"},
	}
	for _, c := range cases {
		a := test(map[string]any{"user_id": uid, "email": email, "user_hash": c.hash})
		if a.Body["valid"] != false || c.reason != "" && a.Str("reason") != c.reason || a.Str("cause") != c.cause || a.Str("diagnosis") == "" || a.Str("message") == "" {
			t.Errorf("%s: %s", c.name, a.Raw)
		}
		if strings.Contains(a.Raw, secret) || strings.Contains(a.Raw, otherSecret) {
			t.Errorf("%s: the answer holds a secret", c.name)
		}
	}
	a := test(map[string]any{"user_id": uid, "email": email, "user_hash": good})
	ids, _ := a.Body["identities"].([]any)
	if a.Body["valid"] != true || a.Str("key_id") != keyID || len(ids) != 2 || a.Str("reason") != "" {
		t.Errorf("a good digest: %s", a.Raw)
	}
	// Many failed tests count nothing: a real login of that identity is not
	// throttled, and the verification log holds only it.
	for i := 0; i < 15; i++ {
		test(map[string]any{"user_id": uid, "email": email, "user_hash": emailOnly})
	}
	if att := e.must(200, e.api("GET", "/api/admin/workspaces/"+ws+"/attempts", adminToken, nil)).Body["attempts"].([]any); len(att) != 0 {
		t.Errorf("tests wrote %d attempts", len(att))
	}
	if s := e.must(200, e.api("GET", "/api/admin/workspaces/"+ws+"/sessions", adminToken, nil)).Body["sessions"].([]any); len(s) != 0 {
		t.Errorf("tests made %d sessions", len(s))
	}
	if l := e.api("POST", "/v1/apps/"+app+"/login", "", map[string]any{"user_id": uid, "email": email, "user_hash": good}); l.Status != 200 {
		t.Errorf("a login after 15 failed tests: %d %s", l.Status, l.Raw)
	}
	if a := e.api("POST", "/api/admin/apps/"+app+"/test", adminToken, map[string]any{"user_hash": good, "secret": "x"}); a.Status != 400 || a.Code() != "unknown_field" {
		t.Errorf("an unknown field: %d %s", a.Status, a.Raw)
	}
	agent := e.must(201, e.api("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
	if a := e.api("POST", "/api/admin/apps/"+app+"/test", agent, map[string]any{"user_hash": good}); a.Status != 403 {
		t.Errorf("an agent tests: %d", a.Status)
	}

	// The dashboard's page shows the doctor.
	e.account(ws, "admin@acme.test", "admin")
	b := e.browser()
	b.signIn("admin@acme.test")
	path := "/dashboard/w/" + ws + "/apps/" + app + "/test"
	b.get(path)
	p := b.post(path, url.Values{"user_id": {uid}, "email": {email}, "user_hash": {emailOnly}})
	if !p.has(`id="test-verdict" data-valid="false"`) || !p.has(`<code id="test-cause">wrong_message</code>`) || !p.has(`id="test-diagnosis"`) {
		t.Errorf("the test page: %s", excerpt(p.Body))
	}
	p = b.post(path, url.Values{"user_id": {uid}, "email": {email}, "user_hash": {good}})
	if !p.has(`id="test-verdict" data-valid="true"`) || !p.has(`data-testid="test-identity"`) {
		t.Errorf("the test page, valid: %s", excerpt(p.Body))
	}
}
