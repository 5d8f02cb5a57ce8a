package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestIssuePageNamesAndBidi: the issue page labels an unsigned name
// "unsigned" where it stands beside the verification badge (the thread's
// head and the user panel), not a signed one; names and message bodies are
// isolated for bidirectional text, so a right-to-left override in them
// cannot reorder the page around them.
func TestIssuePageNamesAndBidi(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	jwtApp := e.app(ws, map[string]any{"name": "Web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	hmacApp := e.app(ws, map[string]any{"name": "iOS", "platform": "ios", "profile": "intercom", "enforcement": "monitor"})
	kid, jwtSecret := e.key(jwtApp)
	_, hmacSecret := e.key(hmacApp)
	e.account(ws, "maya@acme.test", "admin")
	const rlo = "\u202e"
	tok, _ := sign.Signer{Profile: verify.Signet, Secret: jwtSecret, KeyID: kid, AppID: jwtApp, Now: e.Clock.Now}.Token(sign.Claims{UserID: "u-1", Name: "Jane Signed"})
	hash, _ := sign.Signer{Profile: verify.Intercom, Secret: hmacSecret}.Digest(sign.Claims{UserID: "u-2"})
	issue := func(app string, body map[string]any, message string) string {
		s := e.must(200, e.Login(t, app, body)).Str("session_token")
		return e.must(201, e.api("POST", "/v1/issues", s, map[string]any{"message": message})).Str("id")
	}
	signed := issue(jwtApp, map[string]any{"identity_token": tok}, "hello")
	claimed := issue(hmacApp, map[string]any{"user_id": "u-2", "user_hash": hash, "name": "Hank " + rlo + "deifirev"}, "pay "+rlo+"01$ now")

	b := e.browser()
	b.signIn("maya@acme.test")
	labelled := regexp.MustCompile(`<h2><bdi id="thread-user-name">[^<]*</bdi> <span class="badge badge-neutral" data-testid="unsigned-name"`)
	for _, c := range []struct {
		issue, name string
		unsigned    bool
	}{{signed, "Jane Signed", false}, {claimed, "Hank " + rlo + "deifirev", true}} {
		p := b.get("/dashboard/w/" + ws + "/inbox?issue=" + c.issue + "&status=all")
		if !strings.Contains(p.Body, `<bdi id="thread-user-name">`+c.name+`</bdi>`) || !strings.Contains(p.Body, `<bdi id="panel-user-name">`+c.name+`</bdi>`) {
			t.Errorf("%s: the name is not isolated in the thread and panel: %s", c.name, excerpt(p.Body))
		}
		if got := labelled.MatchString(p.Body); got != c.unsigned {
			t.Errorf("%s: labelled unsigned in the thread's head %v, want %v", c.name, got, c.unsigned)
		}
		_, shown, _ := strings.Cut(p.Body, `id="thread-wrap"`) // the issue shown: its thread and user panel
		if got, want := strings.Count(shown, `data-testid="unsigned-name"`), map[bool]int{true: 2, false: 0}[c.unsigned]; got != want {
			t.Errorf("%s: %d unsigned labels in the thread and panel, want %d", c.name, got, want)
		}
	}
	p := b.get("/dashboard/w/" + ws + "/inbox?issue=" + claimed + "&status=all")
	if !strings.Contains(p.Body, `<div class="bubble" dir="auto">pay `+rlo+`01$ now</div>`) {
		t.Errorf("the message body is not isolated: %s", excerpt(p.Body))
	}
	if !strings.Contains(p.Body, `<bdi class="issue-name">Hank `+rlo+`deifirev</bdi>`) || !strings.Contains(p.Body, `class="issue-preview" dir="auto"`) {
		t.Errorf("the list's name and preview are not isolated")
	}
}
