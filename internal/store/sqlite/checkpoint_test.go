package sqlite

import (
	"bytes"
	"context"
	"fmt"
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
