package testkit

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// Decompression bombs: small files that decompress to gigabytes, for the
// tests that check every decompressor placemap runs is bounded. Each
// holds a run of the character '0' (valid text in XML and JSON, so that
// no parser stops at it early) inside a wrapper that makes it look like an
// OSM file of its kind; PBF blocks hold zero bytes.

// BombBzip2 returns an OSM XML file compressed with bzip2 (1.6 KB) that
// decompresses to 2 GiB: an <osm> element holding 2 GiB of '0'. Go has
// no bzip2 writer; the file was made with bzip2(1), see testdata/SOURCE.txt.
func BombBzip2(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(RepoRoot(t), "internal", "testkit", "testdata", "bomb-2gib.osm.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bombChunk is the run deflated once and repeated.
const bombChunk = 64 << 20

// deflateZeros returns raw deflate data, not closed (no final block),
// for n zero bytes (a multiple of 64 MiB): one 64 MiB run compressed and
// flushed to a byte boundary, repeated. The blocks after the first refer
// back only to zeros, so the repeats decode to zeros too.
func deflateZeros(t testing.TB, n int64) []byte {
	t.Helper()
	var chunk bytes.Buffer
	w, err := flate.NewWriter(&chunk, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, bombChunk)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil { // a sync flush: byte-aligned, not final
		t.Fatal(err)
	}
	return bytes.Repeat(chunk.Bytes(), int(n/bombChunk))
}

// deflateFinal is an empty final block (fixed Huffman, end of block):
// it closes a deflate stream left on a byte boundary.
var deflateFinal = []byte{0x03, 0x00}

// zlibZeros returns a zlib stream of n zeros (a multiple of 64 MiB),
// Adler-32 and all: of n zeros it is n mod 65521 in the high half and 1
// in the low.
func zlibZeros(t testing.TB, n int64) []byte {
	t.Helper()
	out := []byte{0x78, 0xda}
	out = append(out, deflateZeros(t, n)...)
	out = append(out, deflateFinal...)
	return binary.BigEndian.AppendUint32(out, uint32(n%65521)<<16|1)
}

// gzipMembers returns prefix, then n bytes (a multiple of 64 MiB) of
// the character '0', as a gzip file of several members, which gzip readers
// join: the run as one 64 MiB member repeated.
func gzipMembers(t testing.TB, prefix string, n int64) []byte {
	t.Helper()
	member := func(b []byte) []byte {
		var buf bytes.Buffer
		w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	out := member([]byte(prefix))
	return append(out, bytes.Repeat(member(bytes.Repeat([]byte("0"), bombChunk)), int(n/bombChunk))...)
}

// BombXMLGzip returns OSM XML compressed with gzip (2 MB) that
// decompresses to 2 GiB: an <osm> element holding 2 GiB of '0'.
func BombXMLGzip(t testing.TB) []byte {
	return gzipMembers(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n", 2<<30)
}

// BombJSONGzip returns Overpass JSON compressed with gzip (2 MB) that
// decompresses to 2 GiB: a node whose name is 2 GiB of '0'.
func BombJSONGzip(t testing.TB) []byte {
	return gzipMembers(t, `{"version": 0.6, "elements": [{"type": "node", "id": 1, "lat": 53.38, "lon": -1.47, "tags": {"amenity": "library", "name": "`, 2<<30)
}

// pbfBlock frames one PBF file block: a BlobHeader of type typ and the
// Blob with the given fields.
func pbfBlock(typ string, blob []byte) []byte {
	h := protowire.AppendTag(nil, 1, protowire.BytesType)
	h = protowire.AppendBytes(h, []byte(typ))
	h = protowire.AppendTag(h, 3, protowire.VarintType)
	h = protowire.AppendVarint(h, uint64(len(blob)))
	out := binary.BigEndian.AppendUint32(nil, uint32(len(h)))
	return append(append(out, h...), blob...)
}

// zlibBlob is a Blob of zlib data declaring rawSize bytes uncompressed.
func zlibBlob(rawSize int64, z []byte) []byte {
	b := protowire.AppendTag(nil, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(rawSize))
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	return protowire.AppendBytes(b, z)
}

// rawBlob is a Blob of data stored uncompressed.
func rawBlob(data []byte) []byte {
	b := protowire.AppendTag(nil, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(len(data)))
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	return protowire.AppendBytes(b, data)
}

// pbfHeaderBlock is a valid OSMHeader block (no required features beyond
// the schema), stored raw.
func pbfHeaderBlock() []byte {
	hb := protowire.AppendTag(nil, 4, protowire.BytesType) // required_features
	hb = protowire.AppendBytes(hb, []byte("OsmSchema-V0.6"))
	hb = protowire.AppendTag(hb, 4, protowire.BytesType)
	hb = protowire.AppendBytes(hb, []byte("DenseNodes"))
	return pbfBlock("OSMHeader", rawBlob(hb))
}

// BombPBFRawSize returns a PBF file (2 MB) whose OSMData block declares
// 1,000 bytes uncompressed but whose zlib data inflates to 2 GiB.
func BombPBFRawSize(t testing.TB) []byte {
	return append(pbfHeaderBlock(), pbfBlock("OSMData", zlibBlob(1000, zlibZeros(t, 2<<30)))...)
}

// BombPBFBlockLimit returns a PBF file (1 MB) whose OSMData block
// declares the format's largest size, 32 MiB uncompressed, and inflates to
// 1 GiB.
func BombPBFBlockLimit(t testing.TB) []byte {
	return append(pbfHeaderBlock(), pbfBlock("OSMData", zlibBlob(32<<20, zlibZeros(t, 1<<30)))...)
}

// BombPBFGzip returns a PBF file compressed with gzip (about 100 KB)
// that decompresses to 1 GiB: 32 blocks stored raw, each just under the
// format's 32 MiB and lawful on its own (a PrimitiveBlock whose string
// table holds one long string), as gzip members, one per block.
func BombPBFGzip(t testing.TB) []byte {
	t.Helper()
	st := protowire.AppendTag(nil, 1, protowire.BytesType)
	st = protowire.AppendBytes(st, make([]byte, 32<<20-1024))
	pb := protowire.AppendTag(nil, 1, protowire.BytesType)
	pb = protowire.AppendBytes(pb, st)
	member := func(b []byte) []byte {
		var buf bytes.Buffer
		w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	return append(member(pbfHeaderBlock()), bytes.Repeat(member(pbfBlock("OSMData", rawBlob(pb))), 32)...)
}
