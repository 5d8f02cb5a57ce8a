package testserver

import (
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/signet-id/signet/internal/server"
)

// recorder is a test that keeps the secret scan's errors for the test to
// read, and passes every other failure on.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.TB.Helper()
	msg := fmt.Sprintf(format, args...)
	if !strings.HasPrefix(msg, "secret scan:") {
		r.TB.Error(msg)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, msg)
}

// TestScanFindsALeak: a key secret the server logs, as a careless handler
// would, fails the test when the server stops, and the failure names the
// kind of secret and the log line without printing the secret.
func TestScanFindsALeak(t *testing.T) {
	rec := &recorder{TB: t}
	var secret string
	// Registered first, so it runs after the server's cleanup and its scan.
	t.Cleanup(func() {
		if len(rec.errs) != 1 {
			t.Fatalf("the scan reported %d leaks, want 1: %q", len(rec.errs), rec.errs)
		}
		msg := rec.errs[0]
		for _, want := range []string{"a secret (" + secret[:8] + "…)", "the server's log", `msg="key rotation failed"`, "detail=\"unsealing <secret> failed\""} {
			if !strings.Contains(msg, want) {
				t.Errorf("the report %q does not say %q", msg, want)
			}
		}
		if strings.Contains(msg, secret) {
			t.Errorf("the report prints the secret: %q", msg)
		}
	})
	var logger *slog.Logger
	dir := t.TempDir()
	s := Start(rec, Database(t, "sqlite", dir), dir, NewClock(), func(c *server.Config) { logger = c.Logger })
	ws := s.Workspace(t, "Acme")
	_, secret = s.Key(t, s.App(t, ws, map[string]any{"profile": "signet"}))
	logger.Warn("key rotation failed", "detail", "unsealing "+secret+" failed")
}

// TestScan: the scan finds a secret as slog quotes it and as a URL escapes
// it, passes over short values, and lets the first-run token stand only in
// the one message the server prints on purpose.
func TestScan(t *testing.T) {
	const (
		token  = "sat_0123456789abcdefghijABCDEFGHIJ-_0123456789"
		quoted = `a "quoted" secret, 0123456789`
		short  = "short-value"
	)
	firstRun := func(tok string) string {
		return "Signet is running at http://127.0.0.1:1  (API description: http://127.0.0.1:1/openapi.json)\n" +
			"\nFirst run. This owner API token is shown once and never again; keep it in a password manager:\n\n    " + tok + "\n\n" +
			"Create your first workspace:\n    curl -H \"Authorization: Bearer " + tok + "\" -H \"Content-Type: application/json\" -d '{\"name\":\"My brand\"}' http://127.0.0.1:1/api/admin/workspaces\n\n" +
			"Or open the dashboard and paste the token to create the owner account:\n    http://127.0.0.1:1/dashboard/setup\n\n"
	}
	s := &secrets{kind: map[string]string{}}
	s.add("bearer token", token)
	s.add("password", quoted)
	s.add("secret", short)
	tests := []struct {
		name      string
		logs, out string
		want      []string // kind and where of each leak
	}{
		{"clean", "level=DEBUG msg=request route=\"POST /v1/apps/{app}/login\" status=200\n", firstRun(token), nil},
		{"short values pass", "level=DEBUG msg=x key=" + short + "\n", "", nil},
		{"as it is", "level=INFO msg=x token=" + token + "\n", "", []string{"bearer token log"}},
		{"quoted by slog", slogLine("bad: " + quoted), "", []string{"password log"}},
		{"escaped in a URL", "level=INFO msg=x url=/p?pw=a+%22quoted%22+secret%2C+0123456789\n", "", []string{"password log"}},
		{"printed twice", "", firstRun(token) + firstRun(token), []string{"bearer token output"}},
		{"printed elsewhere", "", firstRun(token) + "Your token: " + token + "\n", []string{"bearer token output"}},
		{"in both", "token=" + token, "token=" + token, []string{"bearer token log", "bearer token output"}},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range s.leaks(tt.logs, withoutPrinted(tt.out)) {
			got = append(got, l.Kind+" "+l.Where)
			if strings.Contains(l.Line, token) || strings.Contains(l.Line, "quoted") {
				t.Errorf("%s: the line is not masked: %q", tt.name, l.Line)
			}
		}
		if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
			t.Errorf("%s: leaks %q, want %q", tt.name, got, tt.want)
		}
	}
}

// slogLine is the line the servers' log handler writes for err.
func slogLine(err string) string {
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "err", err)
	return b.String()
}

// TestRemembered: the helpers remember the secret fields of requests and
// answers, at any depth, and bearer tokens.
func TestRemembered(t *testing.T) {
	s := &Server{secrets: &secrets{kind: map[string]string{}}}
	s.rememberJSON([]byte(`{"name":"not-a-secret-0123456789","secret":"s-0123456789abcdef","keys":[{"token":"t-0123456789abcdef"}],
		"session_token":"st-0123456789abcdef","identity_token":"it-0123456789abcdef","user_hash":"uh-0123456789abcdef",
		"password":"pw-0123456789abcdef","anonymous_session":"as-0123456789abcdef"}`))
	s.Remember("bearer token", "bt-0123456789abcdef")
	want := map[string]string{"s-0123456789abcdef": "secret", "t-0123456789abcdef": "token", "st-0123456789abcdef": "session_token",
		"it-0123456789abcdef": "identity_token", "uh-0123456789abcdef": "user_hash", "pw-0123456789abcdef": "password",
		"as-0123456789abcdef": "anonymous_session", "bt-0123456789abcdef": "bearer token"}
	if fmt.Sprint(s.secrets.kind) != fmt.Sprint(want) {
		t.Errorf("remembered %v, want %v", s.secrets.kind, want)
	}
}

// TestOnlyTestsImport: no package but tests imports testserver, which
// starts servers and is no part of one.
func TestOnlyTestsImport(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/signet-id/signet/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if strings.Contains(line, " github.com/signet-id/signet/internal/testserver") {
			t.Errorf("%s imports testserver", strings.Fields(line)[0])
		}
	}
}
