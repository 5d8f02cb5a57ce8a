package main

import (
	"archive/tar"
	"compress/gzip"
	"debug/buildinfo"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuildOneTarget runs the release build for this machine's platform (so
// the binary can be run), then checks what a user downloads: one archive
// with the binary, LICENSE and README.md; SHA256SUMS naming it with its
// real digest; a static binary (CGO off, -trimpath) whose `signet version`
// matches the archive's name.
func TestBuildOneTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a release build compiles the whole module without cgo")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the test unpacks a .tar.gz: run it on Linux or macOS")
	}
	out := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	archives, err := Build(filepath.Join("..", ".."), out, []string{target}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) != 1 || !strings.HasSuffix(archives[0], "_"+runtime.GOOS+"_"+runtime.GOARCH+".tar.gz") {
		t.Fatalf("archives %v, want one .tar.gz for %s", archives, target)
	}
	name := filepath.Base(archives[0])

	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := sha256File(archives[0])
	if err != nil {
		t.Fatal(err)
	}
	if string(sums) != sum+"  "+name+"\n" {
		t.Fatalf("SHA256SUMS = %q, want %q", sums, sum+"  "+name+"\n")
	}
	if sha, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command(sha, "-c", "SHA256SUMS")
		cmd.Dir = out
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sha256sum -c: %v\n%s", err, b)
		}
	}

	dir := strings.TrimSuffix(name, ".tar.gz")
	files := untar(t, archives[0], t.TempDir())
	for _, want := range []string{dir + "/signet", dir + "/LICENSE", dir + "/README.md"} {
		if _, ok := files[want]; !ok {
			t.Errorf("the archive lacks %s (has %v)", want, files)
		}
	}
	bin := files[dir+"/signet"]
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		t.Errorf("the binary's build settings %v: want CGO_ENABLED=0 and -trimpath", settings)
	}
	v, err := exec.Command(bin, "version", "--short").Output()
	if err != nil {
		t.Fatal(err)
	}
	version := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(string(v)), "v"), "+", "-")
	if !strings.HasPrefix(dir, "signet_"+version+"_") {
		t.Errorf("the archive %s does not carry the binary's version %s", name, version)
	}
}

func TestBadTarget(t *testing.T) {
	if _, err := Build(filepath.Join("..", ".."), t.TempDir(), []string{"linux"}, io.Discard); err == nil || !strings.Contains(err.Error(), "GOOS/GOARCH") {
		t.Fatalf("Build(linux) = %v, want a GOOS/GOARCH error", err)
	}
}

// untar unpacks a .tar.gz into dir and returns each entry's name and path.
func untar(t *testing.T, archive, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	files := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || strings.Contains(h.Name, "..") {
			t.Fatalf("entry %s: uid %d gid %d", h.Name, h.Uid, h.Gid)
		}
		p := filepath.Join(dir, filepath.Base(h.Name))
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, os.FileMode(h.Mode)); err != nil {
			t.Fatal(err)
		}
		files[h.Name] = p
	}
}
