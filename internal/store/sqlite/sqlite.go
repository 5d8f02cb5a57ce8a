// Package sqlite opens Signet's embedded database: one SQLite file, through
// the pure-Go driver modernc.org/sqlite, with the SQL of package sqlstore.
//
// Like Pocketbase, it keeps two pools on the file: a writer with a single
// connection, which serialises every write transaction of the process (no
// SQLITE_BUSY between our own writers, no lock upgrade deadlocks), and a
// pool of read-only connections, which WAL lets read while a write is
// under way.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/signet-id/signet/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// pragmas are run, in this order, on every connection, writer and readers:
//
//  1. busy_timeout first, so that the pragmas after it, which may need a
//     lock (switching to WAL takes an exclusive one), wait for another
//     process holding the file instead of failing at once with SQLITE_BUSY.
//  2. journal_mode=WAL: readers and the writer no longer block each other.
//     It is a property of the file, set by the first connection; it must
//     precede synchronous, whose meaning depends on the journal mode.
//  3. synchronous=FULL: in WAL mode every commit is fsynced to the WAL
//     before it returns, so nothing acknowledged is lost even to a power
//     loss or a kernel crash (NORMAL survives a crash of the process only:
//     the OS still holds the WAL). Logins share commits (group commit,
//     sqlstore/batch.go), which makes one fsync per batch affordable.
//  4. foreign_keys=ON: SQLite checks foreign keys only when asked, per
//     connection.
//  5. recursive_triggers=ON: the rows an INSERT OR REPLACE deletes fire
//     DELETE triggers only then, and the audit log's trigger must see them
//     (migrations/0003_guard_audit.sql); no other trigger exists.
var pragmas = []string{
	fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"foreign_keys(ON)",
	"recursive_triggers(ON)",
}

// busyTimeout is how long a connection waits for a lock that another
// process (or, for a reader, a checkpoint) holds before it fails with
// SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// writerPragmas are the writer connection's own, after the others:
//   - a page cache of 64 MiB (the default is 2 MiB), so that a batch of
//     logins, which touches pages all over the session and log indexes, does
//     not spill dirty pages to the WAL before its commit;
//   - temporary files in memory: a statement that may fail half-way (a
//     multi-row INSERT of a batch) and a savepoint journal the pages they
//     change so as to undo them, and on a file that journal cost a third of
//     a batch's writes. What it holds is needed only until the commit;
//   - no checkpoint of its own below 100,000 pages in the WAL (about
//     400 MiB): the checkpointer (below) copies the WAL into the database
//     from another connection, out of the writer's way; the writer's own
//     checkpoint is only a backstop, should the checkpointer fall behind.
var writerPragmas = []string{"cache_size(-65536)", "temp_store(MEMORY)", "wal_autocheckpoint(100000)"}

// checkpointEvery is how often the checkpointer copies what the WAL holds
// into the database file. A checkpoint copies each page it finds once,
// however many times logins rewrote it since the last one, so a rarer one
// copies less in all (the writer checkpointing every 1,000 pages rather
// than every 10,000 cost 20 % of logins/s); under full load half a second
// is about 10,000 pages, as the writer's own checkpoints were.
const checkpointEvery = 500 * time.Millisecond

// checkpoint runs SQLite's checkpoints in the background, on a reader's
// connection (a query_only connection may checkpoint): a PASSIVE
// checkpoint waits for no reader and no writer, so the writer no longer
// stops every few thousand logins to copy pages and fsync the database
// file, which held every login of the batch behind it (the p99). It ends
// with ctx, after a last checkpoint. A failed checkpoint is tried again at
// the next tick; the writer's own (wal_autocheckpoint) bounds the WAL if
// they keep failing.
//
// Under steady logins that is not enough to keep the WAL small: SQLite
// writes it again from its start only when a write transaction begins on
// a WAL copied whole into the database, and a checkpoint beside the writer
// always leaves behind the batches committed while it ran. The WAL then
// grew to the writer's backstop, whose own checkpoint copied up to half a
// second of frames while every login waited: 84–200 ms, every few seconds.
// So once a PASSIVE checkpoint leaves more than walRestartAt pages in the
// WAL, the checkpointer restarts it (restartWAL): right after that
// checkpoint, what is left to copy is only what was committed while it
// ran, and the writer waits for that alone (12–35 ms measured on a small
// database, 75–85 ms on one of 4 GB, whose fsync after pages scattered over
// the file is slower).
func checkpoint(ctx context.Context, writer, reader *sql.DB) {
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			reader.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
			return
		case <-tick.C:
			var busy, pages, copied int
			err := reader.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &pages, &copied)
			if err == nil && pages >= walRestartAt {
				restartWAL(ctx, writer)
			}
		}
	}
}

