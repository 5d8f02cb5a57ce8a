// Package seed fills an empty Signet database with a large, realistic data
// set for benchmarks: workspaces, apps with real sealed keys, users holding
// verified uid and email identities, a month of verification log and live
// sessions. Everything but the sealing nonces follows from one number
// (Config.Rand), so two runs with the same flags make the same data.
//
// The database is opened and migrated by the store packages, the master key
// loaded as `signet serve` loads it, and apps and keys are created through
// the store API with secrets sealed by package keyring, exactly as the admin
// API does: a server started afterwards on the same database and data
// directory verifies logins signed with the seeded secrets. Users,
// identities, attempts and sessions go in by bulk (COPY on PostgreSQL, one
// transaction of multi-row INSERTs on SQLite), since a million logins
// through the store would take hours.
//
// The seeded secrets are predictable from Config.Rand: a seeded database is
// for benchmarks and must never serve real traffic.
package seed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/server"
)

// Config says what to seed and where. Zero counts seed nothing of that kind.
type Config struct {
	// Database is sqlite:PATH or a postgres:// URL; default sqlite under DataDir.
	Database string
	// DataDir holds the master key file (and the default SQLite database),
	// as for `signet serve`; default ./signet-data.
	DataDir string
	// Getenv reads SIGNET_MASTER_KEY(_FILE); default os.Getenv.
	Getenv func(string) string

	Workspaces int // at least 1
	Apps       int // spread over the workspaces, at least one each
	Users      int // user i belongs to workspace i mod Workspaces
	Attempts   int // verification log entries over the 30 days before Now
	Sessions   int // sessions of distinct users while Sessions ≤ Users

	// Rand seeds every random choice (ids, secrets, distributions).
	Rand uint64
	// Now ends the seeded month; default the current time.
	Now time.Time
	// ExportApps is how many apps (the busiest: the first ones) the
	// manifest names with their secret; default 10.
	ExportApps int
	// Progress receives one line per step (never a secret); nil: silent.
	Progress io.Writer
}

// UserFormats name the seeded users: user i has uid fmt.Sprintf(UIDFormat, i)
// and email fmt.Sprintf(EmailFormat, i), both verified.
const (
	UIDFormat   = "user-%07d"
	EmailFormat = "user-%07d@example.com"
)

// Manifest is what a load generator needs to log seeded users in: written
// as JSON by WriteManifest. It holds secrets.
type Manifest struct {
	Rand       uint64          `json:"seed_rand"`
	Now        time.Time       `json:"now"`
	Workspaces []ManifestSpace `json:"workspaces"`
	// Apps are the busiest apps, each with its one key and secret.
	Apps  []ManifestApp `json:"apps"`
	Users ManifestUsers `json:"users"`
	// Counts are the rows seeded, by table.
	Counts Counts `json:"counts"`
}

// ManifestSpace is a seeded workspace.
type ManifestSpace struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ManifestApp is a seeded app with the secret of its key.
type ManifestApp struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Platform    string `json:"platform"`
	Profile     string `json:"profile"`
	Enforcement string `json:"enforcement"`
	KeyID       string `json:"key_id"`
	Secret      string `json:"secret"`
}

// ManifestUsers tells how to name the seeded users.
type ManifestUsers struct {
	Count       int    `json:"count"`
	UIDFormat   string `json:"uid_format"`
	EmailFormat string `json:"email_format"`
	// Workspace says which workspace holds user i.
	Workspace string `json:"workspace"`
}

// Counts are rows seeded per table.
type Counts struct {
	Workspaces int `json:"workspaces"`
	Apps       int `json:"apps"`
	Keys       int `json:"keys"`
	Users      int `json:"users"`
	Identities int `json:"identities"`
	Attempts   int `json:"attempts"`
	Sessions   int `json:"sessions"`
}

// Step is one timed part of a seeding run.
type Step struct {
	Name     string
	Rows     int
	Duration time.Duration
}

// Report says what a run made, how long each step took and how large the
// database ended up.
type Report struct {
	Steps []Step
	Total time.Duration
	// Size is the database's size in bytes (the SQLite file and its WAL,
	// or pg_database_size).
	Size int64
	// Notes are how the bulk load ran (pragmas, foreign-key checks).
	Notes []string
}

