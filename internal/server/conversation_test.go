package server_test

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// actor is someone who asks to see issues: an SDK session or an agent token.
type actor struct {
	name    string
	session string // SDK session token
	agent   string // agent API token
}

// TestWhoSeesWhat: the access table of the conversations, every cell
// asserted over real HTTP on both databases.
func TestWhoSeesWhat(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			web := s.app(ws, map[string]any{"profile": "signet", "platform": "web"})
			ios := s.app(ws, map[string]any{"profile": "intercom", "platform": "ios"})
			anonApp := s.app(ws, map[string]any{"profile": "signet", "on_failure": "anonymous"})
			monitorApp := s.app(ws, map[string]any{"profile": "helpshift-legacy", "enforcement": "monitor"})
			webKid, webSecret := s.key(web)
			iosKid, iosSecret := s.key(ios)
			anonKid, _ := s.key(anonApp)
			monKid, _ := s.key(monitorApp)
			other := s.workspace("Other brand")
			otherApp := s.app(other, map[string]any{"profile": "signet"})
			otherKid, otherSecret := s.key(otherApp)

			login := func(app string, body map[string]any, verified, anonymous bool) string {
				a := s.must(200, s.login(app, body))
				if a.Body["verified"] != verified || a.Body["anonymous"] != anonymous {
					t.Fatalf("login %v: %s", body, a.Raw)
				}
				return a.Str("session_token")
			}
			actors := []actor{
				{name: "alice on web", session: login(web, proof(t, s.Clock, verify.Signet, web, webKid, webSecret, "alice", "alice@example.com"), true, false)},
				{name: "alice on iOS", session: login(ios, proof(t, s.Clock, verify.Intercom, ios, iosKid, iosSecret, "alice", ""), true, false)},
				{name: "bob, verified", session: login(web, proof(t, s.Clock, verify.Signet, web, webKid, webSecret, "bob", "bob@example.com"), true, false)},
				{name: "alice forged, anonymous app", session: login(anonApp, proof(t, s.Clock, verify.Signet, anonApp, anonKid, "forged-secret-0123456789", "alice", ""), false, true)},
				{name: "alice claimed, monitor", session: login(monitorApp, proof(t, s.Clock, verify.HelpshiftLegacy, monitorApp, monKid, "forged-secret-0123456789", "alice", "alice@example.com"), false, false)},
				{name: "anonymous visitor 1", session: login(web, map[string]any{}, false, true)},
				{name: "anonymous visitor 2", session: login(web, map[string]any{}, false, true)},
				{name: "alice in another workspace", session: login(otherApp, proof(t, s.Clock, verify.Signet, otherApp, otherKid, otherSecret, "alice", "alice@example.com"), true, false)},
			}
			agentTok := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
			otherAgentTok := s.must(201, s.do("POST", "/api/admin/workspaces/"+other+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")

			// Each SDK actor opens one issue.
			issues := make([]string, len(actors))
			for i, a := range actors {
				r := s.must(201, s.do("POST", "/v1/issues", a.session, map[string]any{"message": "help from " + a.name}))
				issues[i] = r.Str("id")
			}
			// sees[a] lists the issues (by opener index) actor a sees.
			sees := map[string][]int{
				"alice on web":                {0, 1},
				"alice on iOS":                {0, 1},
				"bob, verified":               {2},
				"alice forged, anonymous app": {3},
				"alice claimed, monitor":      {4},
				"anonymous visitor 1":         {5},
				"anonymous visitor 2":         {6},
				"alice in another workspace":  {7},
				"agent":                       {0, 1, 2, 3, 4, 5, 6},
				"agent of another workspace":  {7},
			}
			actors = append(actors, actor{name: "agent", agent: agentTok}, actor{name: "agent of another workspace", agent: otherAgentTok})
			for _, a := range actors {
				for i, issue := range issues {
					want := slices.Contains(sees[a.name], i)
					t.Run(fmt.Sprintf("%s/issue of %s", a.name, actors[i].name), func(t *testing.T) {
						s.t = t
						var read, write answer
						if a.session != "" {
							read = s.do("GET", "/v1/issues/"+issue+"/messages", a.session, nil)
							write = s.do("POST", "/v1/issues/"+issue+"/messages", a.session, map[string]any{"body": "is anyone there?"})
						} else {
							read = s.do("GET", "/api/agent/issues/"+issue, a.agent, nil)
							write = s.do("POST", "/api/agent/issues/"+issue+"/messages", a.agent, map[string]any{"body": "hello from support"})
						}
						wantRead, wantWrite := 404, 404
						if want {
							wantRead, wantWrite = 200, 201
						}
						if read.Status != wantRead || write.Status != wantWrite {
							t.Errorf("read %d write %d, want %d %d (%s / %s)", read.Status, write.Status, wantRead, wantWrite, read.Raw, write.Raw)
						}
						if !want && (read.Code() != "not_found" || strings.Contains(read.Raw, "help from")) {
							t.Errorf("a refusal leaks: %s", read.Raw)
						}
					})
				}
				// The listing shows exactly the issues the actor may see.
				s.t = t
				var listed []string
				if a.session != "" {
					for _, i := range s.must(200, s.do("GET", "/v1/issues", a.session, nil)).Body["issues"].([]any) {
						listed = append(listed, i.(map[string]any)["id"].(string))
					}
				} else {
					wsOf := ws
					if a.name == "agent of another workspace" {
						wsOf = other
					}
					for _, i := range s.must(200, s.do("GET", "/api/agent/workspaces/"+wsOf+"/issues", a.agent, nil)).Body["issues"].([]any) {
						listed = append(listed, i.(map[string]any)["id"].(string))
					}
				}
				var want []string
				for _, i := range sees[a.name] {
					want = append(want, issues[i])
				}
				slices.Sort(listed)
				slices.Sort(want)
				if !slices.Equal(listed, want) {
					t.Errorf("%s lists %v, want %v", a.name, listed, want)
				}
			}
			// The agent of another workspace cannot list this one's issues.
			if a := s.do("GET", "/api/agent/workspaces/"+ws+"/issues", otherAgentTok, nil); a.Status != 404 {
				t.Errorf("cross-workspace listing: %s", a.Raw)
			}
			// Messages record whether their author's session was verified,
			// and the agent's user panel shows what was signed.
			detail := s.must(200, s.do("GET", "/api/agent/issues/"+issues[4], agentTok, nil))
			first := detail.Body["messages"].([]any)[0].(map[string]any)
			if first["verified"] != false || first["author"] != "user" {
				t.Errorf("the claimant's message: %v", first)
			}
			for _, id := range detail.Body["user"].(map[string]any)["identities"].([]any) {
				if id.(map[string]any)["verified"] != false {
					t.Errorf("a monitor-mode claim shows as verified: %v", id)
				}
			}
			detail = s.must(200, s.do("GET", "/api/agent/issues/"+issues[0], agentTok, nil))
			if m := detail.Body["messages"].([]any)[0].(map[string]any); m["verified"] != true {
				t.Errorf("alice's message: %v", m)
			}
			for _, id := range detail.Body["user"].(map[string]any)["identities"].([]any) {
				id := id.(map[string]any)
				if id["verified"] != true || id["app_name"] == "" || id["key_id"] == "" || id["verified_at"] == nil {
					t.Errorf("alice's identity in the panel: %v", id)
				}
			}
		})
	}
}

