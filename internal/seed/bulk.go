package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the driver the store opens SQLite with
)

// bulkWriter loads whole tables fast, after the store has migrated the
// database and created the apps and keys.
type bulkWriter interface {
	// load writes every row of t.
	load(ctx context.Context, t table, progress func(string, ...any)) error
	// finish makes the load durable and the database ready to serve.
	finish(ctx context.Context) error
	// size is the database's size in bytes, once finished.
	size(ctx context.Context) (int64, error)
	// notes say how the load ran.
	notes() []string
	close(ctx context.Context) error
}

// progressEvery is how often (in rows) a long load says where it is.
const progressEvery = 1_000_000

// postgresBulk loads with COPY, one transaction per table. Each table's
// secondary indexes are dropped before the COPY and built again after it,
// in the same transaction, from their own definitions (pg_indexes): one
// sort per index instead of millions of random insertions. Indexes that a
// constraint uses (primary keys, UNIQUE, the target of a foreign key) stay.
type postgresBulk struct {
	conn *pgx.Conn
	said []string
}

func openPostgresBulk(ctx context.Context, dsn string) (*postgresBulk, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	b := &postgresBulk{conn: conn}
	// This connection's commits need not wait for the disk: a crash
	// loses the seed, which is rerun. Index builds get more memory than
	// the default 64 MB, modestly: the machine may be shared.
	for _, s := range []string{"SET synchronous_commit = off", "SET maintenance_work_mem = '256MB'"} {
		if _, err := conn.Exec(ctx, s); err != nil {
			conn.Close(ctx)
			return nil, fmt.Errorf("postgres: %s: %w", s, err)
		}
	}
	// Foreign keys are checked by a trigger per row, which would double
	// the load's time; the seeded rows are consistent by construction
	// (the tests check it). Turning the triggers off takes a superuser:
	// otherwise they run.
	if _, err := conn.Exec(ctx, "SET session_replication_role = replica"); err != nil {
		b.said = append(b.said, "foreign keys checked per row (not a superuser: session_replication_role stays origin)")
	} else {
		b.said = append(b.said, "foreign-key triggers off for the seeding connection (session_replication_role = replica)")
	}
	b.said = append(b.said, "COPY per table; secondary indexes dropped and rebuilt; synchronous_commit off; ANALYZE at the end")
	return b, nil
}

func (b *postgresBulk) load(ctx context.Context, t table, progress func(string, ...any)) error {
	if t.rows == 0 {
		return nil
	}
	tx, err := b.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `
		SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = $1
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c
				WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`, t.name)
	if err != nil {
		return err
	}
	idx, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var nd [2]string
		err := r.Scan(&nd[0], &nd[1])
		return nd, err
	})
	if err != nil {
		return err
	}
	for _, nd := range idx {
		if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{nd[0]}.Sanitize()); err != nil {
			return err
		}
	}
	src := &copySource{t: t, row: make([]any, len(t.columns)), progress: progress}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, src)
	if err != nil {
		return err
	}
	if int(n) != t.rows {
		return fmt.Errorf("copied %d rows of %d", n, t.rows)
	}
	for _, nd := range idx {
		if _, err := tx.Exec(ctx, nd[1]); err != nil {
			return fmt.Errorf("rebuild index %s: %w", nd[0], err)
		}
	}
	return tx.Commit(ctx)
}

func (b *postgresBulk) finish(ctx context.Context) error {
	_, err := b.conn.Exec(ctx, "ANALYZE workspaces, apps, keys, users, identities, attempts, sessions")
	return err
}

func (b *postgresBulk) size(ctx context.Context) (int64, error) {
	var n int64
	err := b.conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n)
	return n, err
}

func (b *postgresBulk) notes() []string { return b.said }

func (b *postgresBulk) close(ctx context.Context) error { return b.conn.Close(ctx) }

// copySource feeds a table's rows to COPY.
type copySource struct {
	t        table
	row      []any
	i        int
	progress func(string, ...any)
}

func (s *copySource) Next() bool {
	if s.i == s.t.rows {
		return false
	}
	s.t.next(s.row)
	s.i++
	if s.i%progressEvery == 0 {
		s.progress("  %s: %d", s.t.name, s.i)
	}
	return true
}

func (s *copySource) Values() ([]any, error) { return s.row, nil }

