package postgres_test

import (
	"database/sql"
	"testing"

	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0005: a database at 0004 with attempts and API tokens takes
// 0005, which gives attempts seq, numbered in their old order.
func TestUpgradeTo0005(t *testing.T) {
	url := storetest.PostgresURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 4)
	for _, stmt := range []string{
		`INSERT INTO workspaces VALUES ('ws_1', 'Acme', 0)`,
		`INSERT INTO apps VALUES ('app_1', 'ws_1', 'iOS', 'ios', 'signet', 'enforce', 'reject', false, 3600, '', 0, 0)`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Before0005(t, db)
	db.Close()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckUpgradeTo0005(t, s)
}
