package server_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// Bounds of the load in TestCrashUnderLoad: it stops by itself after
// crashLoad of load or crashRequests requests, whichever comes first. The
// kill comes in the middle, after half of either, once every kind of write
// has been acknowledged a few times.
const (
	crashLoad     = 3 * time.Second
	crashRequests = 3000
	crashWorkers  = 6
)

// ackedSession is a login answered 200: its token must authenticate its
// user after the crash.
type ackedSession struct {
	token, user string
}

// ackedIssue is an issue answered 201, with the messages answered 201 in it
// and the session that wrote them.
type ackedIssue struct {
	id, token string
	messages  map[string]string // message id → body
}

// crashLedger is what the server acknowledged before it was killed.
type crashLedger struct {
	mu       sync.Mutex
	sessions []ackedSession
	issues   []*ackedIssue
	returned int // returning verified logins among sessions
	messages int
	requests int
	refused  int // requests the killed server never answered
}

func (l *crashLedger) session(s ackedSession, returning bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sessions = append(l.sessions, s)
	if returning {
		l.returned++
	}
}

// request counts one request against crashRequests; false once used up.
func (l *crashLedger) request() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests++
	return l.requests <= crashRequests
}

// enough reports whether every kind of write has been acknowledged a few
// times, so that a kill now interrupts a load that has shown each.
func (l *crashLedger) enough() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sessions) >= 40 && l.returned >= 10 && len(l.issues) >= 5 && l.messages >= 10
}

func (l *crashLedger) unanswered() { l.mu.Lock(); l.refused++; l.mu.Unlock() }

// halfway reports whether half the request budget is spent.
func (l *crashLedger) halfway() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests >= crashRequests/2
}

