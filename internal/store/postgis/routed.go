package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/store"
)

// routed is store.Conn for reads when there are replicas: each query goes
// to the copy router.pick says, and runs again on the primary when a
// replica fails it for want of a connection (before any row reached the
// caller). Exec, a write outside a transaction, goes to the primary.
type routed struct{ r *router }

func (c routed) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	return conn{c.r.primary}.Exec(ctx, sql, args...)
}

func (c routed) Query(ctx context.Context, sql string, args ...any) (store.Rows, error) {
	i := c.r.pick(ctx)
	if i == store.PinPrimary {
		return c.r.primaryRead(ctx).Query(ctx, sql, args...)
	}
	rows, err := c.r.replicas[i].pool.Query(ctx, sql, args...)
	if err != nil {
		if c.r.retry(ctx, i, err) {
			return c.r.primaryRead(ctx).Query(ctx, sql, args...)
		}
		return nil, translate(err)
	}
	return &replicaRows{r: c.r, i: i, rows: rows, ctx: ctx, sql: sql, args: args}, nil
}

func (c routed) QueryRow(ctx context.Context, sql string, args ...any) store.Row {
	return routedRow{r: c.r, ctx: ctx, sql: sql, args: args}
}

// routedRow runs its query when scanned, on the copy chosen then.
type routedRow struct {
	r    *router
	ctx  context.Context
	sql  string
	args []any
}

func (x routedRow) Scan(dest ...any) error {
	i := x.r.pick(x.ctx)
	if i == store.PinPrimary {
		return x.r.primaryRead(x.ctx).QueryRow(x.ctx, x.sql, x.args...).Scan(dest...)
	}
	err := x.r.replicas[i].pool.QueryRow(x.ctx, x.sql, x.args...).Scan(dest...)
	if err != nil && x.r.retry(x.ctx, i, err) {
		return x.r.primaryRead(x.ctx).QueryRow(x.ctx, x.sql, x.args...).Scan(dest...)
	}
	x.r.replicas[i].reads.Add(1)
	return translate(err)
}

// replicaRows are a replica's rows that, should the replica fail before
// the first row, become the same query's rows on the primary.
type replicaRows struct {
	r        *router
	i        int
	rows     pgx.Rows
	started  bool       // a row was read, or the end: too late to run it elsewhere
	fallback store.Rows // the primary's rows, once the replica failed
	ctx      context.Context
	sql      string
	args     []any
}

func (x *replicaRows) Next() bool {
	if x.fallback != nil {
		return x.fallback.Next()
	}
	if x.rows.Next() {
		x.start()
		return true
	}
	if !x.started {
		if err := x.rows.Err(); err != nil && x.r.retry(x.ctx, x.i, err) {
			x.rows.Close()
			x.started = true
			rows, err := x.r.primaryRead(x.ctx).Query(x.ctx, x.sql, x.args...)
			if err != nil {
				x.fallback = failedRows{err}
				return false
			}
			x.fallback = rows
			return rows.Next()
		}
		x.start()
	}
	return false
}

// start counts the read as the replica's, once it has answered.
func (x *replicaRows) start() {
	if !x.started {
		x.started = true
		x.r.replicas[x.i].reads.Add(1)
	}
}

func (x *replicaRows) Scan(dest ...any) error {
	if x.fallback != nil {
		return x.fallback.Scan(dest...)
	}
	return translate(x.rows.Scan(dest...))
}

func (x *replicaRows) Err() error {
	if x.fallback != nil {
		return x.fallback.Err()
	}
	return translate(x.rows.Err())
}

func (x *replicaRows) Close() {
	x.rows.Close()
	if x.fallback != nil {
		x.fallback.Close()
	}
}

// failedRows are rows whose query failed.
type failedRows struct{ err error }

func (f failedRows) Next() bool        { return false }
func (f failedRows) Scan(...any) error { return f.err }
func (f failedRows) Err() error        { return f.err }
func (f failedRows) Close()            {}
