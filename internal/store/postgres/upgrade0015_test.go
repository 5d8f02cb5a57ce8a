package postgres_test

import (
	"database/sql"
	"testing"

	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0016: a database at 0012 with a named user and an attempt
// takes 0015 and 0016: the name reads unsigned, the attempt claims nothing.
func TestUpgradeTo0016(t *testing.T) {
	url := storetest.PostgresURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 12)
	storetest.Before0015(t, db)
	db.Close()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckUpgradeTo0016(t, s)
}
