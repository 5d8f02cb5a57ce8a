package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.Postgres(t) })
}

// TestConcurrentOpen: nodes starting at once on one fresh database all
// succeed; the advisory lock makes them migrate one after the other.
func TestConcurrentOpen(t *testing.T) {
	url := storetest.PostgresURL(t)
	const nodes = 4
	stores := make([]store.Store, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() {
			s, err := postgres.Open(t.Context(), url)
			if err == nil {
				stores[i] = s
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	// They share one schema: what one writes, another reads.
	w := &model.Workspace{ID: model.NewID("ws"), Name: "shared"}
	if err := stores[0].CreateWorkspace(t.Context(), w, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := stores[nodes-1].Workspace(t.Context(), w.ID); err != nil {
		t.Fatal(err)
	}
}

// TestBadURL: a malformed URL is refused without echoing it (it may hold
// a password).
func TestBadURL(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://user:s3cret@[::1")
	if err == nil {
		t.Fatal("a malformed URL was accepted")
	}
	if got := err.Error(); strings.Contains(got, "s3cret") {
		t.Errorf("the error shows the password: %s", got)
	}
}

// TestThrottleAcrossNodes: nodes on one database share the counters and
// never lose a count between them.
func TestThrottleAcrossNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	var stores []store.Store
	for range 3 {
		s, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	storetest.HammerThrottle(t, stores...)
}

// TestUpgradeTo0003: a database made by the first two migrations, with a
// key in it, takes 0003: the key reads back not weak.
func TestUpgradeTo0003(t *testing.T) {
	url := storetest.PostgresURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	storetest.AtVersion(t, db, "migrations", 2)
	for _, stmt := range []string{
		`INSERT INTO workspaces VALUES ('ws_1', 'Acme', 0)`,
		`INSERT INTO apps VALUES ('app_1', 'ws_1', 'iOS', 'ios', 'signet', 'enforce', 'reject', false, 3600, '', 0, 0)`,
		`INSERT INTO keys VALUES ('key_1', 'app_1', 'ws_1', '\x00', true, 'fp', 0, NULL, NULL, NULL)`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := postgres.Open(t.Context(), url)
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
	s, err := postgres.Open(context.Background(), storetest.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkReturningLogins(b, s)
}
