package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/signet-id/signet/internal/store/sqlite"
)

// TestUnavailable: a database file locked by another process past the busy
// timeout is "unavailable" (the API answers 503, which clients retry); a
// fault in a statement is not.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signet.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	// Another process holds the write lock…
	holder, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")

	// …and a writer that does not wait gets SQLITE_BUSY.
	impatient, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer impatient.Close()
	_, busy := impatient.ExecContext(ctx, "INSERT INTO workspaces (id, name, created_at) VALUES ('ws_x', 'x', 0)")
	if busy == nil {
		t.Fatal("a write under another process's lock succeeded")
	}
	if !st.Unavailable(busy) {
		t.Errorf("%v: not unavailable", busy)
	}

	_, fault := st.DB().ExecContext(ctx, "SELECT * FROM no_such_table")
	if fault == nil || st.Unavailable(fault) {
		t.Errorf("a statement's own fault %v counts as unavailable", fault)
	}
	if st.Unavailable(nil) {
		t.Error("nil is unavailable")
	}
}
