package gpkg

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// TestWriterConnection: a write transaction runs on the writer's own
// connection, so it begins and commits while every pooled connection is
// held by readers (under load, a writer waited among all of them for one,
// at its BEGIN and again for its checkpoint, holding the write queue).
func TestWriterConnection(t *testing.T) {
	cases := []struct {
		name    string
		readers bool // every connection the pool gives held meanwhile
	}{
		{"pool free", false},
		{"pool held", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, _ := openTest(t, t.TempDir())
			ctx := context.Background()
			write := func(ctx context.Context) error {
				tc, err := d.Begin(ctx)
				if err != nil {
					return err
				}
				defer tc.Rollback(ctx)
				if _, err := tc.Exec(ctx, `UPDATE settings SET value = value WHERE key = 'data_version'`); err != nil {
					return err
				}
				return tc.Commit(ctx)
			}
			if err := write(ctx); err != nil { // takes the writer's connection
				t.Fatal(err)
			}
			var held []*sql.Conn
			for c.readers {
				cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				conn, err := d.db.Conn(cctx)
				cancel()
				if err != nil {
					break // the pool has no more
				}
				held = append(held, conn)
			}
			n := len(held)
			defer func() {
				for _, conn := range held {
					conn.Close()
				}
			}()
			// Generous: a write here takes milliseconds; one waiting for a
			// pooled connection would wait forever.
			tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			for i := range 3 {
				if err := write(tctx); err != nil {
					t.Fatalf("write %d with %d connections held: %v", i, n, err)
				}
			}
		})
	}
}
