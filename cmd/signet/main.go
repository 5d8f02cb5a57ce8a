// Command signet is Signet's single binary: `signet serve` runs the server;
// `signet sign` and `signet verify` are for a brand's developers; `signet
// bench` loads a running server to size a deployment.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/signet-id/signet/verify"
)

// Exit codes of `signet verify` (CONTRACT.md).
const (
	exitValid   = 0
	exitInvalid = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run executes one command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return exitUsage
	}
	switch args[0] {
	case "sign":
		return runSign(args[1:], stdout, stderr, getenv)
	case "verify":
		return runVerify(args[1:], stdout, stderr, getenv)
	case "serve":
		return runServe(args[1:], stdout, stderr, getenv)
	case "rotate-master-key":
		return runRotate(args[1:], stdout, stderr, getenv)
	case "seed":
		return runSeed(args[1:], stdout, stderr, getenv)
	case "bench":
		return runBench(args[1:], stdout, stderr, getenv)
	case "admin":
		return runAdmin(args[1:], stdout, stderr, getenv)
	case "version", "--version":
		return runVersion(args[1:], stdout, stderr)
	case "healthcheck":
		return runHealthcheck(args[1:], stdout, stderr, getenv)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
		return exitValid
	}
	fmt.Fprintf(stderr, "signet: unknown command %q\n\n%s", args[0], usage())
	return exitUsage
}

func usage() string {
	var b strings.Builder
	b.WriteString(`signet — identity verification for in-app support chat

Your backend signs the logged-in user's identity with a secret it shares with
Signet; the app or web widget sends that digest or token at login; Signet
checks it. These commands let you do both sides by hand, and tell you why a
signature fails.

Usage:
  signet serve   [--addr 127.0.0.1:8080] [--database DSN] [--demo]
                 run the server (SQLite under ./signet-data by default)
  signet rotate-master-key
                 re-encrypt every app secret under a new master key
  signet seed    [--database DSN] [--users N] [--attempts N] [--out seeded.json]
                 fill an empty database with a large data set for benchmarks
  signet bench   --target URL [--scenario LIST] [-c 64] [-d 10s] [--rate N|P%]
                 load a running server; every figure beside a fixed-answer ceiling
  signet sign    --profile P --secret S [identity flags] [token flags]
                 print the digest or token for a user, alone on one line
  signet verify  --profile P --secret S [identity flags] (--digest D | --token T)
                 check a digest or token; exit 0 valid, 1 invalid, 2 usage error
  signet admin reset-password --email E [--data-dir DIR | --database DSN]
                 give a dashboard account a new password, printed once
  signet version print the version, commit, Go toolchain and platform
  signet healthcheck [--url URL]
                 exit 0 when a running server's /healthz answers (containers)

Profiles (--profile):
`)
	for _, p := range verify.Profiles() {
		fmt.Fprintf(&b, "  %-18s %s\n", p, p.Describe())
	}
	b.WriteString(`
Run 'signet serve --help', 'signet bench --help', 'signet sign --help' or 'signet verify --help' for every flag, with examples.
`)
	return b.String()
}
