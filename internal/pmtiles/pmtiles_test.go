package pmtiles

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// The ids the specification's examples and Protomaps' tests give.
func TestTileID(t *testing.T) {
	for _, c := range []struct {
		z    uint8
		x, y uint32
		want uint64
	}{
		{0, 0, 0, 0},
		{1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4},
		{2, 0, 0, 5}, {2, 1, 0, 6}, {2, 1, 1, 7}, {2, 0, 1, 8}, {2, 0, 3, 10}, {2, 3, 0, 20},
		{3, 0, 0, 21},
		{12, 3423, 1763, 19078479},
	} {
		if got := TileID(c.z, c.x, c.y); got != c.want {
			t.Errorf("TileID(%d/%d/%d) = %d, want %d", c.z, c.x, c.y, got, c.want)
		}
	}
	// Every tile of zoom 0-5 has its own id, and the ids of a zoom are the
	// range after the zooms above.
	seen := map[uint64]bool{}
	var base uint64
	for z := uint8(0); z <= 5; z++ {
		n := uint32(1) << z
		for x := uint32(0); x < n; x++ {
			for y := uint32(0); y < n; y++ {
				id := TileID(z, x, y)
				if seen[id] || id < base || id >= base+uint64(n)*uint64(n) {
					t.Fatalf("TileID(%d/%d/%d) = %d: repeated or outside [%d, %d)", z, x, y, id, base, base+uint64(n)*uint64(n))
				}
				seen[id] = true
			}
		}
		base += uint64(n) * uint64(n)
	}
}

