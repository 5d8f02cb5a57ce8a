package examples

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/webhook"
)

// webhookCase is one delivery a receiver checks: valid or not.
type webhookCase struct {
	name                        string
	Secret, ID, Timestamp, Body string
	Signature                   string
	Now                         int64
	valid                       bool
}

// webhookCases are the checks every language's webhook snippet passes: the
// Standard Webhooks specification's own example; deliveries signed by
// Signet's webhook package (one secret, and a rotation's two); and
// deliveries a receiver must refuse.
func webhookCases(t *testing.T) []webhookCase {
	secret := func() (string, []byte) {
		key := make([]byte, 32)
		rand.Read(key)
		return "whsec_" + base64.StdEncoding.EncodeToString(key), key
	}
	newSecret, newKey := secret()
	oldSecret, oldKey := secret()
	at := time.Unix(1_790_000_000, 0)
	ts := strconv.FormatInt(at.Unix(), 10)
	body := `{"type":"message.created","timestamp":"2026-09-21T14:13:20Z","data":{"body":"Ünïcødé – ok","workspace_id":"ws_k3jq7m2xw4p5r6t7"}}`
	id := "evt_k3jq7m2xw4p5r6t7"
	one := webhook.SignatureHeader([][]byte{newKey}, id, at, []byte(body))
	both := webhook.SignatureHeader([][]byte{newKey, oldKey}, id, at, []byte(body))
	now := at.Unix() + 30
	c := func(name, secret, id, ts, sig, body string, now int64, valid bool) webhookCase {
		return webhookCase{name: name, Secret: secret, ID: id, Timestamp: ts, Signature: sig, Body: body, Now: now, valid: valid}
	}
	return []webhookCase{
		// The example of the Standard Webhooks specification.
		c("specification example", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
			"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", `{"test": 2432232314}`, 1614265330, true),
		c("Signet's delivery", newSecret, id, ts, one, body, now, true),
		c("rotation: the new secret", newSecret, id, ts, both, body, now, true),
		c("rotation: the previous secret", oldSecret, id, ts, both, body, now, true),
		c("a bad signature before the good one", newSecret, id, ts, "v1,AAAA "+one, body, now, true),
		c("another secret", oldSecret, id, ts, one, body, now, false),
		c("the body changed", newSecret, id, ts, one, strings.Replace(body, "ok", "OK", 1), now, false),
		c("another id", newSecret, "evt_aaaaaaaaaaaaaaaa", ts, one, body, now, false),
		c("another timestamp", newSecret, id, strconv.FormatInt(at.Unix()+1, 10), one, body, now, false),
		c("too old", newSecret, id, ts, one, body, at.Unix()+301, false),
		c("from the future", newSecret, id, ts, one, body, at.Unix()-301, false),
		c("no v1 prefix", newSecret, id, ts, strings.TrimPrefix(one, "v1,"), body, now, false),
		c("another version", newSecret, id, ts, "v2,"+strings.TrimPrefix(one, "v1,"), body, now, false),
		c("no signature", newSecret, id, ts, "", body, now, false),
		c("no id", newSecret, "", ts, one, body, now, false),
		c("timestamp not a number", newSecret, id, "17e8", one, body, now, false),
		c("a secret without whsec_", strings.TrimPrefix(newSecret, "whsec_"), id, ts, one, body, now, false),
	}
}

// TestWebhookSnippets runs every language's webhook snippet through its
// harness against webhookCases: a valid delivery answers ok, the others an
// error that never holds the secret. A missing interpreter skips its
// language on a laptop and fails under CI.
func TestWebhookSnippets(t *testing.T) {
	cases := webhookCases(t)
	jsonLines := func() []byte {
		var b bytes.Buffer
		for _, c := range cases {
			line, _ := json.Marshal(map[string]any{"secret": c.Secret, "id": c.ID, "timestamp": c.Timestamp,
				"signature": c.Signature, "body": c.Body, "now": c.Now})
			b.Write(line)
			b.WriteByte('\n')
		}
		return b.Bytes()
	}
	tsvLines := func() []byte { // Java's harness reads no JSON
		var b bytes.Buffer
		for _, c := range cases {
			b.WriteString(strings.Join([]string{c.Secret, c.ID, c.Timestamp, c.Signature, strconv.FormatInt(c.Now, 10),
				base64.StdEncoding.EncodeToString([]byte(c.Body))}, "\t") + "\n")
		}
		return b.Bytes()
	}
	languages := []struct {
		name  string
		input func() []byte
		start func(t *testing.T) *exec.Cmd
	}{
		{"go", jsonLines, func(t *testing.T) *exec.Cmd {
			bin := filepath.Join(t.TempDir(), "harness")
			if out, err := exec.Command(lookPath(t, "go", "the go command"), "build", "-o", bin, "./go/webhook/harness").CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			return exec.Command(bin)
		}},
		{"node", jsonLines, func(t *testing.T) *exec.Cmd {
			return exec.Command(lookPath(t, "node", "node (Node.js 20)"), "node/webhook_harness.js")
		}},
		{"python", jsonLines, func(t *testing.T) *exec.Cmd {
			cmd := exec.Command(lookPath(t, "python3", "python3"), "-B", "python/webhook_harness.py")
			cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
			return cmd
		}},
		{"java", tsvLines, func(t *testing.T) *exec.Cmd {
			javac := lookPath(t, "javac", "javac (a Java 17 JDK)")
			java := lookPath(t, "java", "java (a Java 17 JDK)")
			classes := t.TempDir()
			if out, err := exec.Command(javac, "-encoding", "UTF-8", "-d", classes, "java/WebhookVerification.java", "java/WebhookHarness.java").CombinedOutput(); err != nil {
				t.Fatalf("javac: %v\n%s", err, out)
			}
			return exec.Command(java, "-cp", classes, "WebhookHarness")
		}},
		{"ruby", jsonLines, func(t *testing.T) *exec.Cmd {
			return exec.Command(lookPath(t, "ruby", "ruby"), "ruby/webhook_harness.rb")
		}},
		{"php", jsonLines, func(t *testing.T) *exec.Cmd {
			return exec.Command(lookPath(t, "php", "php (php-cli)"), "php/webhook_harness.php")
		}},
	}
	for _, lang := range languages {
		t.Run(lang.name, func(t *testing.T) {
			t.Parallel()
			cmd := lang.start(t)
			var stdout, stderr bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(lang.input()), &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %v\n%s", cmd.Args, err, stderr.String())
			}
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			if len(lines) != len(cases) {
				t.Fatalf("%d lines for %d cases:\n%s\nstderr: %s", len(lines), len(cases), stdout.String(), stderr.String())
			}
			for i, c := range cases {
				got := lines[i]
				switch {
				case c.valid && got != "ok":
					t.Errorf("%s: %q, want ok", c.name, got)
				case !c.valid && !strings.HasPrefix(got, "error: "):
					t.Errorf("%s: %q, want an error", c.name, got)
				case len(c.Secret) > 12 && strings.Contains(got, strings.TrimPrefix(c.Secret, "whsec_")[:12]):
					t.Errorf("%s: the answer holds the secret: %q", c.name, got)
				}
			}
		})
	}
}
