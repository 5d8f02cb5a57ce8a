package sqlstore

import (
	"context"
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
	err = s.tryTx(ctx, func(tx *Tx) error {
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
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: migrate: %w", s.d.Name, err)
	}
	return nil
}
