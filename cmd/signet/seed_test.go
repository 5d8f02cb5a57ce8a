package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeedCommand seeds a small SQLite database as a user would: the
// secrets go to the --out file (0600) and never to the output.
func TestSeedCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "seeded.json")
	stdout, stderr, code := signet(t, "seed", "--database", "sqlite:"+filepath.Join(dir, "signet.db"), "--data-dir", dir,
		"--apps", "3", "--users", "50", "--attempts", "200", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Seeded 1 workspaces, 3 apps, 3 keys, 50 users, 100 identities, 200 attempts, 10 sessions") {
		t.Errorf("stdout: %s", stdout)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("--out: %v %v", fi, err)
	}
	var m struct {
		Apps []struct{ Secret string }
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &m); err != nil || len(m.Apps) != 3 {
		t.Fatalf("manifest: %s %v", b, err)
	}
	for _, a := range m.Apps {
		if a.Secret == "" || strings.Contains(stdout+stderr, a.Secret) {
			t.Errorf("a secret is empty or printed")
		}
	}
	if _, stderr, code := signet(t, "seed", "--database", "sqlite:"+filepath.Join(dir, "signet.db"), "--data-dir", dir); code != 1 ||
		!strings.Contains(stderr, "empty database") {
		t.Errorf("seeding again: exit %d, %s", code, stderr)
	}
}
