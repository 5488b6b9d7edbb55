package osm

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// TestPBFFirstBadBlockIsReported: blocks are inflated and checked several
// at once, but the error reported is the first bad block's in file order,
// however long that block takes to check and however soon a later bad
// block is found, and a later block's breach of a bound is not recorded
// before it.
func TestPBFFirstBadBlockIsReported(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // four workers, whatever the machine
	data := []byte("OSMData")
	short := zlibOf(t, []byte("not a PrimitiveBlock"))
	zeros := zlibOf(t, make([]byte, 40<<20))     // slow: inflates past the format's 32 MiB
	notProto := zlibOf(t, make([]byte, 30<<20)) // slow: 30 MiB to inflate, then refused by the check
	bomb := [2][]byte{data, blobFields(2, 1<<20, 3, zeros)}
	for _, tc := range []struct {
		name   string
		blocks [][2][]byte // after the good file's header and data block
		max    int64       // Options.MaxDecompressed
		code   string
		want   string
	}{
		{"a bomb, then a block of an unknown type", [][2][]byte{bomb, {[]byte("OSMNope"), blobFields(2, 20, 3, short)}}, 0,
			place.ETOOLARGE, "block 2 of the PBF file declares 1048576 bytes uncompressed but inflates past"},
		{"a bomb, then a block cut short", [][2][]byte{bomb, {data, blobFields(2, 20, 3, short)[:5]}}, 0,
			place.ETOOLARGE, "block 2 of the PBF file declares 1048576 bytes uncompressed but inflates past"},
		{"a bomb, then a smaller bomb", [][2][]byte{bomb, {data, blobFields(2, 10, 3, short)}}, 0,
			place.ETOOLARGE, "block 2 of the PBF file declares 1048576 bytes uncompressed but inflates past"},
		{"a block the check refuses, then a bomb", [][2][]byte{{data, blobFields(2, 30<<20, 3, notProto)}, {data, blobFields(2, 10, 3, short)}}, 0,
			place.EINVALID, "block 2: the PrimitiveBlock is not a valid protobuf message"},
		{"a block the check refuses, then blocks past the limit", [][2][]byte{{data, blobFields(2, 30<<20, 3, notProto)}, {data, blobFields(2, 20<<20, 3, short)}}, 40 << 20,
			place.EINVALID, "block 2: the PrimitiveBlock is not a valid protobuf message"},
		{"a block inflating short, then blocks past the limit", [][2][]byte{{data, blobFields(2, 100, 3, short)}, {data, blobFields(2, 2<<20, 3, short)}}, 1 << 20,
			place.EINVALID, "block 2: zlib data inflates to 20 bytes, not the 100 the block declares"},
		{"a good block, then blocks past the limit", [][2][]byte{{data, blobFields(2, 20<<20, 3, short)}}, 1 << 20,
			place.ETOOLARGE, "the PBF data (its blocks added up) decompresses to more than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := append(testkit.GoodPBF(), pbfFile(tc.blocks...)...)
			_, err := Read(context.Background(), Bytes(src), "x.osm.pbf", Options{Keep: keepAll, MaxDecompressed: tc.max}, func(Object) error { return nil })
			if place.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v (code %q); want %s naming %q", err, place.ErrorCode(err), tc.code, tc.want)
			}
		})
	}
}
