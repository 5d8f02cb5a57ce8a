package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/store/sqlstore"
	"github.com/signet-id/signet/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.SQLite(t) })
}

// TestPrivateFiles: the database, its WAL and its new directory are the
// owner's alone, whatever the umask.
func TestPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "signet")
	path := filepath.Join(dir, "signet.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A write makes the -wal file exist.
	if err := s.CreateWorkspace(t.Context(), &model.Workspace{ID: model.NewID("ws"), Name: "x"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		mode os.FileMode
	}{
		{dir, 0o700 | os.ModeDir},
		{path, 0o600},
		{path + "-wal", 0o600},
	} {
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != tc.mode {
			t.Errorf("%s: mode %v, want %v", tc.path, fi.Mode(), tc.mode)
		}
	}
}

// TestReadDuringWrite: reads go to the reader pool, so they answer while
// the store's single writer connection is stuck in a write.
func TestReadDuringWrite(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "signet.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	committed := &model.Workspace{ID: model.NewID("ws"), Name: "committed"}
	if err := s.CreateWorkspace(ctx, committed, nil); err != nil {
		t.Fatal(err)
	}

	// Another connection, as another process would, holds the write lock
	// (BEGIN IMMEDIATE) with an uncommitted row...
	other, err := sql.Open("sqlite", path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES ('ws_uncommitted', 'x', 0)`); err != nil {
		t.Fatal(err)
	}
	// ...so a write of the store waits for it (busy_timeout), holding the
	// store's only writer connection.
	written := make(chan error, 1)
	go func() {
		written <- s.CreateWorkspace(ctx, &model.Workspace{ID: model.NewID("ws"), Name: "waiting"}, nil)
	}()
	time.Sleep(100 * time.Millisecond) // let the write take the writer; nothing to wait on instead

	readCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	list, err := s.Workspaces(readCtx)
	if err != nil {
		t.Fatalf("read while the writer is busy: %v", err)
	}
	if len(list) != 1 || list[0].ID != committed.ID {
		t.Errorf("Workspaces = %+v, want only the committed one", list)
	}
	select {
	case err := <-written:
		t.Fatalf("the write did not wait for the other connection's lock: %v", err)
	default:
	}

	// Once the lock is released the waiting write goes through.
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-written; err != nil {
		t.Fatalf("the waiting write: %v", err)
	}
}

// TestReopen: opening an existing database applies no migration twice and
// keeps the data.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	w := &model.Workspace{ID: model.NewID("ws"), Name: "kept"}
	if err := s.CreateWorkspace(t.Context(), w, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Workspace(t.Context(), w.ID); err != nil {
		t.Fatal(err)
	}
}

// TestThrottleAcrossOpens: two stores on one file, as two processes would
// have, share the counters and never lose a count between them.
func TestThrottleAcrossOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	var stores [2]*sqlstore.Store
	for i := range stores {
		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	storetest.HammerThrottle(t, stores[0], stores[1])
}

// TestUpgradeTo0003: a database made by the first two migrations, with a
// key in it, takes 0003: the key reads back not weak.
func TestUpgradeTo0003(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 2)
	for _, stmt := range []string{
		`INSERT INTO workspaces VALUES ('ws_1', 'Acme', 0)`,
		`INSERT INTO apps VALUES ('app_1', 'ws_1', 'iOS', 'ios', 'signet', 'enforce', 'reject', 0, 3600, '', 0, 0)`,
		`INSERT INTO keys VALUES ('key_1', 'app_1', 'ws_1', x'00', 1, 'fp', 0, NULL, NULL, NULL)`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k, err := s.Key(t.Context(), "key_1")
	if err != nil {
		t.Fatal(err)
	}
	if k.Weak || !k.Imported {
		t.Errorf("a key from before 0003 reads back %+v, want imported and not weak", k)
	}
}

func BenchmarkReturningLogins(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "signet.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkReturningLogins(b, s)
}