// TestHandOver: an anonymous visitor's issues move to the verified user who
// logs in on the same device, never the reverse.
func TestHandOver(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			web := s.app(ws, map[string]any{"profile": "signet"})
			kid, secret := s.key(web)
			anon := s.must(200, s.login(web, map[string]any{})).Str("session_token")
			issue := s.must(201, s.do("POST", "/v1/issues", anon, map[string]any{"message": "I was not logged in yet"})).Str("id")

			// An unverified login does not take the anonymous issues.
			forged := proof(t, s.Clock, verify.Signet, web, kid, "forged-secret-0123456789", "alice", "")
			forged["anonymous_session"] = anon
			if a := s.login(web, forged); a.Status != 401 {
				t.Fatalf("forged login: %s", a.Raw)
			}
			s.must(200, s.do("GET", "/v1/issues/"+issue+"/messages", anon, nil))

			body := proof(t, s.Clock, verify.Signet, web, kid, secret, "alice", "")
			body["anonymous_session"] = anon
			alice := s.must(200, s.login(web, body)).Str("session_token")
			s.must(200, s.do("GET", "/v1/issues/"+issue+"/messages", alice, nil))
			if a := s.do("GET", "/v1/issues", anon, nil); a.Code() != "session_revoked" {
				t.Errorf("the anonymous session lives on: %s", a.Raw)
			}
			// From another device, alice sees it too.
			other := s.must(200, s.login(web, proof(t, s.Clock, verify.Signet, web, kid, secret, "alice", ""))).Str("session_token")
			if n := len(s.must(200, s.do("GET", "/v1/issues", other, nil)).Body["issues"].([]any)); n != 1 {
				t.Errorf("alice sees %d issues on another device", n)
			}
			// Never the reverse: a verified session given as "anonymous" moves nothing.
			bobBody := proof(t, s.Clock, verify.Signet, web, kid, secret, "bob", "")
			bobBody["anonymous_session"] = other
			bob := s.must(200, s.login(web, bobBody)).Str("session_token")
			if n := len(s.must(200, s.do("GET", "/v1/issues", bob, nil)).Body["issues"].([]any)); n != 0 {
				t.Errorf("bob took alice's issues")
			}
			s.must(200, s.do("GET", "/v1/me", other, nil))
		})
	}
}

