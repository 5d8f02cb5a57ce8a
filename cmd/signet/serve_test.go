package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// served is `signet serve` running as its own process, as a user starts it.
type served struct {
	URL    string
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer // stdout and stderr, as one screen
	exited chan struct{}
}

var runningAt = regexp.MustCompile(`Signet is running at (http://\S+)`)

// startServe runs `signet serve args...` with only env (and PATH) in its
// environment and waits until it says where it listens; the process is
// stopped with SIGTERM when the test ends.
func startServe(t *testing.T, env []string, args ...string) *served {
	t.Helper()
	cmd := exec.Command(signetBin, append([]string{"serve"}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	s := &served{cmd: cmd, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); pw.Close(); close(s.exited) }()
	t.Cleanup(func() { s.stop(t) })
	urls := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			s.mu.Lock()
			s.out.Write(append(lines.Bytes(), '\n'))
			s.mu.Unlock()
			if m := runningAt.FindStringSubmatch(lines.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case s.URL = <-urls:
	case <-s.exited:
		t.Fatalf("signet serve %v exited:\n%s", args, s.Output())
	case <-time.After(60 * time.Second):
		t.Fatalf("signet serve %v did not start:\n%s", args, s.Output())
	}
	// What bootstrap prints follows the line with the address.
	time.Sleep(200 * time.Millisecond)
	return s
}

// Output is everything the process printed so far.
func (s *served) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// stop sends SIGTERM and waits for the process to end.
func (s *served) stop(t *testing.T) {
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("signet serve did not stop after SIGTERM")
	}
}

// post sends a JSON body and returns the status and decoded answer.
func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

var demoAppID = regexp.MustCompile(`data-app-id="(app_[a-z0-9]+)"`)

// demoApp reads the demo app's id from /demo.
func demoApp(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/demo")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := demoAppID.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no app id on /demo:\n%s", b)
	}
	return string(m[1])
}

// TestServeFlagsFromEnv: every serve flag has a variable named after it,
// shown in --help; the variable sets the flag, the command line wins, and
// a bad value names the variable but never echoes the value.
func TestServeFlagsFromEnv(t *testing.T) {
	help, _, _ := signet(t, "serve", "--help")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o serveOptions
	o.register(fs)
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		if !strings.Contains(help, "[$"+envName(f.Name)+"]") {
			t.Errorf("serve --help does not name $%s for --%s", envName(f.Name), f.Name)
		}
	})
	if n < 17 {
		t.Fatalf("serve has %d flags, want at least the 17 documented", n)
	}
	env := map[string]string{
		"SIGNET_MAX_IDENTITY_FAILURES": "3", "SIGNET_FAILURE_WINDOW": "2m", "SIGNET_SUSPICIOUS_DEVICES": "-1",
		"SIGNET_DEMO": "true", "SIGNET_ADDR": "127.0.0.1:9", "SIGNET_LOG_LEVEL": "debug", "SIGNET_DATABASE": "postgres://secret@db/x",
	}
	if err := fs.Parse([]string{"--addr", "127.0.0.1:7"}); err != nil {
		t.Fatal(err)
	}
	if err := applyEnv(fs, func(k string) string { return env[k] }, serveSecretFlags...); err != nil {
		t.Fatal(err)
	}
	if o.guard.IdentityFailures != 3 || o.guard.Window != 2*time.Minute || o.guard.Devices != -1 || !o.demo || o.logLevel != "debug" {
		t.Errorf("the variables did not set the flags: %+v", o)
	}
	if o.addr != "127.0.0.1:7" {
		t.Errorf("--addr %s: the command line must win over SIGNET_ADDR", o.addr)
	}
	if o.database != "" {
		t.Errorf("SIGNET_DATABASE was read as a plain flag; it goes through secretSetting (NAME or NAME_FILE)")
	}

	cmd := exec.Command(signetBin, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "SIGNET_MAX_ADDRESS_FAILURES=lots-of-hunter2", "SIGNET_DATA_DIR=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("a bad SIGNET_MAX_ADDRESS_FAILURES: %v, want exit 2:\n%s", err, out)
	}
	if !strings.Contains(string(out), "SIGNET_MAX_ADDRESS_FAILURES") || strings.Contains(string(out), "hunter2") {
		t.Errorf("want the variable named and its value not echoed:\n%s", out)
	}
}

// TestServeEnvOverHTTP: a server configured by environment alone (address,
// data folder, demo, a guard limit) behaves so over real HTTP, and a flag
// beats its variable.
func TestServeEnvOverHTTP(t *testing.T) {
	env := []string{"SIGNET_ADDR=127.0.0.1:0", "SIGNET_DATA_DIR=" + t.TempDir(), "SIGNET_DEMO=true", "SIGNET_MAX_UNSIGNED_LOGINS=2"}
	s := startServe(t, env)
	if !strings.Contains(s.Output(), "/demo") {
		t.Fatalf("SIGNET_DEMO=true did not seed the demo:\n%s", s.Output())
	}
	login := s.URL + "/v1/apps/" + demoApp(t, s.URL) + "/login"
	for i, want := range []int{200, 200, 429} {
		if code, body := post(t, login, `{}`); code != want {
			t.Fatalf("anonymous login %d with SIGNET_MAX_UNSIGNED_LOGINS=2: %d %v, want %d", i+1, code, body, want)
		}
	}
	s.stop(t)

	s = startServe(t, env, "--max-unsigned-logins", "5")
	login = s.URL + "/v1/apps/" + demoApp(t, s.URL) + "/login"
	for i := range 3 {
		if code, body := post(t, login, `{}`); code != 200 {
			t.Fatalf("anonymous login %d with --max-unsigned-logins 5 over SIGNET_MAX_UNSIGNED_LOGINS=2: %d %v", i+1, code, body)
		}
	}
}

// TestServeOutboundAllow: SIGNET_OUTBOUND_ALLOW sets --outbound-allow, and a
// value that is no host, address or range stops the server with exit 2.
func TestServeOutboundAllow(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o serveOptions
	o.register(fs)
	if err := applyEnv(fs, func(k string) string {
		return map[string]string{"SIGNET_OUTBOUND_ALLOW": "127.0.0.0/8,jwks.internal"}[k]
	}, serveSecretFlags...); err != nil {
		t.Fatal(err)
	}
	if o.outboundAllow != "127.0.0.0/8,jwks.internal" {
		t.Fatalf("SIGNET_OUTBOUND_ALLOW did not set --outbound-allow: %q", o.outboundAllow)
	}
	cmd := exec.Command(signetBin, "serve", "--outbound-allow", "http://nope")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "SIGNET_DATA_DIR=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "--outbound-allow") {
		t.Fatalf("a bad --outbound-allow: %v, want exit 2 naming the flag:\n%s", err, out)
	}
}