func (s *copySource) Err() error { return nil }

// sqliteBulk loads every table in one transaction on a connection of its
// own, with multi-row INSERTs prepared once per table, secondary indexes
// dropped and rebuilt as on PostgreSQL. Its pragmas are relaxed against
// the store's (sqlite.Open), which is safe only because seeding fills a
// database that held nothing but its schema (Run checks): a crash or power
// loss during the seed loses or even corrupts a file that is then deleted
// and seeded again, never data anyone had.
//
//   - journal_mode=DELETE: the pages of one huge transaction go straight
//     into the file (a rollback journal keeps the few pages it changes),
//     not into a WAL as large as the database that must then be copied
//     into it. WAL is back at the end, as the store has it.
//   - synchronous=OFF: no fsync; the OS writes when it likes.
//   - foreign_keys=OFF: no lookup of the parent per row; the rows are
//     consistent by construction (the tests run foreign_key_check).
//   - cache_size of 256 MB and temp_store=MEMORY for the index builds.
//
// The store's own connections, opened afterwards, set their pragmas again.
type sqliteBulk struct {
	db   *sql.DB
	tx   *sql.Tx
	path string
}

// sqliteBatch is the most rows one INSERT carries.
const sqliteBatch = 200

func openSQLiteBulk(ctx context.Context, path string) (*sqliteBulk, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{"_pragma": {"busy_timeout(10000)", "journal_mode(DELETE)", "synchronous(OFF)", "foreign_keys(OFF)",
		"cache_size(-262144)", "temp_store(MEMORY)"}}
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}).String())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return &sqliteBulk{db: db, tx: tx, path: path}, nil
}

func (b *sqliteBulk) load(ctx context.Context, t table, progress func(string, ...any)) error {
	if t.rows == 0 {
		return nil
	}
	rows, err := b.tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, t.name)
	if err != nil {
		return err
	}
	var idx [][2]string
	for rows.Next() {
		var nd [2]string
		if err := rows.Scan(&nd[0], &nd[1]); err != nil {
			rows.Close()
			return err
		}
		idx = append(idx, nd)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, nd := range idx {
		if _, err := b.tx.ExecContext(ctx, `DROP INDEX "`+nd[0]+`"`); err != nil {
			return err
		}
	}
	cols := len(t.columns)
	insert := func(n int) (*sql.Stmt, error) {
		ph := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
		return b.tx.PrepareContext(ctx, "INSERT INTO "+t.name+" ("+strings.Join(t.columns, ", ")+") VALUES "+
			strings.TrimSuffix(strings.Repeat(ph+",", n), ","))
	}
	fullRows := min(sqliteBatch, t.rows)
	full, err := insert(fullRows)
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, sqliteBatch*cols)
	for done := 0; done < t.rows; {
		n := min(sqliteBatch, t.rows-done)
		for r := range n {
			t.next(args[r*cols : (r+1)*cols])
		}
		stmt := full
		if n != fullRows { // the last, shorter batch
			if stmt, err = insert(n); err != nil {
				return err
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, args[:n*cols]...); err != nil {
			return err
		}
		if done/progressEvery != (done+n)/progressEvery {
			progress("  %s: %d", t.name, done+n)
		}
		done += n
	}
	for _, nd := range idx {
		if _, err := b.tx.ExecContext(ctx, nd[1]); err != nil {
			return fmt.Errorf("rebuild index %s: %w", nd[0], err)
		}
	}
	return nil
}

func (b *sqliteBulk) finish(ctx context.Context) error {
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	b.tx = nil
	// Back to the store's journal mode (sqlite.Open sets it too).
	_, err := b.db.ExecContext(ctx, "PRAGMA journal_mode = WAL")
	return err
}

func (b *sqliteBulk) size(context.Context) (int64, error) {
	var total int64
	for _, p := range []string{b.path, b.path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, err
		}
		total += fi.Size()
	}
	return total, nil
}

func (b *sqliteBulk) notes() []string {
	return []string{"one transaction; secondary indexes dropped and rebuilt; seeding connection only: journal_mode=DELETE, synchronous=OFF, foreign_keys=OFF, cache_size 256 MB (safe: the file held only its schema)"}
}

func (b *sqliteBulk) close(context.Context) error {
	if b.tx != nil {
		b.tx.Rollback()
	}
	return b.db.Close()
}
