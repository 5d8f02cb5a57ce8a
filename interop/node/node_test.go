// Package node runs the jsonwebtoken interoperability suite (interop.test.js)
// from `go test ./...`, against a signet binary built from this tree.
package node

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/signet-id/signet/internal/testenv"
)

func TestJSONWebTokenInterop(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Need(t, "node (Node.js 20)")
	}
	if _, err := os.Stat("node_modules/jsonwebtoken"); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			testenv.Need(t, "npm")
		}
		run(t, exec.Command(npm, "ci", "--no-audit", "--no-fund"))
	}
	bin := filepath.Join(t.TempDir(), "signet")
	run(t, exec.Command("go", "build", "-o", bin, "../../cmd/signet"))
	cmd := exec.Command(node, "--test", "--test-reporter=spec")
	cmd.Env = append(os.Environ(), "SIGNET_BIN="+bin)
	run(t, cmd)
}

func run(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	t.Logf("%v:\n%s", cmd.Args, out)
}
