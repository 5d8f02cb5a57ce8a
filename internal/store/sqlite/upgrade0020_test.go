package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0020: a database at 0019 with a live session whose token
// has the old shape, and an issue and a message it wrote, takes 0020 (the
// sessions table rebuilt WITHOUT ROWID under the foreign keys of issues and
// messages): everything still holds together and the old token still works.
func TestUpgradeTo0020(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 19)
	storetest.Before0020(t, db)
	db.Close()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	svc := &login.Service{Store: s, Now: storetest.UpgradeNow}
	storetest.CheckUpgradeTo0020(t, s, svc, func() string {
		res, err := svc.Login(t.Context(), storetest.UpgradeApp, login.Request{DeviceID: "device-2"}, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		return res.Token
	})

	db, err = sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(t.Context(), `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk any
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			t.Fatal(err)
		}
		t.Errorf("foreign_key_check: a row of %s (%v) names a missing row of %s", table, rowid, parent)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var sql string
	if err := db.QueryRowContext(t.Context(), `SELECT sql FROM sqlite_schema WHERE name = 'sessions'`).Scan(&sql); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, "WITHOUT ROWID") || !strings.Contains(sql, "PRIMARY KEY (id, workspace_id)") {
		t.Errorf("sessions after the upgrade:\n%s", sql)
	}
}

// TestUpgradeFailsOnForeignKeyViolation: migrations run with foreign keys
// off, so a row they would leave pointing nowhere (here one that was
// already, written by a connection without foreign keys) fails the
// upgrade, which leaves the schema as it was.
func TestUpgradeFailsOnForeignKeyViolation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.AtVersion(t, db, "migrations", 19)
	storetest.Before0020(t, db)
	if _, err := db.ExecContext(t.Context(), `UPDATE issues SET session_id = 'ses_nosuchsession00'`); err != nil {
		t.Fatal(err)
	}
	if s, err := sqlite.Open(t.Context(), path); err == nil || !strings.Contains(err.Error(), "foreign key check") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("the upgrade over a dangling reference: %v", err)
	}
	var version, legacy int
	if err := db.QueryRowContext(t.Context(), `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(t.Context(),
		`SELECT COUNT(*) FROM pragma_table_info('sessions') WHERE name = 'legacy_token'`).Scan(&legacy); err != nil {
		t.Fatal(err)
	}
	if version != 19 || legacy != 0 {
		t.Errorf("after a failed upgrade: schema version %d, legacy_token columns %d; want 19, 0", version, legacy)
	}
}