// TestIdentitiesOnlyFromSignatures: no endpoint lets a session change its
// identities; a newly signed login does, and it is logged.
func TestIdentitiesOnlyFromSignatures(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	web := s.app(ws, map[string]any{"profile": "signet"})
	kid, secret := s.key(web)
	tok := s.must(200, s.login(web, proof(t, s.Clock, verify.Signet, web, kid, secret, "alice", "alice@example.com"))).Str("session_token")
	for _, tt := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"PATCH", "/v1/me", map[string]any{"email": "mallory@example.com"}, 405},
		{"POST", "/v1/me", map[string]any{"email": "mallory@example.com"}, 405},
		{"PUT", "/v1/me", map[string]any{"email": "mallory@example.com"}, 405},
		{"POST", "/v1/issues", map[string]any{"message": "hi", "email": "mallory@example.com"}, 400},
		{"POST", "/v1/issues", map[string]any{"message": "hi", "user_id": "mallory"}, 400},
	} {
		if a := s.do(tt.method, tt.path, tok, tt.body); a.Status != tt.status {
			t.Errorf("%s %s: %s", tt.method, tt.path, a.Raw)
		}
	}
	issue := s.must(201, s.do("POST", "/v1/issues", tok, map[string]any{"message": "hi"})).Str("id")
	if a := s.do("POST", "/v1/issues/"+issue+"/messages", tok, map[string]any{"body": "x", "author": "agent"}); a.Code() != "unknown_field" {
		t.Errorf("a user wrote as an agent: %s", a.Raw)
	}
	me := s.must(200, s.do("GET", "/v1/me", tok, nil))
	if !strings.Contains(me.Raw, "alice@example.com") || strings.Contains(me.Raw, "mallory") {
		t.Errorf("identities changed: %s", me.Raw)
	}
	// A freshly signed token with a new email updates them, and the log says so.
	tok2 := s.must(200, s.login(web, proof(t, s.Clock, verify.Signet, web, kid, secret, "alice", "alice@new.example"))).Str("session_token")
	me = s.must(200, s.do("GET", "/v1/me", tok2, nil))
	if !strings.Contains(me.Raw, "alice@new.example") {
		t.Errorf("the signed change did not land: %s", me.Raw)
	}
	if !strings.Contains(s.logs.String(), "verified identities changed by a signed login") {
		t.Error("the change was not logged")
	}
}

