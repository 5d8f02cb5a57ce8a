package postgres_test

import (
	"database/sql"
	"testing"

	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0014: accounts of one workspace whose emails differ only in
// case, and a dashboard session named after its account, take 0013 and
// 0014.
func TestUpgradeTo0014(t *testing.T) {
	url := storetest.PostgresURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 12)
	storetest.Before0013(t, db)
	db.Close()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckUpgradeTo0014(t, s)
}
