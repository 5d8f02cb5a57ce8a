package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// SQLite compiles every statement it is given, and database/sql hands it
// each query anew: a third of a login's CPU went to compiling the same few
// statements again. Where the dialect asks for it (Dialect.PrepareOnce),
// the store keeps each statement it runs prepared: a pool uses the kept
// statement, a transaction borrows it for its connection (database/sql
// prepares it once per connection and remembers it). PostgreSQL's driver,
// pgx, already does the same on its side.

// maxPrepared bounds the statements kept per pool; past it a query simply
// runs unprepared. The store's queries are a fixed set of texts with
// placeholders, but a batch of logins writes each table with one statement
// whose text holds its row count (1 to 64 on SQLite): with the holders'
// reads, about 700 texts, which 512 did not hold, so SQLite compiled some
// of a batch's statements anew every time.
const maxPrepared = 4096

// stmtCache keeps the prepared statements of one pool, by query text.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// get returns the kept statement of query, or nil.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// prepare prepares query on the pool and keeps it; nil when it cannot be
// kept (the bound is reached, the text holds several statements, or the
// database refused it: the caller then runs the query as it is, and gets
// the database's own error if there is one). It takes a connection of the
// pool: never call it while holding the only one (SQLite's writer) in a
// transaction.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	if strings.Contains(query, ";") { // a migration's script: one statement per prepared statement
		return nil
	}
	c.mu.RLock()
	full := len(c.m) >= maxPrepared
	c.mu.RUnlock()
	if full {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept := c.m[query]; kept != nil { // prepared meanwhile by another request
		st.Close()
		return kept
	}
	c.m[query] = st
	return st
}

// close closes the kept statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// pool is a connection pool whose statements run prepared when it has a
// cache.
type pool struct {
	*sql.DB
	stmts  *stmtCache // nil: run every query as it is
	params *rewriter  // nil: the driver takes $1, $2… as they are (params.go)
}

func newPool(db *sql.DB, d Dialect) *pool {
	p := &pool{DB: db}
	if d.PrepareOnce {
		p.stmts = newStmtCache(db)
	}
	if d.AnonymousParams {
		p.params = newRewriter()
	}
	return p
}

// driverForm is query and args as the driver takes them.
func driverForm(r *rewriter, query string, args []any) (string, []any) {
	if r == nil {
		return query, args
	}
	n := r.rewrite(query)
	return n.text, n.bind(args)
}

func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	if p.stmts == nil {
		return nil
	}
	if st := p.stmts.get(query); st != nil {
		return st
	}
	return p.stmts.prepare(ctx, query)
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query, args = driverForm(p.params, query, args)
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query, args = driverForm(p.params, query, args)
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query, args = driverForm(p.params, query, args)
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// close closes the kept statements, then the pool.
func (p *pool) close() error {
	if p.stmts != nil {
		p.stmts.close()
	}
	return p.DB.Close()
}

// Tx is a write transaction. It borrows the writer's kept statements; a
// query not kept yet runs as it is and is prepared once the transaction
// has ended and given its connection back.
type Tx struct {
	*sql.Tx
	stmts  *stmtCache
	params *rewriter
	missed []string
}

func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if st := tx.stmts.get(query); st != nil {
		return tx.Tx.StmtContext(ctx, st) // closed with the transaction
	}
	tx.missed = append(tx.missed, query)
	return nil
}

func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query, args = driverForm(tx.params, query, args)
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query, args = driverForm(tx.params, query, args)
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query, args = driverForm(tx.params, query, args)
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// keepMissed prepares the queries the ended transaction ran unprepared.
func (tx *Tx) keepMissed(ctx context.Context) {
	for _, q := range tx.missed {
		if tx.stmts.get(q) == nil {
			tx.stmts.prepare(ctx, q)
		}
	}
	tx.missed = nil
}
