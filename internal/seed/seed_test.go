package seed_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/seed"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

const adminToken = "seed-test-admin-token-0123456789abcdef0123"

// now is the seeded month's end and the test server's clock.
var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func noEnv(string) string { return "" }

// small is a data set of every kind of row, small enough for a test: ten
// apps, so that every seeded profile and enforcement appears.
func small(dsn, dir string) seed.Config {
	return seed.Config{Database: dsn, DataDir: dir, Getenv: noEnv, Workspaces: 1, Apps: 10, Users: 500,
		Attempts: 2000, Sessions: 100, Rand: 7, Now: now}
}

// open returns a plain connection to a seeded database, for counting.
func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver, name := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, name = "sqlite", path
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestSeed(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			dsn := "sqlite:" + filepath.Join(dir, "signet.db")
			if backend == "postgres" {
				dsn = storetest.PostgresURL(t)
			}
			cfg := small(dsn, dir)
			m, rep, err := seed.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Size <= 0 || len(rep.Steps) == 0 {
				t.Errorf("report: size %d, %d steps", rep.Size, len(rep.Steps))
			}
			db := open(t, dsn)
			checkCounts(t, db, m)
			checkConsistent(t, db, backend)

			// A second seed of the same database is refused: it would
			// mix two data sets, and SQLite's relaxed pragmas are safe on
			// a fresh file only.
			if _, _, err := seed.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "empty database") {
				t.Errorf("seeding a seeded database: %v, want a refusal", err)
			}

			srv, err := server.New(context.Background(), server.Config{Database: dsn, DataDir: dir, AdminToken: adminToken,
				Logger: slog.New(slog.DiscardHandler), Getenv: noEnv, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			h := srv.Handler()
			checkLog(t, h, db, m)
			checkLogins(t, h, db, m)
		})
	}
}

// checkCounts checks every table holds exactly what was asked for.
func checkCounts(t *testing.T, db *sql.DB, m *seed.Manifest) {
	t.Helper()
	want := seed.Counts{Workspaces: 1, Apps: 10, Keys: 10, Users: 500, Identities: 1000, Attempts: 2000, Sessions: 100}
	if m.Counts != want {
		t.Errorf("manifest counts %+v, want %+v", m.Counts, want)
	}
	for table, n := range map[string]int{"workspaces": want.Workspaces, "apps": want.Apps, "keys": want.Keys,
		"users": want.Users, "identities": want.Identities, "attempts": want.Attempts, "sessions": want.Sessions} {
		if got := count(t, db, "SELECT count(*) FROM "+table); got != n {
			t.Errorf("%s: %d rows, want %d", table, got, n)
		}
	}
	if got := count(t, db, "SELECT count(*) FROM identities WHERE verified AND type IN ('uid', 'email')"); got != 1000 {
		t.Errorf("%d verified uid and email identities, want 1000", got)
	}
	if got := count(t, db, "SELECT count(DISTINCT user_id) FROM sessions"); got != 100 {
		t.Errorf("sessions of %d distinct users, want 100", got)
	}
	if len(m.Apps) != 10 || len(m.Workspaces) != 1 || m.Users.Count != 500 {
		t.Errorf("manifest: %d apps, %d workspaces, %d users", len(m.Apps), len(m.Workspaces), m.Users.Count)
	}
	// The log looks like a real month: mostly verified, some failures
	// with a reason, every attempt within the month.
	verified := count(t, db, "SELECT count(*) FROM attempts WHERE result = 'verified' AND user_id IS NOT NULL AND key_id <> ''")
	failed := count(t, db, "SELECT count(*) FROM attempts WHERE reason <> '' AND result <> 'verified'")
	if verified < 1700 || failed < 20 || verified+failed > 2000 {
		t.Errorf("%d verified and %d failed attempts of 2000", verified, failed)
	}
	if n := count(t, db, "SELECT count(*) FROM attempts WHERE at < $1 OR at >= $2",
		now.Add(-30*24*time.Hour).UnixMilli(), now.UnixMilli()); n != 0 {
		t.Errorf("%d attempts outside the month", n)
	}
}

