package storetest

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// AtVersion brings an empty database to schema version n as an older Signet
// left it, so that an upgrade test can put old rows in before opening the
// store: it runs the dialect's first n migration scripts (the .sql files of
// dir, in name order, as the store applies them) and records them in
// schema_migrations.
func AtVersion(t testing.TB, db *sql.DB, dir string, n int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var scripts []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			scripts = append(scripts, e.Name())
		}
	}
	slices.Sort(scripts)
	if len(scripts) < n {
		t.Fatalf("%s holds %d migrations, not %d", dir, len(scripts), n)
	}
	exec := func(stmt string) {
		t.Helper()
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range scripts[:n] {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		exec(string(b))
	}
	exec(`CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)`)
	for v := 1; v <= n; v++ {
		exec(fmt.Sprintf(`INSERT INTO schema_migrations VALUES (%d, 0)`, v))
	}
}
