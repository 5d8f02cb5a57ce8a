// Package sqlstore implements store.Store once, over database/sql, for both
// SQLite and PostgreSQL. The SQL is plain and portable ($1, $2… placeholders,
// ON CONFLICT, RETURNING, row values); a small Dialect value carries the few
// differences: how to recognise a constraint violation, how to lock a row,
// how to serialise migrations, and whether writes go to a separate
// single-connection pool.
//
// Conventions: ids are text (model.NewID); times are BIGINT UNIX milliseconds
// UTC; optional references are NULL, never ""; JSON (metadata, signed fields)
// is TEXT. A list's Limit of 0 means no limit.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// Dialect is what differs between the databases sqlstore runs on.
type Dialect struct {
	// Name is "sqlite" or "postgres", for error messages.
	Name string
	// Migrations holds the dialect's NNNN_name.sql files, applied in order.
	Migrations fs.FS
	// MigrationLock, when set, runs first in the migration transaction so
	// that two processes starting at once on one database take turns.
	MigrationLock string
	// MigrateForeignKeysOff runs the migrations with foreign keys off and
	// checks them all before the commit (SQLite): a migration that rebuilds
	// a table other tables reference drops the old one, which SQLite
	// refuses, or fails later, while they are on. See migrate.go.
	MigrateForeignKeysOff bool
	// LockRow is appended to a SELECT whose row a transaction must hold
	// until it commits; empty where writers are already serialised.
	LockRow string
	// ShareRow is appended to a SELECT whose row a transaction must keep
	// from being locked with ExclusiveRow (or deleted) until it commits,
	// while other transactions may do the same, and may still update its
	// other columns; empty where writers are already serialised.
	ShareRow string
	// ExclusiveRow is appended to a SELECT whose row a transaction must
	// hold against every other lock, ShareRow's included; empty where
	// writers are already serialised.
	ExclusiveRow string
	// Committers is how many batches of logins are written side by side
	// (batch.go); 0 means one, as on SQLite's single writer connection.
	Committers int
	// BatchOtherWrites makes the other hot writes (a new issue, a message)
	// join the logins' batches too: where every commit waits for the one
	// writer's fsync (SQLite). PostgreSQL runs them side by side instead,
	// and flushes concurrent commits together itself.
	BatchOtherWrites bool
	// IsUniqueViolation reports whether err is a unique-constraint violation.
	IsUniqueViolation func(err error) bool
	// IsForeignKeyViolation reports whether err is a foreign-key violation.
	IsForeignKeyViolation func(err error) bool
	// IsRetryable reports whether a transaction that failed with err may
	// succeed when run again from the start (deadlock, serialisation).
	IsRetryable func(err error) bool
	// IsUnavailable reports whether err says the database cannot serve
	// right now (unreachable, restarting, out of disk, locked by another
	// process past the busy timeout) rather than that the request or
	// Signet is at fault. Store.Unavailable adds what every driver shares.
	IsUnavailable func(err error) bool
	// PrepareOnce keeps every statement the store runs prepared
	// (prepared.go): for a driver that would compile each query anew.
	PrepareOnce bool
	// AnonymousParams hands the driver each query with "?" placeholders
	// in place of $1, $2… (params.go): for a driver that looks numbered
	// parameters up by name, in a list.
	AnonymousParams bool
	// BatchRows is how many rows one statement of a batch of logins writes
	// (batch.go): many where each statement is a round trip (PostgreSQL),
	// few where binding many parameters costs more than it saves (SQLite,
	// in process). 0 means 200.
	BatchRows int
	// Arrays passes a batch of logins' rows to the database as one array
	// per column (batch_arrays.go): statement texts that do not change
	// with the batch's size, and its writes in one statement (PostgreSQL).
	Arrays bool
	// Background, when set, runs for the store's life in a goroutine of
	// its own, on the pools (SQLite's checkpointer): Close ends it first.
	Background func(ctx context.Context, writer, reader *sql.DB)
}

// Store is store.Store over a SQL database.
type Store struct {
	d Dialect
	// writer runs every write and every transaction; reader runs plain
	// reads. They are one pool on PostgreSQL; on SQLite the writer is a
	// single connection, which serialises writers inside the process.
	writer *pool
	reader *pool
	// commits writes logins and rejected attempts in shared
	// transactions (batch.go).
	commits *committer
	// stopBackground ends Dialect.Background; background waits for it.
	stopBackground context.CancelFunc
	background     sync.WaitGroup
}

var _ store.Store = (*Store)(nil)