// TestCrashUnderLoad: `signet serve` killed with SIGKILL in the middle of
// concurrent logins, issues and messages loses nothing it acknowledged.
// After a restart on the same database every session token answered 200
// authenticates its user, and every issue and message answered 201 is there
// for the session that wrote it; on SQLite the file passes integrity_check.
// Requests in flight at the kill may fail either way: only acknowledged
// ones count. This is the check that a group commit answers a login only
// after its commit.
func TestCrashUnderLoad(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			began := time.Now()
			dir := t.TempDir()
			env := []string{"SIGNET_DATA_DIR=" + dir, "SIGNET_MASTER_KEY=" + strings.Repeat("cd", 32)}
			if backend == "postgres" {
				env = append(env, "SIGNET_DATABASE="+storetest.PostgresURL(t))
			}
			p := serve(t, env...)
			ws := p.workspace("Acme")
			app := p.app(ws, map[string]any{"profile": "intercom"})
			kid, secret := p.key(app)

			// The returning users log in once before the load.
			const returningUsers = 20
			users := make([]string, returningUsers)
			for i := range users {
				a := p.must(200, p.login(app, proof(t, p.Clock, verify.Intercom, app, kid, secret, fmt.Sprint("returning-", i), "")))
				users[i] = userOf(a)
			}

			ledger := &crashLedger{}
			stop := make(chan struct{})
			deadline := time.Now().Add(crashLoad)
			running := func() bool {
				select {
				case <-stop:
					return false
				default:
				}
				return time.Now().Before(deadline) && ledger.request()
			}
			// login logs in as uid; ok is false once the server is gone.
			login := func(uid string) (answer, bool) {
				return p.tryLogin(app, proof(t, p.Clock, verify.Intercom, app, kid, secret, uid, ""))
			}
			var wg sync.WaitGroup
			var failMu sync.Mutex
			var failures []string // answers that are wrong whether or not the server dies
			fail := func(format string, args ...any) {
				failMu.Lock()
				failures = append(failures, fmt.Sprintf(format, args...))
				failMu.Unlock()
			}
			for w := 0; w < crashWorkers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; running(); i++ {
						switch w % 3 {
						case 0: // a returning verified login
							n := (w*7 + i) % returningUsers
							a, ok := login(fmt.Sprint("returning-", n))
							if !ok {
								ledger.unanswered()
								return
							}
							if a.Status == 200 {
								if a.Body["verified"] != true || userOf(a) != users[n] {
									fail("a returning login is not its user: %s", a.Raw)
									continue
								}
								ledger.session(ackedSession{a.Str("session_token"), users[n]}, true)
							}
						case 1: // a first verified login
							a, ok := login(fmt.Sprintf("first-%d-%d", w, i))
							if !ok {
								ledger.unanswered()
								return
							}
							if a.Status == 200 {
								ledger.session(ackedSession{a.Str("session_token"), userOf(a)}, false)
							}
						case 2: // a first login, an issue and messages in it
							a, ok := login(fmt.Sprintf("writer-%d-%d", w, i))
							if !ok {
								ledger.unanswered()
								return
							}
							if a.Status != 200 {
								continue
							}
							tok := a.Str("session_token")
							ledger.session(ackedSession{tok, userOf(a)}, false)
							if !running() {
								return
							}
							r, err := p.try("POST", "/v1/issues", tok, map[string]any{"message": fmt.Sprintf("issue %d-%d", w, i)})
							if err != nil {
								ledger.unanswered()
								return
							}
							if r.Status != 201 {
								continue
							}
							issue := &ackedIssue{id: r.Str("id"), token: tok, messages: map[string]string{}}
							ledger.mu.Lock()
							ledger.issues = append(ledger.issues, issue)
							ledger.mu.Unlock()
							for m := 0; m < 3 && running(); m++ {
								body := fmt.Sprintf("message %d of issue %d-%d", m, w, i)
								r, err := p.try("POST", "/v1/issues/"+issue.id+"/messages", tok, map[string]any{"body": body})
								if err != nil {
									ledger.unanswered()
									return
								}
								if r.Status == 201 {
									ledger.mu.Lock()
									issue.messages[r.Str("id")] = body
									ledger.messages++
									ledger.mu.Unlock()
								}
							}
						}
					}
				}(w)
			}

			// The kill comes in the middle of the load, with the workers
			// still going, once every kind of write has been acknowledged.
			loadStart := time.Now()
			middle := loadStart.Add(crashLoad / 2)
			for !(ledger.enough() && (time.Now().After(middle) || ledger.halfway())) && time.Now().Before(deadline.Add(-crashLoad/4)) {
				time.Sleep(5 * time.Millisecond)
			}
			if !ledger.enough() {
				close(stop)
				wg.Wait()
				t.Fatalf("the load did not reach the kill point in %v: %d sessions (%d returning), %d issues, %d messages",
					time.Since(loadStart), len(ledger.sessions), ledger.returned, len(ledger.issues), ledger.messages)
			}
			killedAt := time.Since(loadStart)
			if err := p.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-p.exited
			close(stop)
			wg.Wait()
			if len(failures) > 0 {
				t.Fatalf("%d wrong answers under load, the first: %s", len(failures), failures[0])
			}
			ledger.mu.Lock() // the workers are done; this only orders the reads
			defer ledger.mu.Unlock()
			t.Logf("SIGKILL after %v of load: %d requests, %d unanswered; acknowledged %d sessions (%d returning), %d issues, %d messages",
				killedAt.Round(time.Millisecond), ledger.requests, ledger.refused, len(ledger.sessions), ledger.returned, len(ledger.issues), ledger.messages)
			if ledger.refused == 0 {
				t.Fatal("no request went unanswered: the kill did not interrupt the load")
			}

			if backend == "sqlite" {
				integrityCheck(t, filepath.Join(dir, "signet.db"))
			}

			again := serve(t, env...)
			for _, s := range ledger.sessions {
				a := again.do("GET", "/v1/me", s.token, nil)
				if a.Status != 200 || userOf(a) != s.user || a.Body["verified"] != true {
					t.Fatalf("an acknowledged session was lost (user %s): %d %s", s.user, a.Status, a.Raw)
				}
			}
			for _, issue := range ledger.issues {
				var listed []string
				for _, i := range again.must(200, again.do("GET", "/v1/issues", issue.token, nil)).Body["issues"].([]any) {
					listed = append(listed, i.(map[string]any)["id"].(string))
				}
				if !slices.Contains(listed, issue.id) {
					t.Fatalf("an acknowledged issue %s was lost: its session lists %v", issue.id, listed)
				}
				stored := map[string]string{}
				for _, m := range again.must(200, again.do("GET", "/v1/issues/"+issue.id+"/messages", issue.token, nil)).Body["messages"].([]any) {
					m := m.(map[string]any)
					stored[m["id"].(string)], _ = m["body"].(string)
				}
				for id, body := range issue.messages {
					if stored[id] != body {
						t.Fatalf("an acknowledged message %s of issue %s was lost: stored %q", id, issue.id, stored[id])
					}
				}
			}
			t.Logf("every acknowledged write is there after the restart (%v in all)", time.Since(began).Round(time.Millisecond))
		})
	}
}

// integrityCheck fails the test unless SQLite's integrity_check passes on
// the database at path, read with the driver the server uses.
func integrityCheck(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		found = append(found, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != "ok" {
		t.Fatalf("integrity_check after the crash: %v", found)
	}
	t.Log("integrity_check after the crash: ok")
}

// userOf is the id of the user in a login or /v1/me answer.
func userOf(a answer) string {
	user, _ := a.Body["user"].(map[string]any)
	id, _ := user["id"].(string)
	return id
}

// try calls the server like do; the error is a request the server did not
// answer (it was killed, say).
func (s *testServer) try(method, path, token string, body any) (answer, error) {
	j, _ := json.Marshal(body)
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(j))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return s.Send(nil, req)
}
