// Package postgres opens Signet's database on PostgreSQL, for many stateless
// nodes sharing one database, through pgx's database/sql driver and the SQL
// of package sqlstore.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/signet-id/signet/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLockKey is the pg_advisory_xact_lock key that makes nodes
// starting at once migrate one after the other ("signet" in ASCII).
const migrationLockKey = 0x7369676e6574

// maxConns bounds one node's connections.
const maxConns = 20

// PostgreSQL error codes (SQLSTATE) the store tells apart.
const (
	uniqueViolation      = "23505"
	foreignKeyViolation  = "23503"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// Open connects to the database at url (postgres://…), checks it answers,
// and applies the pending migrations.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// Not wrapped: the parser's message may quote the URL and its password.
		return nil, errors.New("postgres: the database URL is not valid")
	}
	db := stdlib.OpenDB(*cfg)
	// database/sql keeps 2 idle connections by default: too few for a
	// node's bursts, and unlimited open ones can exhaust max_connections
	// (100 by default) across nodes.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		// The error names the host, never the password.
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	d := sqlstore.Dialect{
		Name:       "postgres",
		Migrations: must(fs.Sub(migrations, "migrations")),
		// Transaction-scoped: released by the migration's commit or rollback.
		MigrationLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", migrationLockKey),
		LockRow:       " FOR NO KEY UPDATE", // does not block foreign-key checks (KEY SHARE)
		// A batch of logins keeps its keys' rows from being revoked
		// (RevokeKey locks them FOR UPDATE first) but not from recording
		// their last use, a plain UPDATE of another column, which under FOR
		// SHARE waited for the other committer's batch (39 ms on average
		// under signet bench, holding back the batch that had just
		// committed) and then held up that committer's next one.
		ShareRow:     " FOR KEY SHARE",
		ExclusiveRow: " FOR UPDATE",
		// A batch of logins is five round trips (begin, the keys' rows, the
		// holders, its writes, commit): two batches side by side keep the
		// database busy while one waits. More split the same logins into
		// smaller batches, each paying its statements and its commit, for
		// a share of the ceiling 1.2–1.3× lower on two cores (signet bench,
		// 2 committers against 3 and 4, alternated; 1 left the cores idle
		// half the time).
		Committers:            2,
		Arrays:                true,
		IsUniqueViolation:     hasCode(uniqueViolation),
		IsForeignKeyViolation: hasCode(foreignKeyViolation),
		IsRetryable:           hasCode(serializationFailure, deadlockDetected),
		IsUnavailable:         unavailable,
	}
	// PostgreSQL takes reads and writes on one pool: its MVCC needs no
	// separate writer.
	return sqlstore.New(ctx, d, db, db)
}

// unavailableCodes are the SQLSTATEs of a database that cannot serve now:
// besides class 08 (connection exception), the server shutting down or
// starting, out of connections, disk or memory, and a read-only standby
// (what a node sees for a moment during a failover).
var unavailableCodes = hasCode(
	"57P01", // admin_shutdown
	"57P02", // crash_shutdown
	"57P03", // cannot_connect_now
	"53100", // disk_full
	"53200", // out_of_memory
	"53300", // too_many_connections
	"25006", // read_only_sql_transaction
)

// unavailable reports whether err means PostgreSQL cannot serve right now.
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "08") || unavailableCodes(err)
	}
	var connectErr *pgconn.ConnectError
	return errors.As(err, &connectErr) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// hasCode returns a test for PostgreSQL errors with one of the SQLSTATEs.
func hasCode(codes ...string) func(error) bool {
	return func(err error) bool {
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return false
		}
		for _, c := range codes {
			if e.Code == c {
				return true
			}
		}
		return false
	}
}

func must(f fs.FS, err error) fs.FS {
	if err != nil {
		panic(err)
	}
	return f
}
