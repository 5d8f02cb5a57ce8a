package buildinfo

import (
	"runtime"
	"strings"
	"testing"
)

// A test binary records no module version: Read says "devel" and still names
// the toolchain and platform.
func TestReadInATestBinary(t *testing.T) {
	i := Read()
	if i.Version == "" {
		t.Fatal("Version is empty; want devel or a module version")
	}
	if i.Go != runtime.Version() || i.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Fatalf("Read() = %+v", i)
	}
	if v := Version(); v == "" || strings.ContainsAny(v, " \n") {
		t.Fatalf("Version() = %q, want one word", v)
	}
}

func TestString(t *testing.T) {
	i := Info{Version: "v1.2.3", Commit: "6aa8390abcdef0123456789", Modified: true, Go: "go1.26.8", Platform: "linux/arm64"}
	want := "signet v1.2.3 (commit 6aa8390abcde, modified) go1.26.8 linux/arm64"
	if got := i.String(); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}
