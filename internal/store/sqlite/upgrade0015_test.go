package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0016: a database at 0012 with a named user and an attempt
// takes 0015 and 0016: the name reads unsigned, the attempt claims nothing.
func TestUpgradeTo0016(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 12)
	storetest.Before0015(t, db)
	db.Close()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckUpgradeTo0016(t, s)
}