// New returns a Store over writer and reader (the same *sql.DB when the
// database has one pool), after applying the dialect's pending migrations.
// The Store owns both pools: Close closes them, and so does a failed New.
func New(ctx context.Context, d Dialect, writer, reader *sql.DB) (*Store, error) {
	s := &Store{d: d, writer: newPool(writer, d), reader: newPool(reader, d)}
	if reader == writer {
		s.reader = s.writer
	}
	if err := s.migrate(ctx); err != nil {
		s.close()
		return nil, err
	}
	s.commits = newCommitter(s)
	if d.Background != nil {
		ctx, stop := context.WithCancel(context.Background())
		s.stopBackground = stop
		s.background.Add(1)
		go func() {
			defer s.background.Done()
			d.Background(ctx, writer, reader)
		}()
	}
	return s, nil
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", s.d.Name, err)
	}
	if s.reader != s.writer {
		if err := s.reader.PingContext(ctx); err != nil {
			return fmt.Errorf("%s: ping reader: %w", s.d.Name, err)
		}
	}
	return nil
}

// Unavailable reports whether err, returned by a Store method, means the
// database cannot serve right now: the API answers 503 unavailable, which a
// client or load balancer retries, instead of 500 internal.
func (s *Store) Unavailable(err error) bool {
	var netErr net.Error
	switch {
	case err == nil:
		return false
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.As(err, &netErr):
		return true
	}
	return s.d.IsUnavailable != nil && s.d.IsUnavailable(err)
}

// Close writes the logins already queued, then releases both pools.
func (s *Store) Close() error {
	if stop := s.stopBackground; stop != nil {
		s.stopBackground = nil
		stop()
		s.background.Wait()
	}
	if s.commits != nil {
		s.commits.close()
	}
	return s.close()
}

func (s *Store) close() error {
	err := s.writer.close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.close())
	}
	return err
}

// DB returns the pool that runs writes, for tests and tools only: what runs
// through it bypasses the store's rules (the database's own still hold).
func (s *Store) DB() *sql.DB { return s.writer.DB }

// querier is what *sql.DB and *sql.Tx share, so that a read can run on the
// reader pool or inside a write transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a write transaction, committed when fn returns nil and
// rolled back otherwise. A retryable failure (a deadlock on PostgreSQL)
// runs fn again from the start, a few times.
func (s *Store) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	const tries = 5
	var err error
	for range tries {
		err = s.tryTx(ctx, fn)
		if err == nil || !s.d.IsRetryable(err) {
			return err
		}
	}
	return err
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.runTx(ctx, s.writer.BeginTx, s.writer.stmts, fn)
}

// runTx runs fn in a transaction that begin starts, borrowing the kept
// statements stmts (nil: none), committed when fn returns nil and rolled
// back otherwise.
func (s *Store) runTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error),
	stmts *stmtCache, fn func(tx *Tx) error) error {
	raw, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", s.d.Name, err)
	}
	tx := &Tx{Tx: raw, stmts: stmts, params: s.writer.params}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	err = tx.Commit()
	if tx.stmts != nil {
		tx.keepMissed(ctx) // the connection is back in the pool
	}
	if err != nil {
		return fmt.Errorf("%s: commit: %w", s.d.Name, err)
	}
	return nil
}

// wrap names the operation that failed with a database error; a
// *model.Error, meant for the caller, passes unchanged, and so does nil.
func wrap(op string, err error) error {
	var e *model.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// listOf reads every row a query selects through q, with scan: the rows are
// closed when it returns, so that q (a transaction) may run another statement.
func listOf[T any](ctx context.Context, q querier, scan func(scanner) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var l []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		l = append(l, *v)
	}
	return l, rows.Err()
}

// exists reports whether a row matches; query is a SELECT 1 … statement.
func exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// affected returns how many rows a statement changed.
func affected(res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// millis stores t as UNIX milliseconds.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis reads UNIX milliseconds as a UTC time.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// nullMillis stores an optional time: NULL when t is nil.
func nullMillis(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// timePtr reads an optional time.
func timePtr(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

// nullString stores an optional reference: NULL when s is "".
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// encodeMetadata stores identity metadata as a JSON object.
func encodeMetadata(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map[string]string always marshals
	return string(b)
}

// decodeMetadata reads identity metadata; empty is nil.
func decodeMetadata(s string) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("identity metadata: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// encodeStrings stores a list of strings as a JSON array.
func encodeStrings(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// decodeStrings reads a list of strings; never nil, so that JSON shows [].
func decodeStrings(s string) ([]string, error) {
	l := []string{}
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, fmt.Errorf("string list: %w", err)
	}
	return l, nil
}

// filter builds the WHERE clause of a listing: each condition takes its
// values through arg, which numbers the placeholders.
type filter struct {
	conds []string
	args  []any
}

// arg adds a value and returns its placeholder.
func (f *filter) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(len(f.args))
}

// where adds a condition written with placeholders from arg.
func (f *filter) where(cond string) { f.conds = append(f.conds, cond) }

// sql returns " WHERE c1 AND c2…", or "" without conditions.
func (f *filter) sql() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// limit returns " LIMIT n", or "" for no limit.
//
// The limit is written into the query, not bound: SQLite plans again a
// statement whose LIMIT is a parameter every time it runs (twice the cost
// of a user's issue list, measured); the callers bound n, so the distinct
// statements stay few.
func (f *filter) limit(n int) string {
	if n <= 0 {
		return ""
	}
	return " LIMIT " + strconv.Itoa(n)
}
