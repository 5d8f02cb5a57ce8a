package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store/sqlstore"
)

// The writer leaves checkpoints to the checkpointer (wal_autocheckpoint is
// only a backstop at 100,000 pages): what is committed reaches the database
// file within a checkpoint period or two, while the store is open, with no
// write of the writer's asking for it.
func TestCheckpointInBackground(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	// A name found nowhere else: it is in the database file only once a
	// checkpoint copied its page there (until then, in the WAL alone).
	marker := "checkpoint-marker-" + model.NewID("x")
	inFile := func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Contains(b, []byte(marker))
	}
	for i := range 200 {
		w := &model.Workspace{ID: model.NewID("ws"), Name: fmt.Sprintf("%s %d", marker, i), CreatedAt: time.Now()}
		if err := s.CreateWorkspace(ctx, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * checkpointEvery)
	for !inFile() {
		if time.Now().After(deadline) {
			t.Fatalf("%v after 200 commits, the database file still lacks them: no checkpoint ran", 10*checkpointEvery)
		}
		time.Sleep(checkpointEvery / 5)
	}
}

// TestWALRestartsUnderLoad: under writes that never pause, the WAL is
// written again from its start once a checkpoint leaves more than
// walRestartAt pages in it. Without the checkpointer's restart it only
// grows, to the writer's backstop of 100,000 pages: a checkpoint beside the
// writer always leaves behind what was committed while it ran.
func TestWALRestartsUnderLoad(t *testing.T) {
	// Set back once the store, and its checkpointer, are closed (cleanups
	// run last first).
	was := walRestartAt
	t.Cleanup(func() { walRestartAt = was })
	walRestartAt = 300
	ctx := context.Background()
	s, path := openStore(t)
	salt := func() []byte { return walSalt(t, path) }
	stop := make(chan struct{})
	writes := make(chan error, 4)
	for range cap(writes) {
		go func() {
			for {
				select {
				case <-stop:
					writes <- nil
					return
				default:
				}
				w := &model.Workspace{ID: model.NewID("ws"), Name: "under load", CreatedAt: time.Now()}
				if err := s.CreateWorkspace(ctx, w, nil); err != nil {
					writes <- err
					return
				}
			}
		}()
	}
	defer func() {
		close(stop)
		for range cap(writes) {
			if err := <-writes; err != nil {
				t.Error(err)
			}
		}
	}()
	time.Sleep(checkpointEvery / 5)
	first := salt()
	deadline := time.Now().Add(20 * checkpointEvery)
	for bytes.Equal(salt(), first) {
		if time.Now().After(deadline) {
			t.Fatalf("after %v of writes, the WAL was never written again from its start", 20*checkpointEvery)
		}
		time.Sleep(checkpointEvery / 10)
	}
}

// walSalt returns the first salt of the WAL's header, which SQLite changes
// each time it writes the WAL again from its start.
func walSalt(t *testing.T, path string) []byte {
	t.Helper()
	b := make([]byte, 32)
	f, err := os.Open(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.ReadAt(b, 0); err != nil {
		t.Fatal(err)
	}
	return b[16:20]
}

// TestWALRestartYieldsToReaders: a reader still reading from the WAL keeps
// it from being restarted; the restart then gives up after its short busy
// timeout instead of holding the writer for the connection's 10 s, and
// leaves the writer's busy timeout as it was. Once the reader is done, the
// next restart goes through.
func TestWALRestartYieldsToReaders(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	write := func() {
		t.Helper()
		w := &model.Workspace{ID: model.NewID("ws"), Name: "restart", CreatedAt: time.Now()}
		if err := s.CreateWorkspace(ctx, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	write()
	reader, err := open(ctx, path, url.Values{"_query_only": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	tx, err := reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM workspaces").Scan(&n); err != nil {
		t.Fatal(err)
	}
	write() // the reader's snapshot is now an old one, in the WAL
	before := walSalt(t, path)
	start := time.Now()
	restartWAL(ctx, s.DB())
	if took := time.Since(start); took > busyTimeout/2 {
		t.Errorf("a restart behind a reader held the writer %v", took)
	}
	var timeout int
	if err := s.DB().QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil || timeout != int(busyTimeout.Milliseconds()) {
		t.Errorf("the writer's busy timeout after a restart = %d, %v; want %d", timeout, err, busyTimeout.Milliseconds())
	}
	write()
	if !bytes.Equal(walSalt(t, path), before) {
		t.Fatal("the WAL was restarted under a reader of it")
	}
	tx.Rollback()
	restartWAL(ctx, s.DB())
	write()
	if bytes.Equal(walSalt(t, path), before) {
		t.Error("once the reader was done, the WAL was still not restarted")
	}
}

// openStore opens a store on a new file, closed when the test ends.
func openStore(t *testing.T) (*sqlstore.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "signet.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}
