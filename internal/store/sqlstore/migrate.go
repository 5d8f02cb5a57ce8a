package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migration is one NNNN_name.sql file.
type migration struct {
	version int
	name    string
}

// migrations lists the dialect's files in version order.
func (s *Store) migrations() ([]migration, error) {
	names, err := fs.Glob(s.d.Migrations, "*.sql")
	if err != nil {
		return nil, err
	}
	var l []migration
	for _, name := range names {
		prefix, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive version, as in 0001_init.sql", name)
		}
		if len(l) > 0 && l[len(l)-1].version == v {
			return nil, fmt.Errorf("migrations %s and %s share version %d", l[len(l)-1].name, name, v)
		}
		l = append(l, migration{version: v, name: name})
	}
	slices.SortFunc(l, func(a, b migration) int { return a.version - b.version })
	return l, nil
}

// migrate applies the pending migrations, all in one transaction: a
// failure leaves the schema as it was. The dialect's MigrationLock makes a
// second process starting at the same time wait, then find nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	l, err := s.migrations()
	if err != nil {
		return fmt.Errorf("%s: %w", s.d.Name, err)
	}
	run := s.tryTx
	if s.d.MigrateForeignKeysOff {
		run = s.tryTxForeignKeysOff
	}
	err = run(ctx, func(tx *Tx) error {
		ran := false
		if s.d.MigrationLock != "" {
			if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    BIGINT PRIMARY KEY,
			applied_at BIGINT NOT NULL
		)`)
		if err != nil {
			return err
		}
		applied := map[int]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				return err
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for v := range applied {
			if len(l) == 0 || v > l[len(l)-1].version {
				return fmt.Errorf("the database has schema version %d, newer than this build knows: run a newer Signet", v)
			}
		}
		for _, m := range l {
			if applied[m.version] {
				continue
			}
			text, err := fs.ReadFile(s.d.Migrations, m.name)
			if err != nil {
				return err
			}
			// Exec without arguments runs every statement of the file
			// (PostgreSQL's simple protocol; SQLite steps through them).
			if _, err := tx.ExecContext(ctx, string(text)); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
				m.version, millis(time.Now()))
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			ran = true
		}
		// What the migrations did with foreign keys off must hold with
		// them on: a violation rolls everything back.
		if ran && s.d.MigrateForeignKeysOff {
			return foreignKeyCheck(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: migrate: %w", s.d.Name, err)
	}
	return nil
}

// tryTxForeignKeysOff runs fn in a transaction on the writer's connection
// with foreign keys off, as SQLite's procedure for changing a table's schema
// asks (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of
// Table Schema Changes"): the pragma is a no-op inside a transaction, so it
// is set before BEGIN; fn checks the foreign keys before it returns
// (foreignKeyCheck); and they are on again afterwards, whatever happened,
// or the connection is discarded.
func (s *Store) tryTxForeignKeysOff(ctx context.Context, fn func(tx *Tx) error) (err error) {
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", s.d.Name, err)
	}
	defer conn.Close()
	defer func() {
		if _, on := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); on != nil {
			// A connection that would write without its foreign keys
			// must not go back to the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, fmt.Errorf("%s: foreign keys back on: %w", s.d.Name, on))
		}
	}()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("%s: foreign keys off: %w", s.d.Name, err)
	}
	// No kept statements: they belong to the pool, not this connection.
	return s.runTx(ctx, conn.BeginTx, nil, fn)
}

// foreignKeyCheck fails, naming the first, when any row of the database
// references a row that does not exist (SQLite's PRAGMA foreign_key_check).
func foreignKeyCheck(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid, fk any
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return fmt.Errorf("foreign key check: %w", err)
		}
		return fmt.Errorf("foreign key check: a row of %s (rowid %v) references a missing row of %s", table, rowid, parent)
	}
	return rows.Err()
}