// TestConversationBadInput: clear 4xx codes, limits, nothing half-written.
func TestConversationBadInput(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			web := s.app(ws, map[string]any{"profile": "signet"})
			tok := s.must(200, s.login(web, map[string]any{})).Str("session_token")
			issue := s.must(201, s.do("POST", "/v1/issues", tok, map[string]any{"message": "first"})).Str("id")
			for _, tt := range []struct {
				name, method, path string
				body               any
				status             int
				code               string
			}{
				{"empty message", "POST", "/v1/issues", map[string]any{"message": "  "}, 400, "invalid_request"},
				{"no message", "POST", "/v1/issues", map[string]any{}, 400, "invalid_request"},
				{"oversize message", "POST", "/v1/issues", map[string]any{"message": strings.Repeat("é", 6000)}, 400, "invalid_request"},
				{"control character", "POST", "/v1/issues/" + issue + "/messages", map[string]any{"body": "a\u0007b"}, 400, "invalid_request"},
				{"malformed JSON", "POST", "/v1/issues/" + issue + "/messages", `{"body":`, 400, "invalid_json"},
				{"unknown issue", "POST", "/v1/issues/iss_aaaaaaaaaaaaaaaa/messages", map[string]any{"body": "x"}, 404, "not_found"},
				{"junk issue id", "GET", "/v1/issues/../../admin/messages", nil, 404, "not_found"},
				{"no session", "GET", "/v1/issues", nil, 401, "unauthenticated"},
				{"bad cursor limit", "GET", "/v1/issues?limit=0", nil, 400, "invalid_request"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					s.t = t
					token := tok
					if tt.name == "no session" {
						token = ""
					}
					a := s.do(tt.method, tt.path, token, tt.body)
					if a.Status != tt.status || a.Code() != tt.code {
						t.Errorf("%d %q, want %d %q: %.200s", a.Status, a.Code(), tt.status, tt.code, a.Raw)
					}
				})
			}
			s.t = t
			if n := len(s.must(200, s.do("GET", "/v1/issues", tok, nil)).Body["issues"].([]any)); n != 1 {
				t.Errorf("refused requests left %d issues", n)
			}
			if n := len(s.must(200, s.do("GET", "/v1/issues/"+issue+"/messages", tok, nil)).Body["messages"].([]any)); n != 1 {
				t.Errorf("refused requests left %d messages", n)
			}
			// Five issues a minute per session, then 429 with Retry-After.
			for i := 0; i < 4; i++ {
				s.must(201, s.do("POST", "/v1/issues", tok, map[string]any{"message": fmt.Sprint("more ", i)}))
			}
			a := s.do("POST", "/v1/issues", tok, map[string]any{"message": "one too many"})
			if a.Status != 429 || a.Code() != "rate_limited" || a.Header.Get("Retry-After") == "" {
				t.Errorf("sixth issue in a minute: %d %v %s", a.Status, a.Header.Get("Retry-After"), a.Raw)
			}
			s.Clock.Advance(time.Minute)
			s.must(201, s.do("POST", "/v1/issues", tok, map[string]any{"message": "a minute later"}))
			// An expired session answers session_expired.
			s.Clock.Advance(31 * 24 * time.Hour)
			if a := s.do("GET", "/v1/issues", tok, nil); a.Code() != "session_expired" {
				t.Errorf("after expiry: %s", a.Raw)
			}
		})
	}
}

