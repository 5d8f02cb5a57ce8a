package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestInbox: an agent sees the workspace's conversations, who is behind
// each (verified identities, with app and key; claims marked as such),
// replies, resolves and reopens — through forms and through the proxy.
func TestInbox(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	app := e.app(ws, map[string]any{"name": "Acme Android", "platform": "android", "profile": "intercom", "enforcement": "enforce"})
	keyID, secret := e.key(app)
	e.account(ws, "agent@acme.test", "agent")
	// Intercom signs the user id; the email next to it is only a claim. A
	// look-alike value (Cyrillic а) is flagged.
	d, _ := sign.Signer{Profile: verify.Intercom, Secret: secret}.Digest(sign.Claims{UserID: "user-42"})
	sess := e.must(200, e.api("POST", "/v1/apps/"+app+"/login", "", map[string]any{"user_id": "user-42", "email": "j\u0430ne@example.com",
		"user_hash": d, "name": "Jane"})).Str("session_token")
	issue := e.must(201, e.api("POST", "/v1/issues", sess, map[string]any{"message": "Where is my <b>order</b>?"})).Str("id")

	agent := e.browser()
	inbox := "/dashboard/w/" + ws + "/inbox"
	p := agent.signIn("agent@acme.test")
	if !p.has(`data-issue-id="`+issue+`"`) || !p.has("Where is my &lt;b&gt;order&lt;/b&gt;?") {
		t.Fatalf("the inbox: %s", excerpt(p.Body))
	}
	p = agent.get(inbox + "?issue=" + issue)
	for _, want := range []string{
		`data-type="uid" data-verified="true"`, `data-type="email" data-verified="false"`, "✓ verified", "claimed",
		"key <code>" + keyID + "</code>", "Acme Android", `id="reply-form"`, `id="issue-resolve"`, "non-ASCII", `"j\u0430ne@example.com"`,
		`data-author="user"`, "verified session",
	} {
		if !p.has(want) && !p.has(strings.ReplaceAll(want, `"`, "&#34;")) {
			t.Errorf("the conversation lacks %s", want)
		}
	}
	// A reply through the form.
	p = agent.post(inbox+"/"+issue+"/reply", url.Values{"body": {"It ships tomorrow."}})
	if !p.has("Reply sent.") || !p.has(`data-author="agent"`) || !p.has("It ships tomorrow.") || !p.has("agent@acme.test</bdi> (you)") {
		t.Errorf("after a reply: %s", excerpt(p.Body))
	}
	msgs := e.must(200, e.api("GET", "/v1/issues/"+issue+"/messages", sess, nil)).Body["messages"].([]any)
	if len(msgs) != 2 || msgs[1].(map[string]any)["author"] != "agent" {
		t.Errorf("the user sees %v", msgs)
	}
	// A reply through the proxy, as the page's script sends it.
	if a := agent.fetch("POST", "/dashboard/api/agent/issues/"+issue+"/messages", map[string]any{"body": "Tracking: 1Z999"}, agent.csrf); a.Status != 201 {
		t.Errorf("proxy reply: %d %s", a.Status, a.Raw)
	}
	// The live fragments: the list and the conversation, without the page.
	frag := agent.get(inbox + "?issue=" + issue + "&fragment=thread")
	if frag.has("<html") || !frag.has(`id="thread"`) || !frag.has(`id="user-panel"`) || !frag.has("Tracking: 1Z999") {
		t.Errorf("thread fragment: %s", excerpt(frag.Body))
	}
	if frag := agent.get(inbox + "?fragment=list"); frag.has("<html") || !frag.has(`id="issue-list"`) {
		t.Errorf("list fragment: %s", excerpt(frag.Body))
	}
	// Resolve and reopen.
	p = agent.post(inbox+"/"+issue+"/resolve", nil)
	if !p.has("Issue resolved.") || !p.has(`id="issue-reopen"`) || p.has(`data-testid="issue-item"`) {
		t.Errorf("after resolving (open list): %s", excerpt(p.Body))
	}
	if p := agent.get(inbox + "?status=resolved"); !p.has(`data-issue-id="` + issue + `"`) {
		t.Error("the resolved list lacks the issue")
	}
	p = agent.post(inbox+"/"+issue+"/reopen", url.Values{"status": {"resolved"}})
	if !p.has("Issue reopened.") || !p.has(`id="issue-resolve"`) || !strings.Contains(p.URL, "status=resolved") {
		t.Errorf("after reopening: %s %s", p.URL, excerpt(p.Body))
	}
	// Someone else's issue, or junk, is not there.
	if p := agent.get(inbox + "?issue=iss_aaaaaaaaaaaaaaaa"); p.Status != 404 {
		t.Errorf("an unknown issue: %d", p.Status)
	}
}
