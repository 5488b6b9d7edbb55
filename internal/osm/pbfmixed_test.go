package osm

import (
	"context"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// TestPBFMixingZlibAndRawBlocks reads a valid file whose small zlib
// blocks are followed by raw ones: a block buffer reused from a zlib block
// once kept its "pass inflated" mark, re-encoded the raw block's header
// with the wrong size, and refused the file.
func TestPBFMixingZlibAndRawBlocks(t *testing.T) {
	strs := protowire.AppendTag(nil, 1, protowire.BytesType)
	strs = protowire.AppendBytes(strs, make([]byte, 994))
	block := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), strs)
	header := [2][]byte{[]byte("OSMHeader"), blobFields(1, protowire.AppendBytes(protowire.AppendTag(nil, 4, protowire.BytesType), []byte("OsmSchema-V0.6")))}
	for _, tc := range []struct {
		name      string
		zlib, raw int
	}{{"raw only", 0, 6}, {"zlib only", 6, 0}, {"zlib then raw", 6, 6}} {
		t.Run(tc.name, func(t *testing.T) {
			blocks := [][2][]byte{header}
			for range tc.zlib {
				blocks = append(blocks, [2][]byte{[]byte("OSMData"), blobFields(2, len(block), 3, zlibOf(t, block))})
			}
			for range tc.raw {
				blocks = append(blocks, [2][]byte{[]byte("OSMData"), blobFields(1, block)})
			}
			if _, err := Read(context.Background(), Bytes(pbfFile(blocks...)), "mixed.osm.pbf", Options{Keep: keepAll}, func(Object) error { return nil }); err != nil {
				t.Fatalf("a valid file refused: %v", err)
			}
		})
	}
}
