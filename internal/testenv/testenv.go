// Package testenv decides what a test does when something it needs from the
// machine (Node, PostgreSQL, Chromium…) is missing: skip on a developer's
// laptop, fail under CI, where .ci/run installs everything.
package testenv

import (
	"os"
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
