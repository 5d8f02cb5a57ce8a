package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0014: accounts of one workspace whose emails differ only in
// case, and a dashboard session named after its account, take 0013 and
// 0014 (the accounts table rebuilt).
func TestUpgradeTo0014(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 12)
	storetest.Before0013(t, db)
	db.Close()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckUpgradeTo0014(t, s)
}
