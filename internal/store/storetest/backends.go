package storetest

import (
	"context"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/testenv"
)

// PostgresEnv names the environment variable holding the URL of a
// PostgreSQL server the tests may create databases on, such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "SIGNET_TEST_POSTGRES"

// Backend is a database that table-driven end-to-end tests run on.
type Backend struct {
	// Name is "sqlite" or "postgres", for subtest names.
	Name string
	// Open returns a fresh, empty store, closed when the test ends.
	Open func(t *testing.T) store.Store
}

// Backends returns SQLite and PostgreSQL.
func Backends() []Backend {
	return []Backend{{"sqlite", SQLite}, {"postgres", Postgres}}
}

// SQLite returns a store on a new SQLite file in a temporary directory,
// closed when the test ends.
func SQLite(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "signet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// Postgres returns a store on a new PostgreSQL database (PostgresURL),
// closed when the test ends.
func Postgres(t *testing.T) store.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	// Registered after PostgresURL's cleanup, so it runs before the drop.
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// PostgresURL creates a new, empty database on the server named by
// $SIGNET_TEST_POSTGRES, returns its URL, and drops it when the test ends.
// Without the variable the test is skipped on a laptop and fails under CI.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		testenv.Need(t, "PostgreSQL ("+PostgresEnv+")")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", PostgresEnv)
	}
	name := "signet_test_" + hex.EncodeToString(random(8))
	// The name is ours, made of [a-z0-9_]: safe to splice into the statement.
	admin(t, base, "CREATE DATABASE "+name)
	t.Cleanup(func() {
		// FORCE (PostgreSQL 13+) ends connections a failed test left open.
		admin(t, base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u.Path = "/" + name
	return u.String()
}

// admin runs one statement on the server's maintenance database.
func admin(t testing.TB, dsn, statement string) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), statement); err != nil {
		t.Fatalf("postgres: %s: %v", statement, err)
	}
}
