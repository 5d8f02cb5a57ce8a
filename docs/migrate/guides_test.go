package migrate

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testenv"
	"github.com/signet-id/signet/internal/testserver"
)

// TestGuides runs every guide in this folder as a reader would: each
// ```console block, in order, in one bash per guide, against a Signet of its
// own over real HTTP (SQLite, the real clock), with the signet command built
// from this checkout first on PATH and SIGNET_ADMIN_TOKEN set. Every "$ "
// line is a command; the lines under it are what it must print.
//
// A guide writes ids as placeholders (<APP_ID>, <KEY_ID>…): in the expected
// output a placeholder matches the id the server gave and binds it, so the
// same placeholder later must be the same id (the same user on two apps);
// in a command, a bound placeholder is replaced by its id. localhost:8080 is
// replaced by the test server's address.
//
// curl, jq, openssl and bash are what the guides use: missing, the test skips
// on a laptop and fails under CI.
func TestGuides(t *testing.T) {
	guides, err := filepath.Glob("*.md")
	if err != nil || len(guides) == 0 {
		t.Fatalf("no guides here: %v", err)
	}
	tools := map[string]string{"bash": "bash", "curl": "curl", "jq": "jq", "openssl": "openssl", "go": "the go command"}
	for tool, what := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Need(t, what)
		}
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "signet"), "../../cmd/signet")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/signet: %v\n%s", err, out)
	}
	for _, guide := range guides {
		t.Run(strings.TrimSuffix(guide, ".md"), func(t *testing.T) {
			text, err := os.ReadFile(guide)
			if err != nil {
				t.Fatal(err)
			}
			steps, err := parseSteps(string(text))
			if err != nil {
				t.Fatalf("%s: %v", guide, err)
			}
			if len(steps) == 0 {
				t.Fatalf("%s has no ```console block to run", guide)
			}
			runGuide(t, guide, bin, steps)
		})
	}
}

// A step is one command of a guide and what it must print.
type step struct {
	line     int // of the command, in the guide
	command  string
	expected []string
}

// parseSteps reads the ```console blocks of a guide.
func parseSteps(text string) ([]step, error) {
	var steps []step
	in := false
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && trimmed == "```console":
			in = true
		case in && trimmed == "```":
			in = false
		case in:
			// Blocks nested in a list are indented: drop the indentation.
			line = strings.TrimLeft(line, " ")
			if cmd, ok := strings.CutPrefix(line, "$ "); ok {
				steps = append(steps, step{line: i + 1, command: cmd})
				continue
			}
			if len(steps) == 0 || steps[len(steps)-1].line < 0 {
				return nil, fmt.Errorf("line %d: output before any command", i+1)
			}
			s := &steps[len(steps)-1]
			s.expected = append(s.expected, line)
		}
	}
	if in {
		return nil, fmt.Errorf("a ```console block is not closed")
	}
	return steps, nil
}

// runGuide starts a server and a shell and runs the steps in it.
func runGuide(t *testing.T, guide, bin string, steps []step) {
	dir := t.TempDir()
	srv := testserver.Start(t, testserver.Database(t, "sqlite", dir), dir, testserver.NewClock(),
		func(c *server.Config) { c.Now = time.Now })
	host := strings.TrimPrefix(srv.URL, "http://")
	sh := startShell(t, dir, []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + dir,
		"LC_ALL=C.UTF-8",
		"SIGNET_ADMIN_TOKEN=" + testserver.AdminToken,
	})
	// What the reader brings from the vendor: placeholders for their own ids.
	bound := map[string]string{"<PYLON_APP_ID>": "6f1d2c3b-4a59-4e87-b0c1-d2e3f4a5b6c7"}
	for _, s := range steps {
		cmd, err := substitute(s.command, bound)
		if err != nil {
			t.Fatalf("%s:%d: %v", guide, s.line, err)
		}
		cmd = strings.ReplaceAll(cmd, "localhost:8080", host)
		got := sh.run(t, cmd)
		if err := match(s.expected, got, bound); err != nil {
			t.Fatalf("%s:%d: $ %s\n%v\n--- the guide shows:\n%s\n--- it printed:\n%s",
				guide, s.line, s.command, err, strings.Join(s.expected, "\n"), strings.Join(got, "\n"))
		}
	}
}

