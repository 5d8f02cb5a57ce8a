package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestDeleteAppAndWorkspace: the dashboard deletes an app, and a
// workspace, only once its name is typed; a workspace admin reaches only
// its own apps and no workspace deletion; the sessions end at once.
func TestDeleteAppAndWorkspace(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) { deleteAppAndWorkspace(t, startOn(t, backend)) })
	}
}

func deleteAppAndWorkspace(t *testing.T, e *env) {
	ws, other := e.workspace("Acme"), e.workspace("Other brand")
	doomed := e.app(ws, map[string]any{"name": "Old web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	kept := e.app(ws, map[string]any{"name": "Acme iOS", "platform": "ios", "profile": "signet", "enforcement": "monitor"})
	otherApp := e.app(other, map[string]any{"name": "Theirs", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	e.account(ws, "maya@acme.test", "admin")
	e.account(ws, "sam@acme.test", "agent")
	user := e.must(200, e.Login(t, doomed, map[string]any{"user_id": "u-1"})).Str("session_token")
	stays := e.must(200, e.Login(t, kept, map[string]any{"user_id": "u-1"})).Str("session_token")

	agent := e.browser()
	agent.signIn("sam@acme.test")
	if p := agent.get("/dashboard/w/" + ws + "/apps/" + doomed + "/delete"); p.Status != 403 {
		t.Errorf("an agent opens the app's deletion: %d", p.Status)
	}

	b := e.browser()
	b.signIn("maya@acme.test")
	for _, path := range []string{"/dashboard/w/" + other + "/apps/" + otherApp + "/delete", "/dashboard/w/" + ws + "/apps/" + otherApp + "/delete"} {
		if p := b.get(path); p.Status != 404 {
			t.Errorf("GET %s as another workspace's admin: %d", path, p.Status)
		}
	}
	b.get("/dashboard/w/" + ws + "/apps")
	if p := b.post("/dashboard/w/"+ws+"/apps/"+otherApp+"/delete", url.Values{"confirm": {"Theirs"}}); p.Status != 404 {
		t.Errorf("deleting another workspace's app: %d", p.Status)
	}
	e.must(200, e.api("GET", "/api/admin/apps/"+otherApp, adminToken, nil))

	p := b.get("/dashboard/w/" + ws + "/apps/" + doomed)
	if !p.has(`href="/dashboard/w/` + ws + `/apps/` + doomed + `/delete"`) {
		t.Errorf("the app page has no way to delete it")
	}
	p = b.get("/dashboard/w/" + ws + "/apps/" + doomed + "/delete")
	if p.Status != 200 || !p.has(`id="delete-confirm"`) || !p.has("Old web") {
		t.Fatalf("the confirmation page: %d %s", p.Status, excerpt(p.Body))
	}
	p = b.post("/dashboard/w/"+ws+"/apps/"+doomed+"/delete", url.Values{"confirm": {"old web"}})
	if p.Status != 400 || !p.has("nothing was deleted") || !p.has(`value="old web"`) {
		t.Errorf("a wrong name: %d %s", p.Status, excerpt(p.Body))
	}
	e.must(200, e.api("GET", "/api/admin/apps/"+doomed, adminToken, nil))
	e.must(200, e.api("GET", "/v1/me", user, nil))

	p = b.post("/dashboard/w/"+ws+"/apps/"+doomed+"/delete", url.Values{"confirm": {"Old web"}})
	if p.Status != 200 || p.URL != "/dashboard/w/"+ws+"/apps?ok=appdeleted" || !p.has("App deleted") || p.has("Old web") {
		t.Errorf("after the deletion: %d at %s: %s", p.Status, p.URL, excerpt(p.Body))
	}
	e.must(404, e.api("GET", "/api/admin/apps/"+doomed, adminToken, nil))
	e.must(401, e.api("GET", "/v1/me", user, nil))
	e.must(200, e.api("GET", "/v1/me", stays, nil))
	if p := b.get("/dashboard/w/" + ws + "/audit"); !p.has("app.delete") {
		t.Errorf("the audit log lacks the deletion: %s", excerpt(p.Body))
	}

	// A workspace: its admin may not; the owner types its name.
	if p := b.get("/dashboard/w/" + ws + "/delete"); p.Status != 403 {
		t.Errorf("an admin opens the workspace's deletion: %d", p.Status)
	}
	b.get("/dashboard/w/" + ws + "/apps")
	if p := b.post("/dashboard/w/"+ws+"/delete", url.Values{"confirm": {"Acme"}}); p.Status != 403 {
		t.Errorf("an admin deletes the workspace: %d", p.Status)
	}
	o := e.owner()
	if p := o.get("/dashboard/w/" + ws + "/apps"); !p.has(`href="/dashboard/w/` + ws + `/delete"`) {
		t.Errorf("the owner's workspace page has no way to delete it")
	}
	o.get("/dashboard/w/" + ws + "/delete")
	if p := o.post("/dashboard/w/"+ws+"/delete", url.Values{"confirm": {"Acme "}}); p.Status != 400 {
		t.Errorf("a wrong workspace name: %d", p.Status)
	}
	p = o.post("/dashboard/w/"+ws+"/delete", url.Values{"confirm": {"Acme"}})
	if p.Status != 200 || p.URL != "/dashboard/workspaces?ok=wsdeleted" || strings.Contains(p.Body, `data-id="`+ws+`"`) || !p.has("Other brand") {
		t.Errorf("after deleting the workspace: %d at %s: %s", p.Status, p.URL, excerpt(p.Body))
	}
	e.must(401, e.api("GET", "/v1/me", stays, nil))
	if p := b.get("/dashboard/w/" + ws + "/apps"); !strings.HasPrefix(p.URL, "/dashboard/signin") {
		t.Errorf("the deleted workspace's admin is still signed in: %d at %s", p.Status, p.URL)
	}
	if p := o.get("/dashboard/audit"); !p.has("workspace.delete") {
		t.Errorf("the instance audit log lacks the deletion: %s", excerpt(p.Body))
	}
	e.must(200, e.api("GET", "/api/admin/apps/"+otherApp, adminToken, nil))
}

// TestConflictsPage: the workspace's identity conflicts, each with its
// holder and presenter and what an admin can do; ending the presenter's
// sessions works from the page; another workspace's admin sees nothing.
func TestConflictsPage(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) { conflictsPage(t, startOn(t, backend)) })
	}
}

func conflictsPage(t *testing.T, e *env) {
	ws, other := e.workspace("Acme"), e.workspace("Other brand")
	app := e.app(ws, map[string]any{"name": "Acme web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	quiet := e.app(ws, map[string]any{"name": "Acme iOS", "platform": "ios", "profile": "signet", "enforcement": "monitor"})
	kid, secret := e.key(app)
	e.account(ws, "maya@acme.test", "admin")
	e.account(other, "eve@other.test", "admin")
	signer := sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: kid, AppID: app, Now: e.Clock.Now}
	login := func(uid string) string {
		tok, err := signer.Token(sign.Claims{UserID: uid, Email: "shared@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		return e.must(200, e.Login(t, app, map[string]any{"identity_token": tok})).Str("session_token")
	}
	login("ada")
	bob := login("bob")
	c := e.must(200, e.api("GET", "/api/admin/workspaces/"+ws+"/conflicts", adminToken, nil))
	list, _ := c.Body["conflicts"].([]any)
	if len(list) != 1 {
		t.Fatalf("conflicts: %s", c.Raw)
	}
	conflict := list[0].(map[string]any)
	holder, claimant := conflict["holder_id"].(string), conflict["claimant_id"].(string)

	eve := e.browser()
	eve.signIn("eve@other.test")
	if p := eve.get("/dashboard/w/" + ws + "/conflicts"); p.Status != 404 {
		t.Errorf("another workspace's admin reads the conflicts: %d", p.Status)
	}
	eve.get("/dashboard/w/" + other + "/conflicts")
	if p := eve.post("/dashboard/w/"+other+"/conflicts/end-sessions", url.Values{"user": {claimant}}); p.Status != 404 {
		t.Errorf("another workspace's admin ends a user's sessions: %d", p.Status)
	}
	e.must(200, e.api("GET", "/v1/me", bob, nil))

	b := e.browser()
	b.signIn("maya@acme.test")
	if p := b.get("/dashboard/w/" + ws + "/apps"); !p.has(`href="/dashboard/w/` + ws + `/conflicts"`) {
		t.Errorf("the workspace's apps page does not link the conflicts")
	}
	if p := b.get("/dashboard/w/" + ws + "/apps/" + app); !p.has(`href="/dashboard/w/` + ws + `/conflicts?app=` + app + `"`) {
		t.Errorf("the app page does not link its conflicts")
	}
	p := b.get("/dashboard/w/" + ws + "/conflicts?app=" + app)
	row := strings.SplitN(p.Body, `data-testid="conflict-row"`, 2)
	if p.Status != 200 || len(row) != 2 {
		t.Fatalf("the conflicts page: %d %s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{`data-holder="` + holder + `"`, `data-claimant="` + claimant + `"`, `<bdi class="conflict-value" data-testid="conflict-value">shared@example.com</bdi>`,
		"kept as a claim", "End the presenter", "Rotate the key"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the conflicts page lacks %q", want)
		}
	}
	if !p.has("What you can do") {
		t.Errorf("the conflicts page does not say what an admin can do")
	}
	if p := b.get("/dashboard/w/" + ws + "/conflicts?app=" + quiet); p.has(`data-testid="conflict-row"`) {
		t.Errorf("another app's filter lists the conflict")
	}
	b.get("/dashboard/w/" + ws + "/conflicts?app=" + app)
	p = b.post("/dashboard/w/"+ws+"/conflicts/end-sessions", url.Values{"user": {claimant}, "app": {app}})
	if p.Status != 200 || p.URL != "/dashboard/w/"+ws+"/conflicts?ok=ended&app="+app || !p.has("Sessions ended") {
		t.Errorf("ending the presenter's sessions: %d at %s", p.Status, p.URL)
	}
	e.must(401, e.api("GET", "/v1/me", bob, nil))
}
