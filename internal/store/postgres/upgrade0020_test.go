package postgres_test

import (
	"database/sql"
	"testing"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestUpgradeTo0020: a database at 0019 with a live session whose token
// has the old shape, and an issue and a message it wrote, takes 0020 (the
// primary key moved to (id, workspace_id) under the foreign keys of issues
// and messages): everything still holds together and the old token works.
func TestUpgradeTo0020(t *testing.T) {
	url := storetest.PostgresURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.AtVersion(t, db, "migrations", 19)
	storetest.Before0020(t, db)
	s, err := postgres.Open(t.Context(), url)
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

	// The foreign keys of issues and messages survived, on the primary key.
	rows, err := db.QueryContext(t.Context(), `
		SELECT c.conrelid::regclass::text, i.relname
		FROM pg_constraint c JOIN pg_class i ON i.oid = c.conindid
		WHERE c.contype = 'f' AND c.confrelid = 'sessions'::regclass
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var table, index string
		if err := rows.Scan(&table, &index); err != nil {
			t.Fatal(err)
		}
		got = append(got, table+" on "+index)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "issues on sessions_pkey" || got[1] != "messages on sessions_pkey" {
		t.Errorf("foreign keys referencing sessions: %v", got)
	}
}
