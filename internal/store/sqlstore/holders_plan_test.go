package sqlstore_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/sqlstore"
	"github.com/signet-id/signet/internal/store/storetest"
)

// TestHoldersPlanOnSmallTable: a batch's holder read looks each identity
// up through an index, however the planner prices the alternative. On a
// table of a few thousand identities, for a batch of a few dozen logins, it
// priced scanning the whole table into a hash join cheaper, which it is not
// on a table whose rows every login rewrites (each scan checks every old
// version): 186 such scans in a 6-second run of signet bench.
func TestHoldersPlanOnSmallTable(t *testing.T) {
	url := storetest.PostgresURL(t)
	s, err := postgres.Open(t.Context(), url) // migrates
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(t.Context(), q, args...); err != nil {
			t.Fatalf("%s: %v", strings.Fields(q)[0], err)
		}
	}
	users := func(from, to int) {
		exec(`INSERT INTO users (id, workspace_id, anonymous, name, created_at)
			SELECT 'usr_' || n, 'ws_plan', FALSE, '', n FROM generate_series($1::int, $2::int) AS n`, from, to)
		exec(`INSERT INTO identities (user_id, workspace_id, type, value, verified, metadata, created_at, seen_at)
			SELECT 'usr_' || n, 'ws_plan', t, t || '-' || n, TRUE, '{}', n, n
			FROM generate_series($1::int, $2::int) AS n, unnest(ARRAY['uid', 'email']) AS t`, from, to)
	}
	exec(`INSERT INTO workspaces (id, name, created_at) VALUES ('ws_plan', 'plan', 0)`)
	users(1, 2_000)
	exec(`ANALYZE identities, users`)

	const batch = 60
	ws, types, values := make([]string, batch), make([]string, batch), make([]string, batch)
	for n := range batch {
		ws[n], types[n], values[n] = "ws_plan", "uid", fmt.Sprintf("uid-%d", 1+n*30)
	}
	rows, err := db.QueryContext(t.Context(), "EXPLAIN "+sqlstore.HoldersStatement, ws, types, values)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plan.String(), "Seq Scan on identities") {
		t.Errorf("the holder read scans identities:\n%s", plan.String())
	}
}