// events reads server-sent events from a stream into a channel.
func events(t *testing.T, url, token string) <-chan string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %v", resp.StatusCode, resp.Header)
	}
	t.Cleanup(func() { resp.Body.Close() })
	out := make(chan string, 16)
	ready := make(chan struct{})
	go func() {
		defer close(out)
		r := bufio.NewReader(resp.Body)
		var block strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\n" {
				if strings.HasPrefix(block.String(), ": connected") {
					close(ready)
				} else if !strings.HasPrefix(block.String(), ":") {
					out <- block.String()
				}
				block.Reset()
				continue
			}
			block.WriteString(line)
		}
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream never said it was connected")
	}
	return out
}

// await returns the next event that contains want.
func await(t *testing.T, c <-chan string, want string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-c:
			if !ok {
				t.Fatalf("the stream ended before %q arrived", want)
			}
			if strings.Contains(e, want) {
				return e
			}
		case <-deadline:
			t.Fatalf("%q did not arrive within 5 s", want)
		}
	}
}

// TestLiveUpdates: an agent's reply and a status change reach the user's
// stream; the user's message reaches the agents' stream; nobody else's.
func TestLiveUpdates(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	web := s.app(ws, map[string]any{"profile": "signet"})
	kid, secret := s.key(web)
	alice := s.must(200, s.login(web, proof(t, s.Clock, verify.Signet, web, kid, secret, "alice", ""))).Str("session_token")
	bob := s.must(200, s.login(web, proof(t, s.Clock, verify.Signet, web, kid, secret, "bob", ""))).Str("session_token")
	agent := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")

	aliceStream := events(t, s.URL+"/v1/events", alice)
	bobStream := events(t, s.URL+"/v1/events", bob)
	agentStream := events(t, s.URL+"/api/agent/workspaces/"+ws+"/events", agent)

	issue := s.must(201, s.do("POST", "/v1/issues", alice, map[string]any{"message": "my order never came"})).Str("id")
	await(t, agentStream, "my order never came")
	s.must(201, s.do("POST", "/api/agent/issues/"+issue+"/messages", agent, map[string]any{"body": "sorry, sending another"}))
	e := await(t, aliceStream, "sorry, sending another")
	if !strings.HasPrefix(e, "id: msg_") || !strings.Contains(e, "event: message") || !strings.Contains(e, `"author":"agent"`) {
		t.Errorf("event %q", e)
	}
	s.must(200, s.do("POST", "/api/agent/issues/"+issue+"/resolve", agent, nil))
	await(t, aliceStream, `"status":"resolved"`)
	await(t, agentStream, `"status":"resolved"`)
	select {
	case e := <-bobStream:
		t.Errorf("bob received alice's update: %q", e)
	default:
	}
}

// TestLiveUpdatesAcrossNodes: an agent's reply posted through one node
// reaches the user's stream on another node of the same PostgreSQL database.
func TestLiveUpdatesAcrossNodes(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	env := []string{"SIGNET_DATABASE=" + dsn, "SIGNET_MASTER_KEY=" + strings.Repeat("cd", 32), "SIGNET_DATA_DIR=" + t.TempDir()}
	a, b := serve(t, env...), serve(t, env...)
	ws := a.workspace("Acme")
	web := a.app(ws, map[string]any{"profile": "signet"})
	kid, secret := a.key(web)
	alice := b.must(200, b.login(web, proof(t, a.Clock, verify.Signet, web, kid, secret, "alice", ""))).Str("session_token")
	agent := a.must(201, a.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
	onB := events(t, b.URL+"/v1/events", alice)
	agentOnB := events(t, b.URL+"/api/agent/workspaces/"+ws+"/events", agent)

	issue := a.must(201, a.do("POST", "/v1/issues", alice, map[string]any{"message": "written through node A"})).Str("id")
	await(t, agentOnB, "written through node A")
	start := time.Now()
	a.must(201, a.do("POST", "/api/agent/issues/"+issue+"/messages", agent, map[string]any{"body": "reply through node A"}))
	await(t, onB, "reply through node A")
	t.Logf("an agent's reply on node A reached the user's stream on node B in %v", time.Since(start))
}
