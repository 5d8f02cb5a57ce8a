package testserver

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// secretFields are the JSON fields, in requests and answers, whose values
// must never reach a log: key secrets, proofs, passwords and tokens.
var secretFields = []string{"secret", "identity_token", "user_hash", "password", "anonymous_session", "token", "session_token"}

// minSecret is the length from which a remembered value is looked for: a
// shorter one (a wrong guess in a test, "null") would match by chance.
const minSecret = 16

// secrets are the values a test sent or received, each with its kind.
type secrets struct {
	mu   sync.Mutex
	kind map[string]string
}

// byTest holds the secrets of each running test, so that a test with two
// servers (two nodes, a restart) looks for every secret in both servers'
// logs.
var byTest sync.Map // testing.TB → *secrets

func secretsOf(t testing.TB) *secrets {
	v, loaded := byTest.LoadOrStore(t, &secrets{kind: map[string]string{}})
	if !loaded {
		// Registered before any server's cleanup, so it runs after them.
		t.Cleanup(func() { byTest.Delete(t) })
	}
	return v.(*secrets)
}

// Remember adds value, of the kind ("password", "dashboard session"…), to
// the secrets CheckLeaks looks for: for the test packages' helpers that
// send a secret some other way than Send.
func (s *Server) Remember(kind, value string) { s.secrets.add(kind, value) }

func (s *secrets) add(kind, value string) {
	if len(value) < minSecret {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.kind[value]; !ok {
		s.kind[value] = kind
	}
}

// rememberJSON remembers the secret fields of a JSON document, at any depth.
func (s *Server) rememberJSON(doc []byte) {
	var v any
	if json.Unmarshal(doc, &v) == nil {
		s.secrets.walk(v)
	}
}

func (s *secrets) walk(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, f := range v {
			if str, ok := f.(string); ok && slices.Contains(secretFields, k) {
				s.add(k, str)
			} else {
				s.walk(f)
			}
		}
	case []any:
		for _, f := range v {
			s.walk(f)
		}
	}
}

// A Leak is a remembered secret found in the server's logs or output.
type Leak struct {
	Kind  string // the field or header it came through
	Where string // "log" or "output"
	// Prefix is the secret's first characters, enough to tell it apart.
	Prefix string
	// Line is the line it stands in, every remembered secret in it masked.
	Line string
}

// CheckLeaks fails the test for every remembered secret that stands in the
// server's logs or output, but for what the server prints by design. Call
// it once the server has stopped.
func (s *Server) CheckLeaks(t testing.TB) {
	t.Helper()
	logs := s.Logs.String()
	if len(s.secrets.list()) > 0 && !strings.Contains(logs, "level=DEBUG") {
		t.Errorf("secret scan: the server did not log at debug level; the scan would prove nothing")
	}
	for _, l := range s.secrets.leaks(logs, withoutPrinted(s.Out.String())) {
		t.Errorf("secret scan: a %s (%s…) stands in the server's %s: %s", l.Kind, l.Prefix, l.Where, l.Line)
	}
}

func (s *secrets) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := make([]string, 0, len(s.kind))
	for v := range s.kind {
		l = append(l, v)
	}
	slices.Sort(l)
	return l
}

// leaks finds the secrets in logs and out as they stand, quoted (how slog
// writes a value with spaces or quotes) or escaped in a URL.
func (s *secrets) leaks(logs, out string) []Leak {
	values := s.list()
	s.mu.Lock()
	kinds := make(map[string]string, len(values))
	for _, v := range values {
		kinds[v] = s.kind[v]
	}
	s.mu.Unlock()
	var mask []string
	for _, v := range values {
		for _, form := range forms(v) {
			mask = append(mask, form, "<"+kinds[v]+">")
		}
	}
	masker := strings.NewReplacer(mask...)
	var found []Leak
	for _, text := range []struct{ where, text string }{{"log", logs}, {"output", out}} {
		for _, v := range values {
			for _, form := range forms(v) {
				i := strings.Index(text.text, form)
				if i < 0 {
					continue
				}
				start := strings.LastIndexByte(text.text[:i], '\n') + 1
				end := strings.IndexByte(text.text[i:], '\n')
				if end < 0 {
					end = len(text.text) - i
				}
				line := masker.Replace(text.text[start : i+end])
				if len(line) > 300 {
					line = line[:300] + "…"
				}
				found = append(found, Leak{Kind: kinds[v], Where: text.where, Prefix: v[:8], Line: line})
				break
			}
		}
	}
	return found
}

// forms are the ways v may stand in a log line.
func forms(v string) []string {
	f := []string{v}
	if q := strconv.Quote(v); q[1:len(q)-1] != v {
		f = append(f, q[1:len(q)-1])
	}
	if q := url.QueryEscape(v); q != v {
		f = append(f, q)
	}
	return f
}

// printed are what the server prints on purpose for the person starting
// it, once: the first-run owner token (Main.bootstrap) and the demo owner's
// password. Their secrets may stand there, and nowhere else.
var printed = []*regexp.Regexp{
	regexp.MustCompile(`\nFirst run\. This owner API token is shown once and never again; keep it in a password manager:\n\n    (sat_[A-Za-z0-9_-]+)\n\nCreate your first workspace:\n    curl -H "Authorization: Bearer (sat_[A-Za-z0-9_-]+)" -H "Content-Type: application/json" -d '\{"name":"My brand"\}' \S+/api/admin/workspaces\n`),
	regexp.MustCompile(`Dashboard: \S+/dashboard/ — sign in as \S+ with the password \S+ \(shown once\)\.\n`),
}

// withoutPrinted is out without the first of each print made on purpose.
func withoutPrinted(out string) string {
	for _, re := range printed {
		if loc := re.FindStringIndex(out); loc != nil {
			out = out[:loc[0]] + out[loc[1]:]
		}
	}
	return out
}