// checkConsistent checks that every reference of the bulk-loaded rows
// holds, since the load ran without the database's foreign-key checks.
func checkConsistent(t *testing.T, db *sql.DB, backend string) {
	t.Helper()
	for _, q := range []string{
		"SELECT count(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id AND u.workspace_id = i.workspace_id)",
		"SELECT count(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.id = i.key_id AND k.app_id = i.app_id)",
		"SELECT count(*) FROM attempts a WHERE a.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id AND u.workspace_id = a.workspace_id)",
		"SELECT count(*) FROM attempts a WHERE NOT EXISTS (SELECT 1 FROM apps p WHERE p.id = a.app_id AND p.workspace_id = a.workspace_id)",
		"SELECT count(*) FROM attempts a WHERE a.key_id <> '' AND NOT EXISTS (SELECT 1 FROM keys k WHERE k.id = a.key_id AND k.app_id = a.app_id)",
		"SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.workspace_id = s.workspace_id)",
		"SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.id = s.key_id AND k.app_id = s.app_id)",
	} {
		if n := count(t, db, q); n != 0 {
			t.Errorf("%d rows break: %s", n, q)
		}
	}
	if backend == "sqlite" {
		rows, err := db.Query("PRAGMA foreign_key_check")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if rows.Next() {
			t.Error("PRAGMA foreign_key_check finds rows")
		}
	}
}

// call makes an admin API request through h.
func call(t *testing.T, h http.Handler, method, path string, body any) map[string]any {
	t.Helper()
	var in bytes.Buffer
	if body != nil {
		json.NewEncoder(&in).Encode(body)
	}
	req := httptest.NewRequest(method, path, &in)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
		t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return out
}

// checkLog checks the verification log and rollout readiness APIs serve
// the seeded attempts.
func checkLog(t *testing.T, h http.Handler, db *sql.DB, m *seed.Manifest) {
	t.Helper()
	ws := m.Workspaces[0].ID
	list := call(t, h, "GET", "/api/admin/workspaces/"+ws+"/attempts?limit=100", nil)["attempts"].([]any)
	if len(list) != 100 {
		t.Fatalf("the log lists %d attempts, want 100", len(list))
	}
	results := map[string]int{}
	for _, a := range list {
		a := a.(map[string]any)
		id := a["id"].(string)
		if count(t, db, "SELECT count(*) FROM attempts WHERE id = $1", id) != 1 || !model.ValidID("att", id) {
			t.Fatalf("the log lists %s, which was not seeded", id)
		}
		results[a["result"].(string)]++
	}
	if results["verified"] == 0 || len(results) < 2 {
		t.Errorf("the newest 100 attempts' results: %v", results)
	}

	var monitor string
	for _, a := range m.Apps {
		if a.Enforcement == string(model.EnforcementMonitor) {
			monitor = a.ID
			break
		}
	}
	if monitor == "" {
		t.Fatal("no seeded app is in monitor")
	}
	r := call(t, h, "GET", "/api/admin/apps/"+monitor+"/readiness?days=30", nil)
	total, verified := 0, 0
	for _, b := range r["buckets"].([]any) {
		b := b.(map[string]any)
		total += int(b["total"].(float64))
		verified += int(b["verified"].(float64))
	}
	since := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -29).UnixMilli()
	wantTotal := count(t, db, "SELECT count(*) FROM attempts WHERE app_id = $1 AND at >= $2 AND (result = 'verified' OR reason <> '')", monitor, since)
	wantVerified := count(t, db, "SELECT count(*) FROM attempts WHERE app_id = $1 AND at >= $2 AND result = 'verified'", monitor, since)
	if total != wantTotal || verified != wantVerified || total == 0 || verified == total {
		t.Errorf("readiness of the monitor app: %d verified of %d, want %d of %d (some failing)", verified, total, wantVerified, wantTotal)
	}
}

