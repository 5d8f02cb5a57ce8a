package sqlite

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// The writer leaves checkpoints to the checkpointer (wal_autocheckpoint is
// only a backstop at 100,000 pages): what is committed reaches the database
// file within a checkpoint period or two, while the store is open, with no
// write of the writer's asking for it.
func TestCheckpointInBackground(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signet.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
// still written again from its start after checkpoints, rather than
// growing until the writer's backstop (100,000 pages) and staying that
// long: the checkpointer's pass on a reader's connection leaves the frames
// of the batches committed meanwhile, and only its second pass, on the
// writer's connection between two batches, copies everything. SQLite
// counts each restart in the WAL's header (its checkpoint sequence number).
func TestWALRestartsUnderLoad(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signet.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	restarts := func() uint32 {
		f, err := os.Open(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var header [16]byte
		if _, err := io.ReadFull(f, header[:]); err != nil {
			t.Fatal(err)
		}
		return binary.BigEndian.Uint32(header[12:])
	}
	name := strings.Repeat("w", 2000) // a page a few rows
	write := func() {
		w := &model.Workspace{ID: model.NewID("ws"), Name: name, CreatedAt: time.Now()}
		if err := s.CreateWorkspace(ctx, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	write()
	first := restarts()
	for end := time.Now().Add(8 * checkpointEvery); time.Now().Before(end); {
		write()
	}
	if n := restarts() - first; n < 3 {
		t.Errorf("the WAL restarted %d times over %d checkpoint periods of writes, want 3 or more", n, 8)
	}
}
