package osm

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// A file far inside the decompressed-size limit can still be packed with
// objects the reader keeps: what is kept is bounded by the same limit
// (one item per bytesPerKept bytes of it) and refused past it.
func TestKeptObjectsAreBounded(t *testing.T) {
	libraries := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><osm version="0.6">`)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, `<node id="%d" lat="53.38" lon="-1.47"><tag k="amenity" v="library"/></node>`, i)
		}
		b.WriteString(`</osm>`)
		return []byte(b.String())
	}
	const limit = 1 << 20 // 1 MiB: 8,192 items kept
	cases := []struct {
		name  string
		file  []byte
		limit int64
		kept  int  // objects read when lawful
		big   bool // refused as too large
	}{
		{"xml within", libraries(1000), limit, 1000, false},
		{"xml past what may be kept", libraries(5000), limit, 0, true},
		{"pbf packed within", testkit.PackedPBF(1000, 2, true), limit, 2000, false},
		{"pbf packed past what may be kept", testkit.PackedPBF(8000, 1, true), limit, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			_, err := Read(context.Background(), Bytes(c.file), "packed.osm", Options{MaxDecompressed: c.limit}, func(Object) error { n++; return nil })
			if c.big {
				if place.ErrorCode(err) != place.ETOOLARGE || !strings.Contains(err.Error(), "--max-decompressed-mb") {
					t.Fatalf("want a too_large error naming the limit, got %v (read %d)", err, n)
				}
				return
			}
			if err != nil || n != c.kept {
				t.Fatalf("read %d objects, err %v; want %d", n, err, c.kept)
			}
		})
	}
}
