package server_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/internal/testserver"
	"github.com/signet-id/signet/verify"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// signetBinary builds ./cmd/signet once for the tests that run it as a process.
func signetBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "signet-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "signet")
		out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/signet").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// process is `signet serve` running as its own process.
type process struct {
	*testServer
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	exited chan struct{} // closed when the process has exited
	err    error         // its exit status, once exited is closed
}

var runningAt = regexp.MustCompile(`Signet is running at (http://\S+)`)

// serve starts `signet serve` with env, on a free port, and waits until it
// says where it listens.
func serve(t *testing.T, env ...string) *process {
	t.Helper()
	return serveWith(t, nil, env...)
}

// serveWith is serve with extra command-line flags.
func serveWith(t *testing.T, flags []string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(signetBinary(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "SIGNET_ADMIN_TOKEN=" + adminToken, "SIGNET_LOG_LEVEL=debug"}, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
		if p.testServer != nil {
			p.CheckLeaks(t)
		}
	})
	lines := bufio.NewScanner(stdout)
	urls := make(chan string, 1)
	go func() {
		for lines.Scan() {
			p.stdout.Write(append(lines.Bytes(), '\n'))
			if m := runningAt.FindStringSubmatch(lines.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(p.stdout, stdout)
	}()
	select {
	case url := <-urls:
		clk := &clock{}
		clk.Set(time.Now())
		p.testServer = wrap(t, testserver.Attach(t, url, clk, p.stderr, p.stdout))
	case <-p.exited:
		t.Fatalf("signet serve exited: %v\n%s", p.err, p.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("signet serve did not start:\n%s", p.stderr.String())
	}
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if p.err != nil {
			t.Fatalf("signet serve exited with %v after SIGTERM:\n%s", p.err, p.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("signet serve did not stop after SIGTERM")
	}
}

// TestGracefulShutdown: SIGTERM during a burst of logins loses no
// acknowledged write: every session answered 200 exists after a restart.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	env := []string{"SIGNET_DATA_DIR=" + dir}
	p := serve(t, env...)
	ws := p.workspace("Acme")
	app := p.app(ws, map[string]any{"profile": "intercom"})
	kid, secret := p.key(app)

	var mu sync.Mutex
	var acknowledged []string
	stopLoad := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stopLoad:
					return
				default:
				}
				body := proof(t, p.Clock, verify.Intercom, app, kid, secret, fmt.Sprintf("user-%d-%d", w, i), "")
				a, ok := p.tryLogin(app, body)
				if !ok {
					return // the server stopped taking connections
				}
				if a.Status == 200 {
					mu.Lock()
					acknowledged = append(acknowledged, a.Str("session_token"))
					mu.Unlock()
				}
			}
		}(w)
	}
	loadStart := time.Now()
	for {
		mu.Lock()
		n := len(acknowledged)
		mu.Unlock()
		if n >= 50 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("50 logins acknowledged in %v", time.Since(loadStart))
	stopStart := time.Now()
	p.stop(t)
	t.Logf("stopped in %v", time.Since(stopStart))
	close(stopLoad)
	wg.Wait()

	again := serve(t, env...)
	for _, tok := range acknowledged {
		if a := again.do("GET", "/v1/me", tok, nil); a.Status != 200 {
			t.Fatalf("an acknowledged login was lost: %s", a.Raw)
		}
	}
	t.Logf("%d acknowledged logins, all present after SIGTERM and restart", len(acknowledged))
}

