package gpkg

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds the statements reads keep prepared: the store's queries
// are a fixed set of strings, so the bound only guards against a caller
// that builds a new one per call.
const maxStmts = 512

// stmtCache runs reads through statements prepared once per query text
// (database/sql prepares each on a connection the first time it runs
// there). Parsing and planning a query in SQLite cost as much as running
// a small one: half of a z16 tile's query time went to preparing it.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// stmt returns the statement for query, preparing it the first time; nil
// when the cache is full or the query does not prepare (the caller then
// runs it as it is, and reports its error).
func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	s, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = s
	return s
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// Close closes the prepared statements.
func (c *stmtCache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		s.Close()
		delete(c.m, q)
	}
}

// txStmts runs a write transaction's statements through the statements
// the cache keeps prepared: database/sql reuses one already prepared on
// the transaction's connection (Tx.StmtContext), where a statement run on
// the transaction itself is parsed and planned each time, its triggers
// (R-trees, full-text index) with it, a fifth of a small write's time.
type txStmts struct {
	t *sql.Tx
	c *stmtCache
}

func (s txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if p := s.c.stmt(ctx, query); p != nil {
		st := s.t.StmtContext(ctx, p)
		defer st.Close()
		return st.ExecContext(ctx, args...)
	}
	return s.t.ExecContext(ctx, query, args...)
}

// QueryContext and QueryRowContext leave their statement to be closed as
// the transaction ends (its rows may outlive the call).
func (s txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if p := s.c.stmt(ctx, query); p != nil {
		return s.t.StmtContext(ctx, p).QueryContext(ctx, args...)
	}
	return s.t.QueryContext(ctx, query, args...)
}

func (s txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if p := s.c.stmt(ctx, query); p != nil {
		return s.t.StmtContext(ctx, p).QueryRowContext(ctx, args...)
	}
	return s.t.QueryRowContext(ctx, query, args...)
}

// prepare is the statement of query in the transaction, and what ends it.
func (s txStmts) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if p := s.c.stmt(ctx, query); p != nil {
		return s.t.StmtContext(ctx, p), nil
	}
	return s.t.PrepareContext(ctx, query)
}
