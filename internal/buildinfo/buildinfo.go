// Package buildinfo says which Signet this binary is, from the build
// information the Go toolchain stamps into every binary (runtime/debug): the
// module version (a release tag, or a pseudo-version naming the commit) and
// the commit itself. `signet version` prints it and /healthz answers it.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Info is what a binary knows about its own build.
type Info struct {
	// Version is the module version: v1.2.3, a pseudo-version such as
	// v0.0.0-20261206045950-6aa8390abcde(+dirty), or "devel" when the build
	// recorded none (go run, go test, a build outside version control).
	Version string
	// Commit is the VCS revision, when recorded; Modified says the work tree
	// had uncommitted changes.
	Commit   string
	Modified bool
	// Go is the toolchain that built it; Platform is GOOS/GOARCH.
	Go       string
	Platform string
}

// Read returns the running binary's build information.
func Read() Info {
	info := Info{Version: "devel", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		info.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// Version is Read().Version, with the commit appended when the version does
// not already name it (a "devel" build from a checkout).
func Version() string {
	i := Read()
	if i.Version == "devel" && i.Commit != "" {
		v := "devel+" + short(i.Commit)
		if i.Modified {
			v += "-dirty"
		}
		return v
	}
	return i.Version
}

// String is one line for a person: version, commit, toolchain, platform.
func (i Info) String() string {
	var b strings.Builder
	b.WriteString("signet " + i.Version)
	if i.Commit != "" {
		b.WriteString(" (commit " + short(i.Commit))
		if i.Modified {
			b.WriteString(", modified")
		}
		b.WriteString(")")
	}
	b.WriteString(" " + i.Go + " " + i.Platform)
	return b.String()
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