// TestTwoNodesOnePostgres: a key created or revoked through one node is in
// force on the other within a second.
func TestTwoNodesOnePostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	env := []string{"SIGNET_DATABASE=" + dsn, "SIGNET_MASTER_KEY=" + strings.Repeat("ab", 32), "SIGNET_DATA_DIR=" + t.TempDir()}
	a, b := serve(t, env...), serve(t, env...)
	ws := a.workspace("Acme")
	app := a.app(ws, map[string]any{"profile": "signet"})
	kid, secret := a.key(app)
	start := time.Now()
	got := within(t, time.Second, func() bool {
		return b.login(app, proof(t, a.Clock, verify.Signet, app, kid, secret, "u1", "")).Status == 200
	})
	t.Logf("key created on node A verified on node B after %v", got)
	tok := b.must(200, b.login(app, proof(t, a.Clock, verify.Signet, app, kid, secret, "u1", ""))).Str("session_token")

	a.must(204, a.do("DELETE", "/api/admin/apps/"+app+"/keys/"+kid, adminToken, nil))
	start = time.Now()
	got = within(t, time.Second, func() bool {
		return b.login(app, proof(t, a.Clock, verify.Signet, app, kid, secret, "u1", "")).Status == 401 &&
			b.do("GET", "/v1/me", tok, nil).Code() == "session_revoked"
	})
	t.Logf("key revoked on node A refused on node B after %v (since %v)", got, time.Since(start))
}

// within polls ok until it holds, failing the test after limit.
func within(t *testing.T, limit time.Duration, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if ok() {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("not in force within %v", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNoSecretAtRest: after a run that creates, imports and uses keys, the
// database and the debug logs hold no secret, digest, token or session token.
func TestNoSecretAtRest(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			var secrets []string
			ws := s.workspace("Acme")
			for _, p := range verify.Profiles() {
				app := s.app(ws, map[string]any{"profile": p, "enforcement": "monitor"})
				kid, generated := s.key(app)
				imported := otherSecret(p) + "-imported-for-" + string(p) // one secret never serves two profiles
				if p.HexSecret() {
					imported = "5f1c9e0a7b3d2e8f46a1c0b9d7e35f28e4b6a9c1d0f3e7b2a58c4d6e9f1a3b7c" // a strong one: repeated patterns are weak
				}
				ikid, _ := s.key(app, imported)
				secrets = append(secrets, generated, imported)
				// A user per profile: each profile's failed proof below counts
				// against its identity, and sixteen of them on one identity
				// would trip the failures-then-success signal.
				uid, email := "user-"+string(p), string(p)+"@example.com"
				for _, k := range []struct{ id, secret string }{{kid, generated}, {ikid, imported}} {
					body := proof(t, s.Clock, p, app, k.id, k.secret, uid, email)
					a := s.must(200, s.login(app, body))
					secrets = append(secrets, a.Str("session_token"))
					for _, f := range []string{"user_hash", "identity_token"} {
						if v, ok := body[f].(string); ok {
							secrets = append(secrets, v)
						}
					}
				}
				// A failed proof goes through the doctor, which unseals every key.
				s.must(200, s.login(app, proof(t, s.Clock, p, app, kid, otherSecret(p), uid, email)))
			}
			tok := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
			s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/users", tok, nil))
			secrets = append(secrets, tok, adminToken)

			var stored string
			if backend == "sqlite" {
				stored = sqliteFiles(t, s.DataDir)
			} else {
				stored = postgresRows(t, s.DSN)
			}
			if len(stored) < 1000 {
				t.Fatalf("the scan read only %d bytes: it would find nothing", len(stored))
			}
			logs := s.logs.String()
			if !strings.Contains(logs, "level=DEBUG") {
				t.Fatal("debug logging is off: the log scan would prove nothing")
			}
			for _, secret := range secrets {
				if strings.Contains(stored, secret) {
					t.Errorf("the database holds a secret (%.8s…)", secret)
				}
				if strings.Contains(logs, secret) {
					t.Errorf("the logs hold a secret (%.8s…)", secret)
				}
			}
		})
	}
}

// sqliteFiles returns the bytes of every database file (with its WAL).
func sqliteFiles(t *testing.T, dir string) string {
	var b strings.Builder
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "signet.db") {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
	}
	return b.String()
}

// postgresRows returns every row of every table as text.
func postgresRows(t *testing.T, dsn string) string {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rs, err := db.Query(fmt.Sprintf(`SELECT t::text FROM %q t`, table))
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var row string
			rs.Scan(&row)
			b.WriteString(row + "\n")
		}
		rs.Close()
	}
	return b.String()
}
