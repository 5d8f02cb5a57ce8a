// Command release builds Signet's release archives: one per platform (Linux,
// macOS and Windows on amd64 and arm64), each holding the static binary
// (CGO off: the SQLite driver, modernc.org/sqlite, is pure Go), LICENSE and
// README.md, and a SHA256SUMS file that `sha256sum -c` checks.
//
//	go run ./packaging/release --out dist                      # every platform
//	go run ./packaging/release --out dist --targets linux/amd64
//
// The version comes from the build information Go stamps into the binary
// (the git tag at HEAD, or a pseudo-version naming the commit), so the
// archives' names, `signet version` and /healthz agree. Archives are
// reproducible: every entry carries the commit's time, owner 0 and a fixed
// mode.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Targets are the platforms a release is built for.
var Targets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

func main() {
	out := flag.String("out", "dist", "the folder the archives and SHA256SUMS are written to")
	targets := flag.String("targets", strings.Join(Targets, ","), "comma-separated GOOS/GOARCH pairs")
	root := flag.String("root", ".", "the module's root folder")
	flag.Parse()
	archives, err := Build(*root, *out, strings.Split(*targets, ","), os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "release: %v\n", err)
		os.Exit(1)
	}
	for _, a := range archives {
		fmt.Println(a)
	}
}

// Build builds an archive per target into out, then writes out/SHA256SUMS
// for every archive in out. It returns the archives' paths.
func Build(root, out string, targets []string, log io.Writer) ([]string, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "signet-release")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	var archives []string
	for _, target := range targets {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(target), "/")
		if !ok || goos == "" || goarch == "" {
			return nil, fmt.Errorf("target %q: want GOOS/GOARCH, such as linux/amd64", target)
		}
		fmt.Fprintf(log, "release: building %s/%s\n", goos, goarch)
		a, err := buildOne(root, out, work, goos, goarch)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", goos, goarch, err)
		}
		archives = append(archives, a)
	}
	return archives, writeSums(out)
}

// buildOne compiles the binary for one platform and packs it.
func buildOne(root, out, work, goos, goarch string) (string, error) {
	exe := "signet"
	if goos == "windows" {
		exe += ".exe"
	}
	bin := filepath.Join(work, goos+"-"+goarch, exe)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=auto", "-ldflags=-s -w", "-o", bin, "./cmd/signet")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, b)
	}
	version, stamp, err := versionOf(bin)
	if err != nil {
		return "", err
	}
	files := []entry{{exe, bin, 0o755}, {"LICENSE", filepath.Join(root, "LICENSE"), 0o644}, {"README.md", filepath.Join(root, "README.md"), 0o644}}
	name := fmt.Sprintf("signet_%s_%s_%s", strings.TrimPrefix(version, "v"), goos, goarch)
	if goos == "windows" {
		path := filepath.Join(out, name+".zip")
		return path, writeZip(path, name, files, stamp)
	}
	path := filepath.Join(out, name+".tar.gz")
	return path, writeTarGz(path, name, files, stamp)
}

// versionOf reads the version and commit time Go stamped into the binary.
func versionOf(bin string) (string, time.Time, error) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "", time.Time{}, err
	}
	version, stamp := info.Main.Version, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range info.Settings {
		switch s.Key {
		case "CGO_ENABLED":
			if s.Value != "0" {
				return "", time.Time{}, errors.New("the binary was built with cgo: a release binary must be static")
			}
		case "vcs.time":
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				stamp = t
			}
		}
	}
	if version == "" || version == "(devel)" {
		version = "devel"
	}
	// A pseudo-version's "+dirty" would be an odd file name.
	return strings.ReplaceAll(version, "+", "-"), stamp, nil
}

// entry is one file of an archive.
type entry struct {
	name, path string
	mode       int64
}

func writeTarGz(path, dir string, files []entry, stamp time.Time) error {
	return writeFile(path, func(w io.Writer) error {
		gz, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		tw := tar.NewWriter(gz)
		for _, f := range files {
			b, err := os.ReadFile(f.path)
			if err != nil {
				return err
			}
			h := &tar.Header{Name: dir + "/" + f.name, Mode: f.mode, Size: int64(len(b)), ModTime: stamp, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if _, err := tw.Write(b); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return gz.Close()
	})
}

func writeZip(path, dir string, files []entry, stamp time.Time) error {
	return writeFile(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, f := range files {
			b, err := os.ReadFile(f.path)
			if err != nil {
				return err
			}
			h := &zip.FileHeader{Name: dir + "/" + f.name, Method: zip.Deflate, Modified: stamp}
			h.SetMode(os.FileMode(f.mode))
			fw, err := zw.CreateHeader(h)
			if err != nil {
				return err
			}
			if _, err := fw.Write(b); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}

// writeFile writes path through fill, all or nothing.
func writeFile(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".partial-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeSums writes SHA256SUMS for every archive in out, in the form
// `sha256sum -c SHA256SUMS` checks.
func writeSums(out string) error {
	var names []string
	for _, pattern := range []string{"signet_*.tar.gz", "signet_*.zip"} {
		m, err := filepath.Glob(filepath.Join(out, pattern))
		if err != nil {
			return err
		}
		names = append(names, m...)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, p := range names {
		sum, err := sha256File(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, filepath.Base(p))
	}
	return writeFile(filepath.Join(out, "SHA256SUMS"), func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
