package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"
)

// envName is the environment variable of a flag: SIGNET_ and the flag's
// name in capitals, dashes as underscores (--max-identity-failures is
// SIGNET_MAX_IDENTITY_FAILURES).
func envName(flagName string) string {
	return "SIGNET_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// nameEnv appends each flag's variable to its help line, so --help shows
// where else a setting can come from.
func nameEnv(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		f.Usage += " [$" + envName(f.Name) + "]"
	})
}

// applyEnv sets every flag not given on the command line from its variable,
// when that is set: the command line wins. Flags in secret are skipped (the
// caller reads them with secretSetting, which also knows NAME_FILE). A bad
// value names the variable, never its value, which may be a secret.
func applyEnv(fs *flag.FlagSet, getenv func(string) string, secret ...string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] || slices.Contains(secret, f.Name) {
			return
		}
		name := envName(f.Name)
		v := getenv(name)
		if v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = fmt.Errorf("%s (for --%s): not a valid value", name, f.Name)
		}
	})
	return err
}
