package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSystemdUnit: the unit's ExecStart is a `signet serve` command line
// this binary accepts, it runs with the hardening the README promises, and
// systemd itself finds nothing wrong with it (when systemd-analyze is here).
func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("../../packaging/signet.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	m := regexp.MustCompile(`(?m)^ExecStart=(\S+) (.*)$`).FindStringSubmatch(unit)
	if m == nil {
		t.Fatal("no ExecStart line")
	}
	args := strings.Fields(m[2])
	if args[0] != "serve" {
		t.Fatalf("ExecStart runs %q, want serve", args[0])
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o serveOptions
	o.register(fs)
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		t.Fatalf("ExecStart's flags %v: %v", args[1:], err)
	}
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=signet", "NoNewPrivileges=yes", "ProtectSystem=strict",
		"ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "CapabilityBoundingSet=\n", "RestrictAddressFamilies=",
		"SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes", "UMask=0077"} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q", strings.TrimSpace(want))
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is missing: the unit's syntax is not checked by systemd")
		return
	}
	copyPath := filepath.Join(t.TempDir(), "signet.service")
	if err := os.WriteFile(copyPath, []byte(strings.Replace(unit, "ExecStart="+m[1], "ExecStart="+signetBin, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(analyze, "verify", copyPath).CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestDockerfile: the image builds a static binary, runs it as a non-root
// user with /data as a volume, checks its health with the binary itself,
// and configures serve only through variables serve reads.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../packaging/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{"CGO_ENABLED=0", `VOLUME ["/data"]`, "USER 65532:65532", `HEALTHCHECK`, `CMD ["/usr/local/bin/signet", "healthcheck"]`,
		`ENTRYPOINT ["/usr/local/bin/signet"]`, `CMD ["serve"]`, "SIGNET_DATA_DIR=/data"} {
		if !strings.Contains(df, want) {
			t.Errorf("the Dockerfile lacks %s", want)
		}
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o serveOptions
	o.register(fs)
	known := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { known[envName(f.Name)] = true })
	for _, v := range regexp.MustCompile(`(SIGNET_[A-Z_]+)=`).FindAllStringSubmatch(df, -1) {
		name := strings.TrimSuffix(v[1], "_FILE")
		if !known[name] && name != "SIGNET_MASTER_KEY" && name != "SIGNET_ADMIN_TOKEN" {
			t.Errorf("the Dockerfile sets %s, which serve does not read", v[1])
		}
	}
	if strings.Contains(df, "USER root") || strings.Contains(df, "USER 0") {
		t.Error("the image runs as root")
	}
}
