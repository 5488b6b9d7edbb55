package osm

import (
	"context"
	"encoding/binary"
	"io"
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
	zeros := zlibOf(t, make([]byte, 40<<20))    // slow: inflates past the format's 32 MiB
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

// endlessPBF is a PBF file that never ends: its header block, then its
// data block over and over. It counts the reads made of it.
type endlessPBF struct {
	head, block []byte
	left        []byte
	reads       int
}

func newEndlessPBF(t *testing.T) *endlessPBF {
	good := testkit.GoodPBF()
	hs := binary.BigEndian.Uint32(good)
	h, ok := readFields(good[4 : 4+hs])
	if !ok {
		t.Fatal("testkit.GoodPBF's first block header does not read")
	}
	first := 4 + int(hs) + int(h.ints[3])
	return &endlessPBF{head: good[:first], block: good[first:], left: good[:first]}
}

func (e *endlessPBF) Read(p []byte) (int, error) {
	e.reads++
	if len(e.left) == 0 {
		e.left = e.block
	}
	n := copy(p, e.left)
	e.left = e.left[n:]
	return n, nil
}

// TestPBFGuardCloses: the guard reads its source on goroutines of its own,
// from its first Read, and once close returns none of them reads it: a
// guard closed unread never reads it, and one closed in the middle of a
// file that goes on reads no more.
func TestPBFGuardCloses(t *testing.T) {
	lim := newLimits("x.osm.pbf", 0)
	src := newEndlessPBF(t)
	g := newPBFGuard(src, lim)
	g.close()
	if n, err := g.Read(make([]byte, 16)); n != 0 || err != errPBFGuardClosed {
		t.Errorf("Read after close: %d bytes, %v; want none and %v", n, err, errPBFGuardClosed)
	}
	if src.reads != 0 {
		t.Errorf("a guard closed unread read its source %d times", src.reads)
	}

	src = newEndlessPBF(t)
	g = newPBFGuard(src, lim)
	got := make([]byte, 3*len(src.head))
	if _, err := io.ReadFull(g, got); err != nil {
		t.Fatal(err)
	}
	g.close()
	reads := src.reads // a framer still running would race with this (go test -race)
	for range 100 {
		runtime.Gosched()
	}
	if src.reads != reads || reads == 0 {
		t.Errorf("the source was read %d times before close, %d after; want some, then none", reads, src.reads)
	}
}
