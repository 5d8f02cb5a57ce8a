// Package client runs the headless JavaScript client's tests (web/client,
// Node 20) from `go test ./...`: its unit tests, and e2e/ against a signet
// binary built from this tree. Without Node it skips, except under CI=true.
package client

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/signet-id/signet/internal/testenv"
)

func TestJavaScriptClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Need(t, "node (Node.js 20)")
	}
	bin := filepath.Join(t.TempDir(), "signet")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/signet").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(node, "--test", "--test-reporter=spec", "test/", "e2e/")
	cmd.Env = append(os.Environ(), "SIGNET_BIN="+bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	t.Logf("%v:\n%s", cmd.Args, out)
}
