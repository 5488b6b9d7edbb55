package postgis

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/placemap/placemap/internal/store"
)

// routed is store.Conn for reads when there are replicas: each query goes
// to the copy router.pick says, and runs again on the primary when a
// replica fails it for want of a connection (before any row reached the
// caller). Exec, a write outside a transaction, goes to the primary.
type routed struct{ r *router }

// Exec runs a statement on the primary, where it commits on its own, and
// then records where that commit ended in the log (router.committed) as
// Commit does for a transaction: a client that just signed in, or made a
// token, reads its session or token on its next request even from a
// replica that has not yet replayed it (it waits for one that has, or
// reads the primary). A statement that failed changed nothing to see.
func (c routed) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	n, err := conn{c.r.primary}.Exec(ctx, sql, args...)
	if err == nil {
		c.r.committed(ctx)
	}
	return n, err
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

// readAhead is how much of a replica's answer is read before the caller
// sees its first row: a replica that stops or crashes within it has the
// query run again on the primary, and the caller never sees the failure.
// An answer larger than that streams past it (a failure there is the
// caller's error: rows have reached it).
const readAhead = 1 << 20

// replicaRows are a replica's rows that, should the replica fail before
// the first readAhead bytes were read, become the same query's rows on
// the primary.
type replicaRows struct {
	r        *router
	i        int
	rows     pgx.Rows
	started  bool       // read ahead (or fallen back): too late to run it elsewhere
	fallback store.Rows // the primary's rows, once the replica failed
	ctx      context.Context
	sql      string
	args     []any
	ahead    [][][]byte // the rows read ahead, their values copied
	next     int        // the index in ahead of the next row to give
	row      [][]byte   // the current row when it came from ahead
	more     bool       // the answer goes on past ahead, in rows
	// fields and types decode ahead's rows (rows forgets its fields once
	// it has read them all).
	fields []pgconn.FieldDescription
	types  *pgtype.Map
}

func (x *replicaRows) Next() bool {
	if !x.started {
		x.readAhead()
	}
	if x.fallback != nil {
		return x.fallback.Next()
	}
	if x.next < len(x.ahead) {
		x.row = x.ahead[x.next]
		x.ahead[x.next] = nil
		x.next++
		return true
	}
	x.row = nil
	return x.more && x.rows.Next()
}

// readAhead reads the replica's rows up to readAhead bytes or their end;
// if the replica failed first, the query runs on the primary (fallback).
func (x *replicaRows) readAhead() {
	x.started = true
	size := 0
	for size < readAhead && x.rows.Next() {
		if x.fields == nil {
			x.fields, x.types = slices.Clone(x.rows.FieldDescriptions()), x.rows.TypeMap()
		}
		raw := x.rows.RawValues()
		row := make([][]byte, len(raw))
		for i, v := range raw {
			if v != nil { // nil is NULL; an empty value stays empty
				row[i] = append(make([]byte, 0, len(v)), v...)
				size += len(v)
			}
		}
		x.ahead = append(x.ahead, row)
	}
	if size >= readAhead {
		x.more = true
	} else if err := x.rows.Err(); err != nil && x.r.retry(x.ctx, x.i, err) {
		x.rows.Close()
		x.ahead = nil
		rows, err := x.r.primaryRead(x.ctx).Query(x.ctx, x.sql, x.args...)
		if err != nil {
			rows = failedRows{err}
		}
		x.fallback = rows
		return
	}
	x.r.replicas[x.i].reads.Add(1)
}

func (x *replicaRows) Scan(dest ...any) error {
	if x.fallback != nil {
		return x.fallback.Scan(dest...)
	}
	if x.row != nil {
		return translate(pgx.ScanRow(x.types, x.fields, x.row, dest...))
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