// walRestartAt is how many pages the WAL may hold after a checkpoint
// before the checkpointer restarts it: 80,000 (about 320 MiB), under the
// writer's backstop of 100,000, which it then seldom reaches. At full load
// on a 2-core machine that is every 4–5 seconds.
var walRestartAt = 80_000

// restartBusyTimeout bounds how long a restart waits for a reader still
// reading from the WAL, while the writer waits for it: past it the restart
// gives up (the WAL was copied all the same), to be tried again at the
// next tick.
const restartBusyTimeout = 50 * time.Millisecond

// restartWAL runs a RESTART checkpoint on the writer's connection, between
// two batches: it copies what the WAL holds that is not yet in the
// database, and waits for the readers still on the WAL to finish, so that
// the next batch writes the WAL from its start. The connection's busy
// timeout is shortened meanwhile, so that a long read cannot hold the
// writer; a connection whose timeout cannot be set back does not return
// to the pool.
func restartWAL(ctx context.Context, writer *sql.DB) {
	conn, err := writer.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if err := setBusyTimeout(ctx, conn, restartBusyTimeout); err != nil {
		return
	}
	conn.ExecContext(ctx, "PRAGMA wal_checkpoint(RESTART)")
	if err := setBusyTimeout(context.WithoutCancel(ctx), conn, busyTimeout); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// setBusyTimeout sets how long conn waits for a lock before SQLITE_BUSY.
func setBusyTimeout(ctx context.Context, conn *sql.Conn, d time.Duration) error {
	_, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", d.Milliseconds()))
	return err
}

// Open opens (creating it if needed) the database at path, private to its
// owner (the file 0600 in a directory created 0700), and applies the
// pending migrations.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: the database path is empty")
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// Create the file ourselves: SQLite would create it with the umask's
	// mode, and it gives its -wal and -shm files the mode of the database.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	f.Close()

	// The writer opens first: its pragmas put the file in WAL mode before
	// any reader, which may not write, connects. _txlock=immediate makes
	// BEGIN take the write lock at once, so a transaction that reads and
	// then writes never fails to upgrade its lock under another process.
	writer, err := open(ctx, path, url.Values{"_txlock": {"immediate"}, "_pragma": writerPragmas})
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	reader, err := open(ctx, path, url.Values{"_query_only": {"1"}})
	if err != nil {
		writer.Close()
		return nil, err
	}
	readers := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(readers)
	reader.SetMaxIdleConns(readers)

	d := sqlstore.Dialect{
		Name:                  "sqlite",
		Migrations:            must(fs.Sub(migrations, "migrations")),
		IsUniqueViolation:     hasCode(sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY),
		IsForeignKeyViolation: hasCode(sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY),
		// Tables are rebuilt to change them (migrations/0020).
		MigrateForeignKeysOff: true,
		// One writer connection: transactions never deadlock one another.
		IsRetryable:   func(error) bool { return false },
		IsUnavailable: unavailable,
		// modernc's SQLite compiles every query it is given.
		PrepareOnce: true,
		// Its driver looks each numbered parameter up by name, in a list
		// (binding is quadratic in a statement's parameters): the store
		// gives it anonymous ones.
		AnonymousParams:  true,
		BatchRows:        64,
		BatchOtherWrites: true,
		Background:       checkpoint,
	}
	return sqlstore.New(ctx, d, writer, reader)
}

// open returns a pool on path with the pragmas and the extra parameters.
func open(ctx context.Context, path string, extra url.Values) (*sql.DB, error) {
	q := url.Values{"_pragma": pragmas}
	for k, v := range extra {
		q[k] = append(q[k], v...)
	}
	// A file: URI, so that a path with '?' or '#' in it is escaped, not cut.
	dsn := (&url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// unavailable reports whether err means the database file cannot serve
// right now: locked by another process past the busy timeout, an I/O
// error, a full disk, a file that cannot be opened or written. It reads the
// primary result code, the low byte of the extended one.
func unavailable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}

// hasCode returns a test for SQLite errors with one of the extended codes.
func hasCode(codes ...int) func(error) bool {
	return func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		for _, c := range codes {
			if e.Code() == c {
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