func write(t *testing.T, w *Writer) (*Reader, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rd, err := Open(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return rd, buf.Bytes()
}

func TestHeader(t *testing.T) {
	w := NewWriter()
	w.Bounds = orb.Bound{Min: orb.Point{-1.8, 53.3}, Max: orb.Point{-1.3, 53.5}}
	w.Center, w.CenterZoom = orb.Point{-1.47, 53.38}, 10
	w.Metadata = Metadata{Attribution: "A", VectorLayers: []VectorLayer{{ID: "assets", MaxZoom: 12, Fields: map[string]string{"name": "String"}}}}
	for _, c := range [][3]uint32{{3, 3, 2}, {4, 7, 5}, {5, 15, 10}} {
		if err := w.Add(uint8(c[0]), c[1], c[2], []byte(fmt.Sprint(c))); err != nil {
			t.Fatal(err)
		}
	}
	rd, b := write(t, w)
	h := rd.Header
	if len(h.Bytes()) != HeaderLen || !bytes.Equal(b[:HeaderLen], h.Bytes()) {
		t.Fatalf("header does not read back the same")
	}
	want := Header{RootOffset: 127, AddressedTiles: 3, TileEntries: 3, TileContents: 3, Clustered: true,
		InternalCompression: 2, TileCompression: 2, TileType: 1, MinZoom: 3, MaxZoom: 5,
		MinLonE7: -18000000, MinLatE7: 533000000, MaxLonE7: -13000000, MaxLatE7: 535000000,
		CenterZoom: 10, CenterLonE7: -14700000, CenterLatE7: 533800000}
	got := h
	got.RootLength, got.MetadataOffset, got.MetadataLength, got.LeafOffset, got.LeafLength, got.DataOffset, got.DataLength = 0, 0, 0, 0, 0, 0, 0
	if got != want {
		t.Errorf("header\n got %+v\nwant %+v", got, want)
	}
	if h.MetadataOffset != h.RootOffset+h.RootLength || h.LeafOffset != h.MetadataOffset+h.MetadataLength ||
		h.LeafLength != 0 || h.DataOffset != h.LeafOffset || h.DataOffset+h.DataLength != uint64(len(b)) {
		t.Errorf("sections do not follow one another: %+v (file %d bytes)", h, len(b))
	}
	m, err := rd.Metadata()
	if err != nil || m.Attribution != "A" || len(m.VectorLayers) != 1 || m.VectorLayers[0].ID != "assets" {
		t.Errorf("metadata %+v, %v", m, err)
	}
	tile, err := rd.Tile(4, 7, 5)
	if err != nil || string(tile) != "[4 7 5]" {
		t.Errorf("tile 4/7/5 = %q, %v", tile, err)
	}
	if tile, err := rd.Tile(4, 7, 6); tile != nil || err != nil {
		t.Errorf("tile 4/7/6 (absent) = %q, %v", tile, err)
	}
}

// Identical consecutive tiles are one entry with a run length; identical
// tiles apart share their bytes.
func TestRunLength(t *testing.T) {
	w := NewWriter()
	// z2 ids 5..20 in Hilbert order: (0,0) 5, (1,0) 6, (1,1) 7, (0,1) 8.
	for _, c := range [][2]uint32{{0, 0}, {1, 0}, {1, 1}} {
		w.Add(2, c[0], c[1], []byte("sea"))
	}
	w.Add(2, 0, 1, []byte("land"))
	w.Add(2, 3, 0, []byte("sea")) // id 20: not next to the run
	entries, data := w.cluster()
	want := []Entry{
		{TileID: 5, Offset: 0, Length: entries[0].Length, RunLength: 3},
		{TileID: 8, Offset: uint64(entries[0].Length), Length: entries[1].Length, RunLength: 1},
		{TileID: 20, Offset: 0, Length: entries[0].Length, RunLength: 1},
	}
	if fmt.Sprint(entries) != fmt.Sprint(want) {
		t.Errorf("entries\n got %v\nwant %v", entries, want)
	}
	if uint64(len(data)) != uint64(entries[0].Length)+uint64(entries[1].Length) {
		t.Errorf("tile data %d bytes: want each content once", len(data))
	}
	rd, _ := write(t, w)
	if rd.Header.AddressedTiles != 5 || rd.Header.TileEntries != 3 || rd.Header.TileContents != 2 {
		t.Errorf("counts: %+v", rd.Header)
	}
	for _, c := range [][3]uint32{{0, 0, 0}, {1, 1, 0}, {0, 1, 1}, {3, 0, 0}} {
		tile, err := rd.Tile(2, c[0], c[1])
		want := "sea"
		if c[2] == 1 {
			want = "land"
		}
		if err != nil || string(tile) != want {
			t.Errorf("tile 2/%d/%d = %q, %v; want %q", c[0], c[1], tile, err, want)
		}
	}
}

// Too many distinct tiles for the root: leaf directories, the root within
// the first 16 KiB, and every tile still found.
func TestLeaves(t *testing.T) {
	w := NewWriter()
	// Irregular ids and lengths, so the directory does not gzip away.
	const z = 9
	rng := rand.New(rand.NewPCG(1, 2))
	want := map[[2]uint32]string{}
	for x := uint32(0); x < 1<<z; x++ {
		for y := uint32(0); y < 1<<z; y++ {
			if rng.IntN(8) != 0 {
				continue
			}
			s := fmt.Sprintf("%d/%d/", x, y) + strings.Repeat("x", rng.IntN(300))
			want[[2]uint32{x, y}] = s
			if err := w.Add(z, x, y, []byte(s)); err != nil {
				t.Fatal(err)
			}
		}
	}
	rd, _ := write(t, w)
	h := rd.Header
	if h.LeafLength == 0 || HeaderLen+h.RootLength > MaxRootLen {
		t.Fatalf("want leaves and a root under %d bytes: %+v", MaxRootLen, h)
	}
	for _, e := range rd.root {
		if e.RunLength != 0 {
			t.Fatalf("root entry %+v: want leaf pointers only", e)
		}
	}
	for x := uint32(0); x < 1<<z; x += 3 {
		for y := uint32(0); y < 1<<z; y += 5 {
			tile, err := rd.Tile(z, x, y)
			if err != nil || string(tile) != want[[2]uint32{x, y}] {
				t.Fatalf("tile %d/%d/%d = %q, %v; want %q", z, x, y, tile, err, want[[2]uint32{x, y}])
			}
		}
	}
}

func TestDirectoryRoundTrip(t *testing.T) {
	in := []Entry{{TileID: 3, Offset: 0, Length: 10, RunLength: 1}, {TileID: 9, Offset: 10, Length: 5, RunLength: 4}, {TileID: 40, Offset: 0, Length: 10, RunLength: 1}}
	gz, err := EncodeDirectory(in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := (&Reader{r: bytes.NewReader(gz)}).gunzipAt(0, uint64(len(gz)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeDirectory(raw)
	if err != nil || fmt.Sprint(out) != fmt.Sprint(in) {
		t.Errorf("round trip: %v, %v; want %v", out, err, in)
	}
}

func TestAddRefusesOutOfRange(t *testing.T) {
	if err := NewWriter().Add(2, 4, 0, nil); err == nil {
		t.Error("Add(2/4/0): want an error")
	}
	if _, err := NewWriter().WriteTo(&bytes.Buffer{}); err == nil {
		t.Error("WriteTo with no tiles: want an error")
	}
}
