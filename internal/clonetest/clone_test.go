// Package clonetest proves that a plain `git clone` of Signet tests on its
// own: it clones the repository alone into a temporary folder (no ../shared
// beside it) and runs the README's test command there on a quick subset.
package clonetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/testenv"
	"github.com/signet-id/signet/internal/vectors"
)

// quick is the subset of the README's `go test ./...` a clone runs: every
// known-answer vector through the verifier and the signer, and the check
// that the module's copy of the vectors is the product's.
var quick = []string{"test", "-count=1", "-run", "Vector|Copy|Load", "./verify/", "./sign/", "./internal/vectors/"}

func TestPlainCloneTests(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: cloning and building the module takes a while")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		testenv.Need(t, "git")
	}
	root, err := vectors.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skipf("%s is not a git checkout (an unpacked archive?): nothing to clone", root)
	}
	// The clone sits alone in its folder: nothing named shared beside it.
	clone := filepath.Join(t.TempDir(), "signet")
	run(t, root, git, "clone", "--quiet", "--no-hardlinks", root, clone)
	if _, err := os.Stat(filepath.Join(clone, "..", "shared")); !os.IsNotExist(err) {
		t.Fatalf("the clone has a ../shared beside it (%v): the test proves nothing", err)
	}

	out := run(t, clone, "go", quick...)
	for _, pkg := range []string{"verify", "sign", "internal/vectors"} {
		if !strings.Contains(out, "ok  \tgithub.com/signet-id/signet/"+pkg) {
			t.Errorf("go test in the clone did not pass %s:\n%s", pkg, out)
		}
	}
	// Without ../shared the comparison says so, in one line, and passes.
	out = run(t, clone, "go", "test", "-count=1", "-v", "-run", "TestCopyMatchesShared", "./internal/vectors/")
	if !strings.Contains(out, "no ../shared/vectors beside the module") {
		t.Errorf("the vectors' comparison did not say that ../shared is missing:\n%s", out)
	}
}

// run runs a command in dir with the test's environment minus what points
// outside the clone, and returns its output; it fails the test if the
// command fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SIGNET_VECTORS=") && !strings.HasPrefix(kv, "GOFLAGS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}
