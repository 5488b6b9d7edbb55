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
	const limit = 1 << 20 // 1 MiB: minKept may be kept, some 32,000 objects
	cases := []struct {
		name  string
		file  []byte
		limit int64
		kept  int  // objects read when lawful
		big   bool // refused as too large
	}{
		{"xml within", libraries(20000), limit, 20000, false},
		{"xml past what may be kept", libraries(40000), limit, 0, true},
		{"pbf packed within", testkit.PackedPBF(8000, 2, true), limit, 16000, false},
		{"pbf at the default limit", testkit.PackedPBF(8000, 10, true), 0, 80000, false},
		{"pbf packed past what may be kept", testkit.PackedPBF(8000, 5, true), limit, 0, true},
		{"pbf past the default limit", testkit.PackedPBF(8000, 20, true), 0, 0, true},
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

// A block packed with more objects than any writer puts in one is refused
// before the decoder makes them all (a 26 KB file of 7 million nodes in one
// block took 1.6 GB to read); blocks as writers make them are read.
func TestPackedPBFBlocksAreRefused(t *testing.T) {
	cases := []struct {
		name   string
		file   []byte
		refuse bool
	}{
		{"writers' 8,000 a block, untagged", testkit.PackedPBF(8000, 3, false), false},
		{"writers' 8,000 a block, libraries", testkit.PackedPBF(8000, 2, true), false},
		{"at the bound", testkit.PackedPBF(maxBlockObjects, 1, false), false},
		{"one past the bound", testkit.PackedPBF(maxBlockObjects+1, 1, false), true},
		{"7 million untagged nodes in one block", testkit.PackedPBF(7_000_000, 1, false), true},
		{"4.5 million libraries in one block", testkit.PackedPBF(4_500_000, 1, true), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(context.Background(), Bytes(c.file), "packed.osm.pbf", Options{}, func(Object) error { return nil })
			if !c.refuse {
				if err != nil {
					t.Fatalf("a lawful file (%d bytes) was refused: %v", len(c.file), err)
				}
				return
			}
			if place.ErrorCode(err) != place.ETOOLARGE || !strings.Contains(err.Error(), "block 1") || !strings.Contains(err.Error(), "objects") {
				t.Fatalf("a %d-byte file packing one block: want too_large naming block 1, got %v", len(c.file), err)
			}
		})
	}
}