// checkLogins logs a seeded user in through every app of the manifest,
// signed with the manifest's secret: each login is verified and finds the
// seeded user, not a new one.
func checkLogins(t *testing.T, h http.Handler, db *sql.DB, m *seed.Manifest) {
	t.Helper()
	users := count(t, db, "SELECT count(*) FROM users")
	for n, a := range m.Apps {
		i := 37*n + 11
		uid, email := fmt.Sprintf(m.Users.UIDFormat, i), fmt.Sprintf(m.Users.EmailFormat, i)
		var seeded string
		if err := db.QueryRow("SELECT user_id FROM identities WHERE type = 'uid' AND value = $1 AND verified", uid).Scan(&seeded); err != nil {
			t.Fatalf("%s: %v", uid, err)
		}
		p := verify.Profile(a.Profile)
		s := sign.Signer{Profile: p, Secret: a.Secret, KeyID: a.KeyID, AppID: a.ID, Now: func() time.Time { return now }}
		var c sign.Claims
		body := map[string]any{"app_version": "4.12.1", "device_id": "dev-test"}
		switch p {
		case verify.PylonJWT:
			c.Email, body["email"] = email, email
		case verify.Intercom:
			c.UserID, body["user_id"], body["email"] = uid, uid, email
		default:
			c.UserID, c.Email, body["user_id"], body["email"] = uid, email, uid, email
		}
		proof, err := s.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		if p.IsJWT() {
			body["identity_token"] = proof
		} else {
			body["user_hash"] = proof
		}
		j, _ := json.Marshal(body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/apps/"+a.ID+"/login", bytes.NewReader(j)))
		var out struct {
			Verified bool `json:"verified"`
			User     struct {
				ID string `json:"id"`
			} `json:"user"`
		}
		json.Unmarshal(rec.Body.Bytes(), &out)
		if rec.Code != 200 || !out.Verified || out.User.ID != seeded {
			t.Errorf("%s login of %s on %s: %d %s, want verified as %s", p, uid, a.ID, rec.Code, rec.Body, seeded)
		}
	}
	if got := count(t, db, "SELECT count(*) FROM users"); got != users {
		t.Errorf("the logins made %d new users; returning users make none", got-users)
	}
}

// TestSeedDeterministic seeds two SQLite files with the same flags and
// compares them row by row (but for the sealed secrets, whose nonces are
// random).
func TestSeedDeterministic(t *testing.T) {
	digest := func(seedRand uint64) (string, *seed.Manifest) {
		dir := t.TempDir()
		cfg := small("sqlite:"+filepath.Join(dir, "signet.db"), dir)
		cfg.Rand = seedRand
		m, _, err := seed.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		db := open(t, cfg.Database)
		h := sha256.New()
		for _, q := range []string{
			"SELECT id, workspace_id, name, platform, profile, enforcement, on_failure FROM apps ORDER BY id",
			// Fingerprints are keyed with the master key, which differs per
			// data dir: the keys' secrets are compared in the manifests.
			"SELECT id, app_id FROM keys ORDER BY id",
			"SELECT id, created_at FROM users ORDER BY id",
			"SELECT user_id, type, value, app_id, key_id, created_at, seen_at FROM identities ORDER BY user_id, type",
			"SELECT id, app_id, app_version, result, reason, cause, key_id, COALESCE(user_id, ''), at FROM attempts ORDER BY id",
			"SELECT id, user_id, hex(token_hash), device_id, created_at, COALESCE(revoked_at, 0) FROM sessions ORDER BY id",
		} {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(h, vals...)
			}
			rows.Close()
		}
		// The master keys differ (one per data dir): only the secrets
		// themselves must match.
		return hex.EncodeToString(h.Sum(nil)), m
	}
	a, ma := digest(7)
	b, mb := digest(7)
	c, _ := digest(8)
	if a != b || !reflect.DeepEqual(ma, mb) {
		t.Error("two seeds with --seed-rand 7 differ")
	}
	if a == c {
		t.Error("--seed-rand 7 and 8 made the same data")
	}
}

// TestManifestFile checks the manifest is written for its owner only.
func TestManifestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seeded.json")
	os.WriteFile(path, []byte("old"), 0o644)
	m := &seed.Manifest{Apps: []seed.ManifestApp{{ID: "app_x", Secret: "s3cret"}}}
	if err := seed.WriteManifest(path, m); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	var back seed.Manifest
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &back); err != nil || back.Apps[0].Secret != "s3cret" {
		t.Errorf("read back %+v, %v", back, err)
	}
}
