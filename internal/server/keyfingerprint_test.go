package server_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/server"
)

// unkeyedFingerprint is how versions before issue 12 fingerprinted a
// secret: HMAC-SHA256 keyed with the secret itself, so anyone holding the
// database could test guesses against it.
func unkeyedFingerprint(secret string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte("signet key fingerprint"))
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// openDB opens the test server's database directly.
func openDB(t *testing.T, s *testServer) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", s.DSN
	if path, ok := strings.CutPrefix(s.DSN, "sqlite:"); ok {
		driver, dsn = "sqlite", path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestFingerprintsAreKeyed: a key's fingerprint is keyed with the master
// key, so the database alone tells nothing about the secret; an upgrade
// replaces the unkeyed fingerprints of earlier versions, in the keys table
// and in the audit log, before the server serves.
func TestFingerprintsAreKeyed(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "intercom"})
			const secret = "acme-intercom-secret-2021-rotated"
			key := s.must(201, s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, map[string]any{"secret": secret}))
			fp := key.Str("fingerprint")
			old := unkeyedFingerprint(secret)
			if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(fp) || fp == old || strings.Contains(fp, old) {
				t.Fatalf("fingerprint %q (the unkeyed one: %q)", fp, old)
			}

			// An upgrade: the database as an earlier version left it.
			db := openDB(t, s)
			for _, stmt := range []string{
				`UPDATE keys SET fingerprint = '` + old + `' WHERE id = '` + key.Str("id") + `'`,
				`INSERT INTO audit_log (id, workspace_id, actor_role, actor_id, action, target_type, target_id, details, ip, user_agent, at)
				 VALUES ('aud_old', '` + ws + `', 'owner', '', 'key.create', 'key', '` + key.Str("id") + `', '{"app_id":"` + app + `","fingerprint":"` + old + `","imported":true}', '127.0.0.1', 'old', 1)`,
				`DELETE FROM schema_migrations WHERE version = 11`, // 0011_keyed_fingerprints: run again
			} {
				if _, err := db.Exec(stmt); err != nil {
					t.Fatal(err)
				}
			}
			again := startOn(t, s.DSN, s.DataDir, s.Clock, func(*server.Config) {})
			keys := again.must(200, again.do("GET", "/api/admin/apps/"+app+"/keys", adminToken, nil))
			if !strings.Contains(keys.Raw, `"fingerprint":"`+fp+`"`) {
				t.Errorf("after the upgrade, the fingerprint is not the keyed one: %s", keys.Raw)
			}
			var stored string
			if backend == "sqlite" {
				db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
				stored = sqliteFiles(t, s.DataDir)
			} else {
				stored = postgresRows(t, s.DSN)
			}
			if !strings.Contains(stored, fp) {
				t.Fatal("the scan does not see the keyed fingerprint: it would prove nothing")
			}
			if strings.Contains(stored, old) {
				t.Error("the unkeyed fingerprint is still in the database after the upgrade")
			}
			audit := again.must(200, again.do("GET", "/api/admin/workspaces/"+ws+"/audit", adminToken, nil))
			if !strings.Contains(audit.Raw, `"aud_old"`) && !strings.Contains(audit.Raw, `"app_id":"`+app+`"`) {
				t.Errorf("the old audit entry is gone: %s", audit.Raw)
			}
		})
	}
}

// TestWeakSecrets: an imported secret that is easy to guess is refused
// with weak_secret unless forced, and a forced one is shown as weak.
func TestWeakSecrets(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "intercom"})
			for _, weak := range []string{"aaaaaaaaaaaaaaaa", "passwordpassword", "your_secret_key_here", "changeme-changeme",
				"0123456789abcdef", "abcdefghijklmnopqrstuvwxyz", "Secret_Key_12345678"} {
				a := s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, map[string]any{"secret": weak})
				if a.Status != 400 || a.Code() != "weak_secret" {
					t.Errorf("%q: %d %s", weak, a.Status, a.Raw)
				}
				if strings.Contains(a.Raw, weak) {
					t.Errorf("the refusal repeats the secret: %s", a.Raw)
				}
			}
			forced := s.must(201, s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, map[string]any{"secret": "passwordpassword", "force": true}))
			if forced.Body["weak"] != true {
				t.Errorf("a forced weak secret is not flagged: %s", forced.Raw)
			}
			strong := s.must(201, s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, map[string]any{"secret": "q7Rk2vXn9TzL4mWp8sJd"}))
			if strong.Body["weak"] != false {
				t.Errorf("a strong secret is flagged: %s", strong.Raw)
			}
			list := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/keys", adminToken, nil))
			if !strings.Contains(list.Raw, `"weak":true`) {
				t.Errorf("the key list does not show the weak key: %s", list.Raw)
			}
		})
	}
}
