package tiles_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/internal/tiles"
)

// BenchmarkRenderStores renders uncached tiles of the Sheffield demo from
// both stores: Lower Layer and Output Area tiles at z12, z14 and z16 and
// asset tiles at z11 and z12, each op one tile of a 3×3 block around the
// city centre in turn. cpu-ns/op is this process's CPU per tile; on
// PostGIS, db-cpu-ns/op is the CPU of the server's processes serving the
// benchmark's database (from /proc, at the kernel's clock tick). The
// -kept runs draw the sets' tiles from their shapes kept in memory
// (Renderer.KeepShapes).
func BenchmarkRenderStores(b *testing.B) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	open := map[string]func(b *testing.B) (*store.DB, func() int64){
		"gpkg": func(b *testing.B) (*store.DB, func() int64) {
			st, err := gpkg.Open(ctx, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return st, nil
		},
		"postgis": func(b *testing.B) (*store.DB, func() int64) {
			u := testkit.PostGISDatabaseURL(b)
			st, err := postgis.Open(ctx, u, postgis.Options{})
			if err != nil {
				b.Fatal(err)
			}
			pu, err := url.Parse(u)
			if err != nil {
				b.Fatal(err)
			}
			db := strings.TrimPrefix(pu.Path, "/")
			return st, func() int64 { return backendCPU(db) }
		},
	}
	for _, run := range []string{"gpkg", "postgis", "gpkg-kept", "postgis-kept"} {
		name, kept := strings.CutSuffix(run, "-kept")
		b.Run(run, func(b *testing.B) {
			st, dbCPU := open[name](b)
			defer st.Close()
			if err := demo.Load(ctx, st, quiet); err != nil {
				b.Fatal(err)
			}
			r := tiles.NewRenderer(st, 0)
			if kept { // the sets' shapes in memory
				r.KeepShapes(ctx, st, 1<<30)
				for _, set := range []string{"lsoa-2011", "oa-2011"} {
					if _, err := r.PrepareShapes(set); err != nil {
						b.Fatal(err)
					}
				}
			}
			for _, c := range []struct {
				layer string
				zooms []maptile.Zoom
			}{{"lsoa-2011", []maptile.Zoom{12, 14, 16}}, {"oa-2011", []maptile.Zoom{12, 14, 16}}, {"assets", []maptile.Zoom{11, 12}}} {
				for _, z := range c.zooms {
					block := tiles.Around(orb.Point{-1.47, 53.38}, z)
					b.Run(c.layer+"/z"+strconv.Itoa(int(z)), func(b *testing.B) {
						var d0 int64
						if dbCPU != nil {
							d0 = dbCPU()
						}
						defer reportCPU(b)()
						for i := 0; i < b.N; i++ {
							if _, err := r.Render(ctx, c.layer, block[i%len(block)], tiles.MVT); err != nil {
								b.Fatal(err)
							}
						}
						if dbCPU != nil {
							b.ReportMetric(float64(dbCPU()-d0)/float64(b.N), "db-cpu-ns/op")
						}
					})
				}
			}
		})
	}
}

// backendCPU is the CPU time, in nanoseconds, of the PostgreSQL processes
// serving database db (their process title names it), from /proc.
func backendCPU(db string) int64 {
	const tick = int64(1e9 / 100) // USER_HZ
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var total int64
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !bytes.HasPrefix(cmd, []byte("postgres: ")) || !bytes.Contains(cmd, []byte(" "+db+" ")) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// Fields after the command in parentheses: utime and stime are
		// the 14th and 15th of the line.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += (ut + st) * tick
	}
	return total
}