var placeholder = regexp.MustCompile(`<[A-Z][A-Z0-9_]*>`)

// substitute replaces the bound placeholders of a command by their ids.
func substitute(cmd string, bound map[string]string) (string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(cmd, func(p string) string {
		v, ok := bound[p]
		if !ok {
			missing = append(missing, p)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("the command uses %s before any output showed it", strings.Join(missing, ", "))
	}
	return out, nil
}

// An id as the server writes it: prefix_ and base32, a key id, a UUID.
const idPattern = `[A-Za-z0-9][A-Za-z0-9_.:-]*`

// match compares what a command printed with what the guide shows, line by
// line (trailing blank lines aside), binding placeholders as it goes.
func match(expected, got []string, bound map[string]string) error {
	expected, got = trimBlank(expected), trimBlank(got)
	if len(expected) != len(got) {
		return fmt.Errorf("%d lines printed, the guide shows %d", len(got), len(expected))
	}
	for i := range expected {
		names := placeholder.FindAllString(expected[i], -1)
		parts := placeholder.Split(expected[i], -1)
		known := make([]bool, len(names))
		var re strings.Builder
		re.WriteString("^")
		for j, part := range parts {
			re.WriteString(regexp.QuoteMeta(part))
			if j < len(names) {
				v, ok := bound[names[j]]
				known[j] = ok
				if ok {
					re.WriteString(regexp.QuoteMeta(v))
				} else {
					re.WriteString("(" + idPattern + ")")
				}
			}
		}
		re.WriteString("$")
		m := regexp.MustCompile(re.String()).FindStringSubmatch(got[i])
		if m == nil {
			return fmt.Errorf("line %d differs", i+1)
		}
		k := 1
		for j, name := range names {
			if known[j] {
				continue
			}
			if prev, seen := bound[name]; seen && prev != m[k] {
				return fmt.Errorf("%s is %s here and %s before", name, m[k], prev)
			}
			bound[name] = m[k]
			k++
		}
		// Two placeholders that stand for different things must not be the same id.
		for name, v := range bound {
			for other, w := range bound {
				if name < other && v == w {
					return fmt.Errorf("%s and %s are both %s", name, other, v)
				}
			}
		}
	}
	return nil
}

func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// shell is one bash that runs a guide's commands in turn, so that variables
// set by one command are there for the next, as in the reader's terminal.
type shell struct {
	stdin io.WriteCloser
	out   *bufio.Reader
	n     int
}

func startShell(t *testing.T, dir string, env []string) *shell {
	cmd := exec.Command("bash", "--noprofile", "--norc")
	cmd.Dir, cmd.Env = dir, env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		pw.Close()
	})
	return &shell{stdin: stdin, out: bufio.NewReader(pr)}
}

// run runs one command and returns the lines it printed (stdout and stderr,
// as a terminal shows them).
func (s *shell) run(t *testing.T, cmd string) []string {
	t.Helper()
	s.n++
	marker := fmt.Sprintf("__guide_step_%d_done__", s.n)
	if _, err := fmt.Fprintf(s.stdin, "{ %s\n} 2>&1 </dev/null; printf '\\n%s\\n'\n", cmd, marker); err != nil {
		t.Fatalf("the shell is gone: %v", err)
	}
	type result struct {
		lines []string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		var lines []string
		for {
			line, err := s.out.ReadString('\n')
			if err != nil {
				done <- result{lines, err}
				return
			}
			line = strings.TrimSuffix(line, "\n")
			if line == marker {
				// The printf put a newline before the marker: drop it when
				// the output already ended with one.
				if n := len(lines); n > 0 && lines[n-1] == "" {
					lines = lines[:n-1]
				}
				done <- result{lines, nil}
				return
			}
			lines = append(lines, line)
		}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("$ %s: the shell ended: %v\n%s", cmd, r.err, strings.Join(r.lines, "\n"))
		}
		return r.lines
	case <-time.After(60 * time.Second):
		t.Fatalf("$ %s: no end after 60 s", cmd)
		return nil
	}
}
