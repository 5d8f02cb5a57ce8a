// Package testenv decides what a test does when something it needs from the
// machine (Node, PostgreSQL, Chromium…) is missing: skip on a developer's
// laptop, fail under CI, where .ci/run installs everything. It also holds
// the check that keeps a package off another's imports.
package testenv

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Strict reports whether missing test dependencies must fail the run:
// under CI (CI=true, set by .ci/run) or with SIGNET_TEST_STRICT=1.
func Strict() bool {
	return os.Getenv("CI") == "true" || os.Getenv("SIGNET_TEST_STRICT") == "1"
}

// Need skips the test because of what is missing, or fails it when Strict.
func Need(tb testing.TB, what string) {
	tb.Helper()
	if Strict() {
		tb.Fatalf("%s is missing, and under CI nothing may be skipped", what)
	}
	tb.Skipf("%s is missing; skipped (under CI=true this fails)", what)
}

// NoImport fails t when a non-test Go file of the current directory (the
// package under test) imports a package whose path starts with forbidden;
// advice says what to do instead.
func NoImport(t *testing.T, forbidden, advice string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, forbidden) {
				t.Errorf("%s imports %s: %s", name, path, advice)
			}
		}
	}
}