// Run seeds cfg.Database, which must hold no workspace yet. On an error the
// database may hold part of the data set: drop it and seed again.
func Run(ctx context.Context, cfg Config) (*Manifest, *Report, error) {
	start := time.Now()
	cfg, err := defaults(cfg)
	if err != nil {
		return nil, nil, err
	}
	rep := &Report{}
	step := func(name string, rows int, began time.Time) {
		s := Step{Name: name, Rows: rows, Duration: time.Since(began).Round(time.Millisecond)}
		rep.Steps = append(rep.Steps, s)
		cfg.progress("%-11s %10d rows  %s", name, rows, s.Duration)
	}

	t := time.Now()
	st, err := server.OpenStore(ctx, cfg.Database)
	if err != nil {
		return nil, nil, err
	}
	key, _, err := secretbox.LoadMasterKey(cfg.Getenv, cfg.DataDir)
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("master key: %w", err)
	}
	box, err := secretbox.New(key)
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("master key: %w", err)
	}
	existing, err := st.Workspaces(ctx)
	if err == nil && len(existing) > 0 {
		err = fmt.Errorf("the database already holds %d workspaces: seed fills an empty database only", len(existing))
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	step("migrate", 0, t)

	g := newGenerator(cfg)
	t = time.Now()
	if err := g.createTenants(ctx, st, box); err != nil {
		st.Close()
		return nil, nil, err
	}
	step("apps+keys", cfg.Apps, t)
	if err := st.Close(); err != nil {
		return nil, nil, err
	}

	var bulk bulkWriter
	if strings.HasPrefix(cfg.Database, "sqlite:") {
		bulk, err = openSQLiteBulk(ctx, strings.TrimPrefix(cfg.Database, "sqlite:"))
	} else {
		bulk, err = openPostgresBulk(ctx, cfg.Database)
	}
	if err != nil {
		return nil, nil, err
	}
	for _, tb := range g.tables() {
		t = time.Now()
		if err := bulk.load(ctx, tb, cfg.progress); err != nil {
			bulk.close(ctx)
			return nil, nil, fmt.Errorf("seed %s: %w", tb.name, err)
		}
		step(tb.name, tb.rows, t)
	}
	t = time.Now()
	if err := bulk.finish(ctx); err != nil {
		bulk.close(ctx)
		return nil, nil, err
	}
	step("finish", 0, t)
	rep.Notes = bulk.notes()
	if rep.Size, err = bulk.size(ctx); err != nil {
		bulk.close(ctx)
		return nil, nil, err
	}
	if err := bulk.close(ctx); err != nil {
		return nil, nil, err
	}
	rep.Total = time.Since(start).Round(time.Millisecond)
	return g.manifest(), rep, nil
}

// defaults fills in cfg's defaults and checks its counts.
func defaults(cfg Config) (Config, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = "signet-data"
	}
	if cfg.Database == "" {
		cfg.Database = "sqlite:" + filepath.Join(cfg.DataDir, "signet.db")
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	cfg.Now = cfg.Now.UTC().Truncate(time.Millisecond)
	if cfg.ExportApps == 0 {
		cfg.ExportApps = 10
	}
	switch {
	case cfg.Workspaces < 1:
		return cfg, errors.New("seed: at least one workspace")
	case cfg.Apps < cfg.Workspaces:
		return cfg, errors.New("seed: at least one app per workspace")
	case cfg.Users < 0 || cfg.Attempts < 0 || cfg.Sessions < 0 || cfg.ExportApps < 0:
		return cfg, errors.New("seed: counts cannot be negative")
	case cfg.Users > 9_999_999:
		return cfg, errors.New("seed: at most 9,999,999 users (the uid format has 7 digits)")
	case cfg.Sessions > 0 && cfg.Users == 0:
		return cfg, errors.New("seed: sessions need users")
	}
	if !strings.HasPrefix(cfg.Database, "sqlite:") && !strings.HasPrefix(cfg.Database, "postgres://") &&
		!strings.HasPrefix(cfg.Database, "postgresql://") {
		return cfg, errors.New("seed: the database must be sqlite:PATH or a postgres:// URL")
	}
	return cfg, nil
}

func (cfg *Config) progress(format string, args ...any) {
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, format+"\n", args...)
	}
}

// WriteManifest writes m as indented JSON to path, readable by its owner
// only (it holds secrets); an existing file is replaced.
func WriteManifest(path string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	// Remove first: OpenFile keeps the mode of a file that exists.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
