package main

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestCLIHelpOnce: in a terminal stdout and stderr are one screen, so
// --help must print each command's usage once in all, and a bad flag its
// error and the usage once.
func TestCLIHelpOnce(t *testing.T) {
	for _, cmd := range []string{"serve", "sign", "verify", "bench", "seed", "rotate-master-key", "version", "healthcheck", "admin"} {
		stdout, stderr, code := signet(t, cmd, "--help")
		screen := stdout + stderr
		if code != 0 {
			t.Errorf("%s --help: exit %d", cmd, code)
		}
		if n := strings.Count(screen, "Usage: signet "+cmd); n != 1 {
			t.Errorf("%s --help prints the usage %d times:\n%s", cmd, n, screen)
		}
		if stderr != "" {
			t.Errorf("%s --help wrote to stderr: %q", cmd, stderr)
		}
		stdout, stderr, code = signet(t, cmd, "--no-such-flag")
		if code != 2 || stdout != "" {
			t.Errorf("%s --no-such-flag: exit %d, stdout %q", cmd, code, stdout)
		}
		if !strings.Contains(stderr, "no-such-flag") || strings.Count(stderr, "Usage: signet "+cmd) != 1 {
			t.Errorf("%s --no-such-flag: want the error and the usage once, got:\n%s", cmd, stderr)
		}
	}
}

// TestCLIVersion: `signet version` names the version, toolchain and
// platform; --short prints the version alone, the word /healthz answers.
func TestCLIVersion(t *testing.T) {
	stdout, _, code := signet(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "signet ") || !strings.Contains(stdout, " go1.") {
		t.Fatalf("signet version: exit %d, %q", code, stdout)
	}
	short, _, code := signet(t, "version", "--short")
	short = strings.TrimSpace(short)
	if code != 0 || short == "" || strings.Contains(short, " ") || !strings.Contains(stdout, short) {
		t.Fatalf("signet version --short: exit %d, %q (long: %q)", code, short, stdout)
	}
	if long, _, _ := signet(t, "--version"); long != stdout {
		t.Errorf("--version printed %q, version %q", long, stdout)
	}
}

// TestCLIHealthcheck: exit 0 against a server answering /healthz, 1 when
// nothing listens.
func TestCLIHealthcheck(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"status":"ok"}`))
	})}
	go srv.Serve(l)
	defer srv.Close()
	if out, errOut, code := signet(t, "healthcheck", "--url", "http://"+l.Addr().String()+"/healthz"); code != 0 || out != "ok\n" {
		t.Errorf("healthcheck of a live server: exit %d, %q %q", code, out, errOut)
	}
	if _, errOut, code := signet(t, "healthcheck", "--url", "http://"+l.Addr().String()+"/nothing"); code != 1 || !strings.Contains(errOut, "404") {
		t.Errorf("healthcheck of a 404: exit %d, %q", code, errOut)
	}
	srv.Close()
	if _, _, code := signet(t, "healthcheck", "--url", "http://"+l.Addr().String()+"/healthz"); code != 1 {
		t.Errorf("healthcheck with nothing listening: exit %d, want 1", code)
	}
}

func TestLoopbackOf(t *testing.T) {
	for in, want := range map[string]string{":8080": "127.0.0.1:8080", "0.0.0.0:80": "127.0.0.1:80", "[::]:8080": "[::1]:8080",
		"10.0.0.5:8080": "10.0.0.5:8080", "[fd00::1]:8080": "[fd00::1]:8080"} {
		if got := loopbackOf(in); got != want {
			t.Errorf("loopbackOf(%q) = %q, want %q", in, got, want)
		}
	}
}
