package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/signet-id/signet/verify"
)

// identityFlags are the flags that name the user, shared by sign and verify.
type identityFlags struct {
	uid, email string
	identities pairList // --identity TYPE=VALUE
	attributes pairList // --attr NAME=VALUE (pylon-jwt's account and contact ids)
}

func (f *identityFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.uid, "uid", "", "the user id (sent as user_id at login; akece's identifier)")
	fs.StringVar(&f.email, "email", "", "the user's email")
	fs.Var(&f.identities, "identity", "another identity as `TYPE=VALUE` (repeatable): phone_number, steam_id…")
	fs.Var(&f.attributes, "attr", "a pylon-jwt claim as `NAME=VALUE` (repeatable): account_id, account_external_id, contact_id, contact_external_id")
}

// resolve folds --identity uid=… and email=… into --uid and --email and
// checks the other types.
func (f *identityFlags) resolve() (uid, email string, others []verify.Identity, attrs map[string]string, err error) {
	uid, email = f.uid, f.email
	for _, p := range f.identities {
		t := verify.IdentityType(p.name)
		switch {
		case !t.Known():
			return "", "", nil, nil, fmt.Errorf("--identity %s: unknown identity type (want one of %v)", p.name, verify.IdentityTypes())
		case t == verify.UID && uid != "" && uid != p.value, t == verify.Email && email != "" && email != p.value:
			return "", "", nil, nil, fmt.Errorf("--identity %s conflicts with --%s", p.name, map[verify.IdentityType]string{verify.UID: "uid", verify.Email: "email"}[t])
		case t == verify.UID:
			uid = p.value
		case t == verify.Email:
			email = p.value
		default:
			others = append(others, verify.Identity{Type: t, Value: p.value})
		}
	}
	for _, p := range f.attributes {
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs[p.name] = p.value
	}
	return uid, email, others, attrs, nil
}

// pair is NAME=VALUE.
type pair struct{ name, value string }

// pairList is a repeatable NAME=VALUE flag.
type pairList []pair

func (l *pairList) String() string { return "" }

func (l *pairList) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return errors.New("want NAME=VALUE")
	}
	*l = append(*l, pair{name, value})
	return nil
}

// secretFlags read the secret from --secret, --secret-file or $SIGNET_SECRET,
// so it need not sit in shell history.
type secretFlags struct {
	secret, file string
}

func (f *secretFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.secret, "secret", "", "the app's secret, exactly as Signet or your vendor showed it (or use --secret-file, or $SIGNET_SECRET)")
	fs.StringVar(&f.file, "secret-file", "", "read the secret from this file (one trailing newline is ignored)")
}

func (f *secretFlags) value(getenv func(string) string) (string, error) {
	switch {
	case f.secret != "" && f.file != "":
		return "", errors.New("give --secret or --secret-file, not both")
	case f.secret != "":
		return f.secret, nil
	case f.file != "":
		b, err := os.ReadFile(f.file)
		if err != nil {
			return "", fmt.Errorf("--secret-file: %w", err)
		}
		return strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"), nil
	case getenv("SIGNET_SECRET") != "":
		return getenv("SIGNET_SECRET"), nil
	}
	return "", errors.New("--secret is required (or --secret-file, or $SIGNET_SECRET)")
}

// unixFlag is an optional UNIX time in seconds.
type unixFlag struct {
	set bool
	t   int64
}

func (u *unixFlag) String() string {
	if !u.set {
		return ""
	}
	return strconv.FormatInt(u.t, 10)
}

func (u *unixFlag) Set(s string) error {
	t, err := strconv.ParseInt(s, 10, 64)
	if err != nil || t <= 0 {
		return errors.New("want UNIX seconds, such as 1767225600")
	}
	u.set, u.t = true, t
	return nil
}

func (u *unixFlag) time() time.Time { return time.Unix(u.t, 0) }

// newFlagSet returns a flag set whose usage prints text, then the flags.
func newFlagSet(name, text string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), text, "\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; it returns (exit code, true) when the command is done:
// --help asked for, or a usage error.
//
// The flag package prints the usage itself on -h and on a bad flag; that
// first print is held back, so --help prints the usage once, on stdout, and
// a bad flag prints its error and the usage once, on stderr.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) (int, bool) {
	stderr := fs.Output()
	var held bytes.Buffer
	fs.SetOutput(&held)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return exitValid, true
	}
	if err != nil {
		stderr.Write(held.Bytes())
		return exitUsage, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "signet %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, true
	}
	return 0, false
}

func usageError(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "signet %s: %v\nRun 'signet %s --help' for usage.\n", cmd, err, cmd)
	return exitUsage
}
