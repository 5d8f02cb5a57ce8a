package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/signet-id/signet/internal/seed"
)

const seedHelp = `Usage: signet seed [--database DSN] [--data-dir DIR] [--users N] [--attempts N] … [--out seeded.json]

Fills an empty Signet database with a large, realistic data set for
benchmarks: apps with real sealed keys (the master key is loaded as
'signet serve' loads it, so a server started afterwards on the same database
and data dir verifies them), users with verified uid and email identities, a
month of verification log and sessions. The same --seed-rand makes the same
data. Prints what it made and how long each step took.

--out writes a JSON file (mode 0600: it holds secrets, which are never
printed) naming the workspaces, the busiest apps with their key id and
secret, and the users' uid and email formats, for a load generator.

The seeded secrets follow from --seed-rand: never serve real traffic from a
seeded database.

Example (1M users, 10k apps, 10M attempts):
  signet seed --database postgres://postgres@127.0.0.1/seed_big --workspaces 1 --apps 10000 \
      --users 1000000 --attempts 10000000 --sessions 200000 --out seeded.json
`

func runSeed(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("seed", seedHelp, stderr)
	database := fs.String("database", "", "sqlite:PATH or a postgres:// URL of an empty database (default sqlite under --data-dir)")
	dataDir := fs.String("data-dir", envOr(getenv, "SIGNET_DATA_DIR", "signet-data"), "where the master key file (and the default SQLite database) live")
	workspaces := fs.Int("workspaces", 1, "workspaces to create")
	apps := fs.Int("apps", 10, "apps, spread over the workspaces, one key each")
	users := fs.Int("users", 1000, "users, each with a verified uid and email")
	attempts := fs.Int("attempts", 10000, "verification log entries over the last 30 days")
	sessions := fs.Int("sessions", -1, "sessions of distinct users (default: a fifth of --users)")
	rnd := fs.Uint64("seed-rand", 1, "seeds every random choice: the same number, the same data")
	exportApps := fs.Int("export-apps", 10, "how many apps (the busiest) --out names with their secret")
	out := fs.String("out", "", "write the JSON manifest (with secrets) to this file, mode 0600")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	dsn, err := secretSetting(getenv, "SIGNET_DATABASE")
	if err != nil {
		return usageError(stderr, "seed", err)
	}
	if *database != "" {
		dsn = *database
	}
	if *sessions < 0 {
		*sessions = *users / 5
	}
	cfg := seed.Config{Database: dsn, DataDir: *dataDir, Getenv: getenv, Workspaces: *workspaces, Apps: *apps,
		Users: *users, Attempts: *attempts, Sessions: *sessions, Rand: *rnd, ExportApps: *exportApps, Progress: stdout}
	m, rep, err := seed.Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(stderr, "signet seed: %v\n", err)
		return 1
	}
	c := m.Counts
	fmt.Fprintf(stdout, "Seeded %d workspaces, %d apps, %d keys, %d users, %d identities, %d attempts, %d sessions in %s; database size %.1f MB.\n",
		c.Workspaces, c.Apps, c.Keys, c.Users, c.Identities, c.Attempts, c.Sessions, rep.Total.Round(time.Millisecond), float64(rep.Size)/(1<<20))
	for _, n := range rep.Notes {
		fmt.Fprintf(stdout, "  (%s)\n", n)
	}
	if *out != "" {
		if err := seed.WriteManifest(*out, m); err != nil {
			fmt.Fprintf(stderr, "signet seed: --out: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "Wrote %s (workspaces, %d apps with their secrets, the user formats).\n", *out, len(m.Apps))
	}
	return 0
}
