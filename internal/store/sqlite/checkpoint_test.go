package sqlite

import (
	"context"
	"os"
	"path/filepath"
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
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// Let the migrations' pages reach the file first.
	time.Sleep(2 * checkpointEvery)
	before := size()
	for i := range 200 {
		w := &model.Workspace{ID: model.NewID("ws"), Name: "checkpoint " + string(rune('a'+i%26)), CreatedAt: time.Now()}
		if err := s.CreateWorkspace(ctx, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * checkpointEvery)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes for %v after 200 commits: no checkpoint ran", before, 10*checkpointEvery)
		}
		time.Sleep(checkpointEvery / 5)
	}
}
