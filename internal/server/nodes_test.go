package server_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/internal/testenv"
	"github.com/signet-id/signet/internal/testserver"
	"github.com/signet-id/signet/verify"
)

// agreeWithin is how soon a change made through one node must be in force
// on the others (issue 10: caches invalidated through the events bus).
const agreeWithin = time.Second

// nodeHeader names, in every answer through the load balancer, the node
// that served it.
const nodeHeader = "X-Signet-Node"

// target is where a client reaches Signet: one node directly, or the load
// balancer in front of all three.
type target struct {
	name string
	*testServer
	// balanced: the load balancer, where a check holds only when it holds
	// on len(nodes) requests in a row, which round robin sends to every node.
	balanced bool
}

// haproxy is the path of Debian's HAProxy (in /usr/sbin, which a user's
// PATH may lack); the test skips, or fails under CI, without it.
func haproxy(t *testing.T) string {
	t.Helper()
	if bin, err := exec.LookPath("haproxy"); err == nil {
		return bin
	}
	if _, err := os.Stat("/usr/sbin/haproxy"); err != nil {
		testenv.Need(t, "HAProxy (apt-get install haproxy)")
	}
	return "/usr/sbin/haproxy"
}

// loadBalancer starts HAProxy (bin) on a free loopback port, round robin
// over the nodes, each answer naming its node in nodeHeader, and stops it
// when the test ends. It returns its URL.
func loadBalancer(t *testing.T, bin string, nodes []*process) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // HAProxy binds it next; nothing else on loopback asks for it meanwhile
	var cfg strings.Builder
	fmt.Fprintf(&cfg, `global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend signet
    bind %s
    default_backend nodes
backend nodes
    balance roundrobin
    # Server-sent events: pass each event on at once (no Nagle delay).
    option http-no-delay
    http-response set-header %s %%[srv_name]
`, addr, nodeHeader)
	for i, n := range nodes {
		fmt.Fprintf(&cfg, "    server node%d %s\n", i+1, strings.TrimPrefix(n.URL, "http://"))
	}
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// -db: in the foreground, so that the test holds the process it stops.
	cmd := exec.Command(bin, "-db", "-f", path)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 && resp.Header.Get(nodeHeader) != "" {
				return url
			}
		}
		select {
		case <-exited:
			t.Fatalf("haproxy exited:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy did not serve on %s within 10 s:\n%s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// agreement measures how long a change took to be in force everywhere.
type agreement struct {
	t       *testing.T
	targets []*target
	figures []string
}

// use makes t the test that the agreement and every target's helpers fail:
// a subtest's own.
func (g *agreement) use(t *testing.T) {
	g.t = t
	for _, n := range g.targets {
		n.t = t
	}
}

// agree polls check on every target, each on its own, until it holds
// there, and logs how long each took: from since (when the change was
// answered) to the start of the first check that held, an upper bound on
// when the change was in force there (a second agree on the same change
// counts the time the first one took). The origin, the node that made the
// change, must agree at its first check; every other target within
// agreeWithin, or the test fails.
func (g *agreement) agree(what string, since time.Time, origin *target, check func(*target) bool) {
	t := g.t
	t.Helper()
	holds := func(n *target) bool {
		times := 1
		if n.balanced {
			times = len(g.targets) - 1 // the nodes behind it, one request each
		}
		for range times {
			if !check(n) {
				return false
			}
		}
		return true
	}
	took := make([]time.Duration, len(g.targets))
	late := make([]bool, len(g.targets))
	var wg sync.WaitGroup
	for i, n := range g.targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				start := time.Now()
				if holds(n) {
					took[i] = start.Sub(since)
					return
				}
				if n == origin || start.Sub(since) > agreeWithin {
					late[i] = true
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	var parts []string
	for i, n := range g.targets {
		parts = append(parts, fmt.Sprintf("%s %v", n.name, took[i].Round(100*time.Microsecond)))
	}
	figure := fmt.Sprintf("%s (changed on %s): %s", what, origin.name, strings.Join(parts, ", "))
	g.figures = append(g.figures, figure)
	t.Log(figure)
	for i, n := range g.targets {
		switch {
		case late[i] && n == origin:
			t.Fatalf("%s: not in force at once on %s, the node that made the change", what, n.name)
		case late[i]:
			t.Fatalf("%s: not in force on %s within %v", what, n.name, agreeWithin)
		}
	}
}

// TestThreeNodesBehindLoadBalancer: three `signet serve` nodes on one
// PostgreSQL database behind HAProxy, round robin. What one node changes is
// in force on itself at once and on the others, directly and through the
// load balancer, within agreeWithin: a key created or revoked (with its
// sessions), an app moved from monitor to enforce, a user's sessions
// revoked, a logout, an app deleted (its sessions end); failed
// verifications are counted together; a reply
// posted on one node reaches a live stream on every other.
func TestThreeNodesBehindLoadBalancer(t *testing.T) {
	began := time.Now()
	const identityLimit = 5
	lbBinary := haproxy(t)
	dsn := storetest.PostgresURL(t)
	flags := []string{
		"--max-identity-failures", strconv.Itoa(identityLimit),
		// Every request reaches the nodes from the load balancer's address:
		// the per-address limit would count them all as one client.
		"--max-address-failures", "-1",
		// The limits subtests fail identities on purpose, and the probes
		// log in many times: the suspicious-activity signals would end
		// sessions that other subtests hold. (Probes use fresh identities,
		// so that their own failures never add up to a limit.)
		"--suspicious-failures", "-1", "--suspicious-devices", "-1",
	}
	var procs []*process
	for range 3 {
		env := []string{"SIGNET_DATABASE=" + dsn, "SIGNET_MASTER_KEY=" + strings.Repeat("ab", 32), "SIGNET_DATA_DIR=" + t.TempDir()}
		procs = append(procs, serveWith(t, flags, env...))
	}
	lbURL := loadBalancer(t, lbBinary, procs)
	lb := wrap(t, testserver.Attach(t, lbURL, procs[0].Clock, &syncBuffer{}, &syncBuffer{}))
	n1 := &target{name: "node1", testServer: procs[0].testServer}
	n2 := &target{name: "node2", testServer: procs[1].testServer}
	n3 := &target{name: "node3", testServer: procs[2].testServer}
	lbt := &target{name: "haproxy", testServer: lb, balanced: true}
	all := []*target{n1, n2, n3, lbt}
	g := &agreement{t: t, targets: all}
	clk := n1.Clock
	t.Logf("three nodes and haproxy up in %v", time.Since(began).Round(time.Millisecond))

	// The balancer spreads requests over all three nodes.
	seen := map[string]int{}
	for range 6 {
		seen[lb.do("GET", "/healthz", "", nil).Header.Get(nodeHeader)]++
	}
	if len(seen) != 3 || seen["node1"] != 2 || seen["node2"] != 2 || seen["node3"] != 2 {
		t.Fatalf("haproxy does not balance round robin: %v", seen)
	}

	ws := n1.workspace("Acme")
	app := n1.app(ws, map[string]any{"profile": "signet", "enforcement": "enforce", "on_failure": "reject"})
	keepKid, keepSecret := n1.key(app)
	var probes atomic.Int64
	// fresh is a new identity each call: a probe's failure never counts
	// against another's.
	fresh := func(prefix string) string { return fmt.Sprintf("%s-%d", prefix, probes.Add(1)) }

	t.Run("key revocation", func(t *testing.T) {
		g.use(t)
		// Every node reads the app and its keys first: a node that caches
		// them has them now, and must learn of the new key.
		for _, n := range all {
			n.must(200, n.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, fresh("warm"), "")))
		}
		kid, secret := n1.key(app)
		created := time.Now()
		g.agree("a key created verifies", created, n1, func(n *target) bool {
			a := n.login(app, proof(t, clk, verify.Signet, app, kid, secret, fresh("new-key"), ""))
			return a.Status == 200 && a.Body["verified"] == true
		})
		// Sessions created with the key on every node, and one with another
		// key of the app that must live on.
		var sessions []string
		for _, n := range all {
			a := n.must(200, n.login(app, proof(t, clk, verify.Signet, app, kid, secret, "holder-"+n.name, "")))
			sessions = append(sessions, a.Str("session_token"))
		}
		other := n2.must(200, n2.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, "holder-other-key", ""))).Str("session_token")

		n1.must(204, n1.do("DELETE", "/api/admin/apps/"+app+"/keys/"+kid, adminToken, nil))
		revoked := time.Now()
		g.agree("a key revoked refuses logins", revoked, n1, func(n *target) bool {
			a := n.login(app, proof(t, clk, verify.Signet, app, kid, secret, fresh("revoked-key"), ""))
			return a.Status == 401 && a.Code() == "key_revoked"
		})
		g.agree("a key revoked ends its sessions", revoked, n1, func(n *target) bool {
			for _, tok := range sessions {
				if a := n.do("GET", "/v1/me", tok, nil); a.Status != 401 || a.Code() != "session_revoked" {
					return false
				}
			}
			return true
		})
		for _, n := range all {
			n.must(200, n.do("GET", "/v1/me", other, nil))
			n.must(200, n.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, fresh("other-key"), "")))
		}
	})

	t.Run("enforcement change", func(t *testing.T) {
		g.use(t)
		mobile := n1.app(ws, map[string]any{"name": "mobile", "platform": "ios", "profile": "intercom", "enforcement": "monitor", "on_failure": "reject"})
		kid, _ := n1.key(mobile)
		forged := func(n *target) answer {
			return n.login(mobile, proof(t, clk, verify.Intercom, mobile, kid, "forged-secret-0123456789", fresh("forged"), ""))
		}
		unsigned := func(n *target) answer { return n.login(mobile, map[string]any{"user_id": fresh("unsigned")}) }
		// Under monitor every node lets both in, unverified.
		for _, n := range all {
			for _, a := range []answer{forged(n), unsigned(n)} {
				if a.Status != 200 || a.Body["verified"] != false {
					t.Fatalf("under monitor on %s: %s", n.name, a.Raw)
				}
			}
		}
		n2.must(200, n2.do("PATCH", "/api/admin/apps/"+mobile, adminToken, map[string]any{"enforcement": "enforce"}))
		changed := time.Now()
		g.agree("enforce refuses a bad signature", changed, n2, func(n *target) bool {
			a := forged(n)
			return a.Status == 401 && a.Code() == "signature_mismatch"
		})
		g.agree("enforce refuses an unsigned login", changed, n2, func(n *target) bool {
			a := unsigned(n) // a missing digest is malformed (README, Profiles)
			return a.Status == 401 && a.Code() == "malformed"
		})
	})

	t.Run("session revocation", func(t *testing.T) {
		g.use(t)
		var alice []string
		var aliceID string
		for _, n := range []*target{n1, n2, n3} {
			a := n.must(200, n.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, "alice", "")))
			alice = append(alice, a.Str("session_token"))
			aliceID = userOf(a)
		}
		bob := n1.must(200, n1.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, "bob", ""))).Str("session_token")
		carol := n3.must(200, n3.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, "carol", ""))).Str("session_token")
		for _, n := range all {
			for _, tok := range append([]string{bob, carol}, alice...) {
				n.must(200, n.do("GET", "/v1/me", tok, nil))
			}
		}
		n2.must(200, n2.do("POST", "/api/admin/users/"+aliceID+"/sessions/revoke", adminToken, nil))
		g.agree("a user's sessions revoked", time.Now(), n2, func(n *target) bool {
			for _, tok := range alice {
				if a := n.do("GET", "/v1/me", tok, nil); a.Status != 401 || a.Code() != "session_revoked" {
					return false
				}
			}
			return true
		})
		n1.must(204, n1.do("POST", "/v1/logout", carol, nil))
		g.agree("a logout", time.Now(), n1, func(n *target) bool {
			a := n.do("GET", "/v1/me", carol, nil)
			return a.Status == 401 && a.Code() == "session_revoked"
		})
		for _, n := range all {
			n.must(200, n.do("GET", "/v1/me", bob, nil))
		}
	})

	t.Run("app deletion", func(t *testing.T) {
		g.use(t)
		doomed := n1.app(ws, map[string]any{"name": "doomed", "platform": "web", "profile": "intercom", "enforcement": "off"})
		// A session on every node, each read on every node: a node that
		// caches sessions and apps has them now, and must learn they ended.
		var sessions []string
		for _, n := range []*target{n1, n2, n3} {
			sessions = append(sessions, n.must(200, n.login(doomed, map[string]any{"user_id": fresh("doomed")})).Str("session_token"))
		}
		for _, n := range all {
			for _, tok := range sessions {
				n.must(200, n.do("GET", "/v1/me", tok, nil))
			}
		}
		if a := n3.must(200, n3.do("DELETE", "/api/admin/apps/"+doomed+"?confirm=doomed", adminToken, nil)); a.Body["ended"] != 3.0 {
			t.Errorf("deleting the app ended %v sessions, want 3", a.Body["ended"])
		}
		deleted := time.Now()
		g.agree("an app deleted ends its sessions", deleted, n3, func(n *target) bool {
			for _, tok := range sessions {
				if a := n.do("GET", "/v1/me", tok, nil); a.Status != 401 {
					return false
				}
			}
			return true
		})
		g.agree("an app deleted refuses logins", deleted, n3, func(n *target) bool {
			a := n.login(doomed, map[string]any{"user_id": fresh("late")})
			return a.Status == 404 && a.Code() == "not_found"
		})
	})

	t.Run("limits", func(t *testing.T) {
		g.use(t)
		// The bound: failed verifications of one identity are counted
		// across the nodes. Today each node reads the shared count in
		// PostgreSQL, so one request after another gets exactly
		// identityLimit checks. A design that counts per node and shares
		// the counts later may give each node up to identityLimit, so the
		// bound asserted is: identityLimit ≤ checks ≤ 3 × identityLimit,
		// and once every node has refused the identity, every node (and
		// the load balancer) refuses it, even with a valid proof.
		forged := func(uid string) map[string]any {
			return proof(t, clk, verify.Signet, app, keepKid, "forged-secret-0123456789", uid, "")
		}
		// Every node first logs the victim in: a node that keeps "no
		// recent failures" in memory has it now.
		for _, n := range all {
			n.must(200, n.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, "victim", "")))
		}
		checked := map[string]int{}
		refused := map[string]bool{}
		total := 0
		var firstRefusal time.Time
		for i := 0; len(refused) < 3 && i < 3*identityLimit+6; i++ {
			a := lb.login(app, forged("victim"))
			node := a.Header.Get(nodeHeader)
			switch {
			case a.Status == 401 && a.Code() == "signature_mismatch":
				checked[node]++
				total++
			case a.Status == 429 && a.Code() == "rate_limited" && a.Header.Get("Retry-After") != "":
				if firstRefusal.IsZero() {
					firstRefusal = time.Now()
				}
				refused[node] = true
			default:
				t.Fatalf("failure %d through haproxy (%s): %d %s", i+1, node, a.Status, a.Raw)
			}
		}
		t.Logf("identity limit %d over 3 nodes: %d failures checked (%v) before every node refused", identityLimit, total, checked)
		if len(checked) != 3 {
			t.Errorf("the failures were not spread over the three nodes: %v", checked)
		}
		for node, n := range checked {
			if n > identityLimit {
				t.Errorf("%s alone checked %d failures for a limit of %d", node, n, identityLimit)
			}
		}
		if len(refused) != 3 {
			t.Fatalf("not every node refused the identity: %v", refused)
		}
		if total < identityLimit || total > 3*identityLimit {
			t.Fatalf("%d failures checked for a limit of %d over 3 nodes; the bound is %d..%d", total, identityLimit, identityLimit, 3*identityLimit)
		}
		g.agree("an identity past its limit is refused", firstRefusal, lbt, func(n *target) bool {
			a := n.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, "victim", ""))
			return a.Status == 429 && a.Code() == "rate_limited" && a.Header.Get("Retry-After") != ""
		})
	})

	t.Run("limits, concurrent burst", func(t *testing.T) {
		g.use(t)
		// A burst of 6 × identityLimit failures of one identity at once,
		// round robin over the three nodes. The bound is the same as
		// above: at most 3 × identityLimit checked. Today's limiter reads
		// the count, checks, and only then counts, so a burst slips past it
		// (measured here: up to all 30 checked for a limit of 5); it holds
		// once counting and checking are one step (issue 10, item 3).
		const burst = 6 * identityLimit
		uid := fresh("burst")
		var wg sync.WaitGroup
		var checked, refused atomic.Int64
		var wrong atomic.Value
		for range burst {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := lb.try("POST", "/v1/apps/"+app+"/login", "", proof(t, clk, verify.Signet, app, keepKid, "forged-secret-0123456789", uid, ""))
				switch {
				case err != nil:
					wrong.Store(err.Error())
				case a.Status == 401 && a.Code() == "signature_mismatch":
					checked.Add(1)
				case a.Status == 429 && a.Code() == "rate_limited":
					refused.Add(1)
				default:
					wrong.Store(fmt.Sprintf("%d %s", a.Status, a.Raw))
				}
			}()
		}
		wg.Wait()
		if w := wrong.Load(); w != nil {
			t.Fatalf("a login of the burst: %v", w)
		}
		t.Logf("a burst of %d failures over 3 nodes: %d checked, %d refused (limit %d, bound %d)", burst, checked.Load(), refused.Load(), identityLimit, 3*identityLimit)
		// The throttle package admits a check only while failures plus
		// checks in flight stay under the limit on each node: over three
		// nodes, at most three times the limit.
		if checked.Load() > 3*identityLimit {
			t.Errorf("%d failures checked in a burst, past the bound of %d", checked.Load(), 3*identityLimit)
		}
		g.agree("an identity refused after a burst", time.Now(), lbt, func(n *target) bool {
			a := n.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, uid, ""))
			return a.Status == 429 && a.Code() == "rate_limited"
		})
	})

	t.Run("live updates", func(t *testing.T) {
		g.use(t)
		dave := n3.must(200, n3.login(app, proof(t, clk, verify.Signet, app, keepKid, keepSecret, "dave", ""))).Str("session_token")
		issue := n3.must(201, n3.do("POST", "/v1/issues", dave, map[string]any{"message": "where is my parcel?"})).Str("id")
		agent := n1.must(201, n1.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
		type arrival struct {
			name string
			at   time.Time
		}
		arrived := make(chan arrival, len(all))
		const reply = "it left the warehouse this morning"
		for _, n := range all {
			stream := events(t, n.URL+"/v1/events", dave)
			go func() {
				for e := range stream {
					if strings.Contains(e, reply) {
						arrived <- arrival{n.name, time.Now()}
						return
					}
				}
			}()
		}
		// Timed from when the reply is sent: its event may arrive before
		// the answer to the post does.
		posted := time.Now()
		n1.must(201, n1.do("POST", "/api/agent/issues/"+issue+"/messages", agent, map[string]any{"body": reply}))
		took := map[string]time.Duration{}
		deadline := time.After(5 * time.Second)
		for len(took) < len(all) {
			select {
			case a := <-arrived:
				took[a.name] = a.at.Sub(posted)
			case <-deadline:
				t.Fatalf("the reply posted on node1 reached only %v within 5 s", took)
			}
		}
		var parts []string
		for _, n := range all {
			parts = append(parts, fmt.Sprintf("%s %v", n.name, took[n.name].Round(100*time.Microsecond)))
			if took[n.name] > agreeWithin {
				t.Errorf("the reply reached the stream on %s after %v", n.name, took[n.name])
			}
		}
		g.figures = append(g.figures, "an agent reply on node1 reaches the user's streams: "+strings.Join(parts, ", "))
		t.Logf("an agent reply on node1 reaches the user's streams: %s", strings.Join(parts, ", "))
	})

	g.use(t)
	t.Logf("cross-node agreement, since the change was answered:\n  %s", strings.Join(g.figures, "\n  "))
	t.Logf("in all %v", time.Since(began).Round(time.Millisecond))
}
