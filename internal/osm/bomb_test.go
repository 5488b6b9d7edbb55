package osm

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// pbfFile frames PBF blocks: each a type and the bytes of its Blob.
func pbfFile(blocks ...[2][]byte) []byte {
	var out []byte
	for _, b := range blocks {
		h := protowire.AppendTag(nil, 1, protowire.BytesType)
		h = protowire.AppendBytes(h, b[0])
		h = protowire.AppendTag(h, 3, protowire.VarintType)
		h = protowire.AppendVarint(h, uint64(len(b[1])))
		out = binary.BigEndian.AppendUint32(out, uint32(len(h)))
		out = append(append(out, h...), b[1]...)
	}
	return out
}

func zlibOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// blobFields encodes Blob fields in the order given: raw_size (2) as a
// varint, raw (1) and zlib_data (3) as bytes.
func blobFields(fields ...any) []byte {
	var b []byte
	for i := 0; i < len(fields); i += 2 {
		num := protowire.Number(fields[i].(int))
		switch v := fields[i+1].(type) {
		case int:
			b = protowire.AppendTag(b, num, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(v))
		case []byte:
			b = protowire.AppendTag(b, num, protowire.BytesType)
			b = protowire.AppendBytes(b, v)
		}
	}
	return b
}

// TestDecompressionBombsAreRefused: every decompressor Read runs is
// bounded. Bombs of each kind (bzip2 and gzip OSM XML, gzip Overpass
// JSON, a PBF block inflating past the size it declares or past the
// format's 32 MiB, PBF inside gzip) are refused with ETOOLARGE (or
// EINVALID for what breaks the format outright) naming the file, without
// decompressing them: the memory allocated refusing each stays far below
// what the bomb holds. Lawful files of the same kinds past a small
// MaxDecompressed are refused the same way, and within it read.
func TestDecompressionBombsAreRefused(t *testing.T) {
	pbf := readFile(t, "testdata/st_georges_sample.osm.pbf")
	xml := readFile(t, "testdata/st_georges_sample.osm")
	// A PrimitiveBlock whose string table holds one string: it decodes,
	// to no objects.
	st := protowire.AppendTag(nil, 1, protowire.BytesType)
	st = protowire.AppendBytes(st, make([]byte, 994))
	block := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), st)
	n := len(block) // 1000
	small := zlibOf(t, block)
	var untagged strings.Builder
	untagged.WriteString(`<osm version="0.6">`)
	for untagged.Len() < 4<<20 {
		untagged.WriteString(`<node id="1" lat="53.38" lon="-1.47" version="1"/>` + "\n")
	}
	untagged.WriteString(`</osm>`)
	header := [2][]byte{[]byte("OSMHeader"), blobFields(1, protowire.AppendBytes(protowire.AppendTag(nil, 4, protowire.BytesType), []byte("OsmSchema-V0.6")))}

	for _, tc := range []struct {
		name string
		file string
		src  []byte
		max  int64 // Options.MaxDecompressed; 0 for the default
		code string
		want string
	}{
		{"bzip2 XML, 2 GiB", "bomb.osm.bz2", testkit.BombBzip2(t), 0, place.ETOOLARGE, "past 16 MiB"},
		{"bzip2 XML, 2 GiB, a 1 MiB limit", "bomb.osm.bz2", testkit.BombBzip2(t), 1 << 20, place.ETOOLARGE, "the bzip2 data decompresses to more than 1 MiB, the limit (--max-decompressed-mb)"},
		{"gzip XML, 2 GiB", "bomb.osm.gz", testkit.BombXMLGzip(t), 0, place.ETOOLARGE, "an OSM XML element runs past 16 MiB"},
		{"gzip Overpass JSON, 2 GiB", "bomb.json.gz", testkit.BombJSONGzip(t), 0, place.ETOOLARGE, "an Overpass JSON element runs past 16 MiB"},
		{"gzip Overpass JSON, 2 GiB, a 1 MiB limit", "bomb.json.gz", testkit.BombJSONGzip(t), 1 << 20, place.ETOOLARGE, "the gzip data decompresses to more than 1 MiB"},
		{"gzip XML of lawful nodes past the limit", "nodes.osm.gz", gzipOf(t, []byte(untagged.String())), 1 << 20, place.ETOOLARGE, "the gzip data decompresses to more than 1 MiB"},
		{"PBF block declaring 1000 bytes, inflating to 2 GiB", "bomb.osm.pbf", testkit.BombPBFRawSize(t), 0, place.ETOOLARGE, "declares 1000 bytes uncompressed but inflates past the format's"},
		{"PBF block declaring 32 MiB, inflating to 1 GiB", "bomb.osm.pbf", testkit.BombPBFBlockLimit(t), 0, place.ETOOLARGE, "declares 33554432 bytes uncompressed but inflates past the format's"},
		{"PBF block inflating a little past what it declares", "x.osm.pbf", pbfFile(header, [2][]byte{[]byte("OSMData"), blobFields(2, n-1, 3, small)}), 0, place.ETOOLARGE, "block 1 of the PBF file inflates to 1000 bytes, more than the 999 it declares"},
		{"PBF block inflating to less than it declares", "x.osm.pbf", pbfFile(header, [2][]byte{[]byte("OSMData"), blobFields(2, n+1, 3, small)}), 0, place.EINVALID, "inflates to 1000 bytes, not the 1001"},
		{"PBF blocks past the limit", "x.osm.pbf", pbf, 1000, place.ETOOLARGE, "the PBF data (its blocks added up) decompresses to more than 1000 bytes, the limit (--max-decompressed-mb)"},
		{"PBF inside gzip", "bomb.osm.pbf.gz", testkit.BombPBFGzip(t), 0, place.EINVALID, "a PBF file compressed again"},
		// protobuf lets a field repeat and takes the last; so must the
		// check, or a small first copy would vouch for a bomb after it.
		{"PBF blob with a repeated zlib_data, the last a bomb", "x.osm.pbf", pbfFile(header, [2][]byte{[]byte("OSMData"), blobFields(2, n, 3, small, 3, zlibOf(t, make([]byte, 40<<20)))}), 0, place.ETOOLARGE, "past the format's"},
		{"PBF blob with a repeated raw_size, the last a lie", "x.osm.pbf", pbfFile(header, [2][]byte{[]byte("OSMData"), blobFields(2, n, 3, small, 2, 10)}), 0, place.ETOOLARGE, "more than the 10 it declares"},
		{"PBF in an unknown compression", "x.osm.pbf", pbfFile(header, [2][]byte{[]byte("OSMData"), blobFields(2, n, 7, small)}), 0, place.EINVALID, "compressed in a way placemap does not read"},
		{"XML nested a million deep", "deep.osm", []byte("<osm>" + strings.Repeat("<a>", 1<<20)), 0, place.EINVALID, "nested more than 32 deep at line 1"},
		{"XML attribute of 20 MiB", "attr.osm", []byte(`<osm><node id="1" lat="0" lon="0"><tag k="name" v="` + strings.Repeat("0", 20<<20) + `"/></node></osm>`), 0, place.ETOOLARGE, "an OSM XML element runs past 16 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Read(context.Background(), Bytes(tc.src), tc.file, Options{Keep: keepAll, MaxDecompressed: tc.max}, func(Object) error { return nil })
			runtime.ReadMemStats(&after)
			if place.ErrorCode(err) != tc.code || !strings.HasPrefix(err.Error(), tc.file+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v (%s), want %s naming the file and %q", err, place.ErrorCode(err), tc.code, tc.want)
			}
			// Refusing reads at most a block of 32 MiB or an element of 16
			// MiB, which the parsers buffer growing by doubling; the bombs
			// hold gigabytes.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 160<<20 {
				t.Errorf("allocated %d MiB refusing a %d-byte file", grew>>20, len(tc.src))
			}
		})
	}

	// Within the limits the same kinds of file read as before.
	for _, tc := range []struct {
		name string
		src  []byte
		max  int64
	}{
		{"x.osm.pbf", pbf, int64(len(xml))}, // its blocks inflate to less than the XML
		{"x.osm.gz", gzipOf(t, xml), int64(len(xml))},
		{"x.osm.pbf", pbfFile(header, [2][]byte{[]byte("OSMData"), blobFields(2, n, 3, small, 2, n)}), 0}, // a repeat that agrees
	} {
		if _, err := Read(context.Background(), Bytes(tc.src), tc.name, Options{Keep: keepAll, MaxDecompressed: tc.max}, func(Object) error { return nil }); err != nil {
			t.Errorf("%s (%d bytes, limit %d): %v", tc.name, len(tc.src), tc.max, err)
		}
	}
}
