package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/buildinfo"
)

const versionHelp = `Usage: signet version [--short]

Prints which Signet this is, from the build information Go stamps into the
binary: the version (a release tag, or a pseudo-version naming the commit;
"devel" for go run), the commit, the Go toolchain and the platform. The same
version is in GET /healthz.
`

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", versionHelp, stderr)
	short := fs.Bool("short", false, "print the version alone")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	if *short {
		fmt.Fprintln(stdout, buildinfo.Version())
		return 0
	}
	fmt.Fprintln(stdout, buildinfo.Read())
	return 0
}

const healthcheckHelp = `Usage: signet healthcheck [--url http://127.0.0.1:8080/healthz]

Exits 0 when a running server answers GET /healthz with 200 within 3 s, 1
otherwise: a container's HEALTHCHECK with nothing but the binary.
`

func runHealthcheck(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("healthcheck", healthcheckHelp, stderr)
	url := fs.String("url", "http://"+loopbackOf(envOr(getenv, "SIGNET_ADDR", "127.0.0.1:8080"))+"/healthz", "the server's /healthz (default from $SIGNET_ADDR)")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usageError(stderr, "healthcheck", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "signet healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "signet healthcheck: %s answered %s\n", *url, resp.Status)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}

// loopbackOf turns a listening address such as :8080 or 0.0.0.0:8080 into
// one a client on the same machine can reach.
func loopbackOf(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
