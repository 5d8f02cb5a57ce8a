package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0005: a database at 0004 with attempts and API tokens takes
// 0005, which rebuilds the attempts table with seq.
func TestUpgradeTo0005(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 4)
	for _, stmt := range []string{
		`INSERT INTO workspaces VALUES ('ws_1', 'Acme', 0)`,
		`INSERT INTO apps VALUES ('app_1', 'ws_1', 'iOS', 'ios', 'signet', 'enforce', 'reject', 0, 3600, '', 0, 0)`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Before0005(t, db)
	db.Close()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckUpgradeTo0005(t, s)
}
