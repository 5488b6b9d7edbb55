package osm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"google.golang.org/protobuf/encoding/protowire"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/place"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadErrors checks that faulty files are refused with EINVALID and a
// message naming the file, what is wrong and how far reading got.
func TestReadErrors(t *testing.T) {
	pbf := readFile(t, dataPath(t, "delaware-latest.osm.pbf"))
	corrupt := bytes.Clone(pbf[:400_000])
	copy(corrupt[200_000:], make([]byte, 64)) // inside the zlib data of a block
	clip := readFile(t, dataPath(t, "uk-clips/borough_sausage_links.osm"))
	bz := readFile(t, dataPath(t, "andorra-latest.osm.bz2"))
	gz := gzipString(string(clip))
	badGz := bytes.Clone(gz)
	badGz[len(badGz)-8] ^= 0xFF // the CRC-32 of the trailer

	for _, tc := range []struct {
		name string
		src  []byte
		want string // the whole message, or its start when it ends with "..."
	}{
		{"delaware-100k.osm.pbf", pbf[:100_000],
			"delaware-100k.osm.pbf: the PBF file ends inside a block (after 8000 objects, 100000 of 100000 bytes read): it looks truncated"},
		{"corrupt.osm.pbf", corrupt, "corrupt.osm.pbf: not a valid OSM PBF file (after ..."},
		{"header-only.osm.pbf", pbf[:10], "header-only.osm.pbf: the PBF file ends inside a block (after 0 objects, 10 of 10 bytes read): it looks truncated"},
		{"borough-50k.osm", clip[:50_000],
			"borough-50k.osm: the XML ends early, at line 442 (after 286 objects, 50000 of 50000 bytes read): the file looks truncated"},
		{"mismatched.osm", []byte(`<osm version="0.6"><node id="1" lat="51.5" lon="-0.1"></way></osm>`),
			"mismatched.osm: malformed OSM XML at line 1 (after 0 objects, 66 of 66 bytes read): element <node> closed by </way>"},
		{"attribute.osm", []byte(`<osm><node id="1" lat="north" lon="-0.1"/></osm>`),
			`attribute.osm: malformed OSM XML (after 0 objects, 48 of 48 bytes read): strconv.ParseFloat: parsing "north": invalid syntax`},
		{"range.osm", []byte(`<osm><node id="7" lat="451000" lon="-0.1"><tag k="amenity" v="library"/></node></osm>`),
			"range.osm: osm:node/7: latitude 451000 is outside -90..90"},
		{"track.gpx", []byte(`<?xml version="1.0"?>` + "\n" + `<gpx version="1.1"><trk/></gpx>`),
			"track.gpx: the XML root element is <gpx>, not <osm>: this is not OpenStreetMap XML"},
		{"andorra-500k.osm.bz2", bz[:500_000],
			"andorra-500k.osm.bz2: the file ends early (after 37499 objects, 500000 of 500000 bytes read): it looks truncated"},
		{"corrupt.osm.bz2", append([]byte("BZh91AY&SY"), bytes.Repeat([]byte{0xAA}, 4000)...), "corrupt.osm.bz2: corrupt bzip2 data (after 0 objects, ..."},
		{"corrupt.osm.gz", badGz, "corrupt.osm.gz: corrupt gzip data (after ..."},
		{"short.osm.gz", gz[:5], "short.osm.gz: the file ends early (after 0 objects, 5 of 5 bytes read): it looks truncated"},
		{"foo.json", []byte(`{"foo": 1}`), `foo.json: not Overpass JSON: the object has no "elements" array (its keys: foo)`},
		{"array.json", []byte(`[{"type": "node", "id": 1}]`), `array.json: the file is a JSON array; Overpass JSON is an object, {"elements": [...]} (use [out:json])`},
		{"number.json", []byte(`{"elements": 5}`), `number.json: not Overpass JSON: "elements" is 5, want an array`},
		{"cut.json", []byte(`{"elements": [{"type": "node", "id": 1, "lat": 51.5, "lon": -0.1}, {"type": "no`),
			"cut.json: the JSON ends early at byte 66, after 1 element: the file looks truncated"},
		{"syntax.json", []byte(`{"elements": [{"type": "node", "id": 1,, "lat": 51.5}]}`),
			"syntax.json: element 0 (from byte 14): malformed JSON: invalid character ',' looking for beginning of object key string"},
		{"type.json", []byte(`{"elements": [{"type": "node", "id": "one"}]}`), `type.json: element 0 (from byte 14): field "id" is string, want int64`},
		{"kind.json", []byte(`{"elements": [{"type": "nodes", "id": 1}]}`), `kind.json: element 0: type "nodes" is not node, way or relation`},
		{"untyped.json", []byte(`{"elements": [{"id": 1}]}`), `untyped.json: element 0: no "type"; want node, way or relation`},
		{"lonely.json", []byte(`{"elements": [{"type": "node", "id": 1, "lat": 51.5, "tags": {"amenity": "library"}}]}`), `lonely.json: element 0: osm:node/1 has lat or lon but not both`},
		{"twice.json", []byte(`{"elements": [], "elements": []}`), `twice.json: not Overpass JSON: "elements" appears twice`},
		{"trailing.json", []byte(`{"elements": []} {}`), `trailing.json: not Overpass JSON: more follows the object, which ends at byte 16`},
		{"timeout.json", []byte(`{"elements": [], "remark": "runtime error: Query timed out in \"query\" at line 3 after 26 seconds."}`),
			`timeout.json: Overpass reported an error, so the result is incomplete: runtime error: Query timed out in "query" at line 3 after 26 seconds.`},
		{"empty.osm", nil, "empty.osm: the file is empty; want OSM PBF, OSM XML or Overpass JSON"},
		{"photo.jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), `photo.jpg: not an OpenStreetMap file: want OSM PBF, OSM XML (.osm, .osm.bz2, .osm.gz) or Overpass JSON; it starts with "\xff\xd8\xff\xe0\x00\x10JFIF"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Read(context.Background(), Bytes(tc.src), tc.name, Options{Keep: keepAll}, func(Object) error { return nil })
			if tc.name == "delaware-100k.osm.pbf" && (st.Nodes != 8000 || st.Bytes != 100_000) {
				t.Errorf("stats %+v, want the 8000 nodes and 100000 bytes read before the error", st)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if code := place.ErrorCode(err); code != place.EINVALID {
				t.Errorf("code %q, want %q: %v", code, place.EINVALID, err)
			}
			if prefix, ok := strings.CutSuffix(tc.want, "..."); ok {
				if !strings.HasPrefix(err.Error(), prefix) {
					t.Errorf("error\n%v\nwant it to start\n%s", err, prefix)
				}
			} else if err.Error() != tc.want {
				t.Errorf("error\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}

// failingReader fails with err after n bytes, as a disk might.
type failingReader struct {
	r   io.Reader
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func (f *failingReader) Close() error { return nil }

func TestReadSourceErrors(t *testing.T) {
	_, err := Read(context.Background(), File("testdata/no-such-file.osm"), "no-such-file.osm", Options{}, func(Object) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) || place.ErrorCode(err) != place.EINTERNAL {
		t.Errorf("missing file: %v (code %s), want a wrapped fs.ErrNotExist", err, place.ErrorCode(err))
	}

	errDisk := errors.New("input/output error")
	for _, name := range []string{"delaware-latest.osm.pbf", "uk-clips/leeds_cycleway.osm", "andorra-latest.osm.bz2"} {
		b := readFile(t, dataPath(t, name))
		src := func() (io.ReadCloser, error) {
			return &failingReader{r: bytes.NewReader(b), n: len(b) / 2, err: errDisk}, nil
		}
		_, err := Read(context.Background(), src, name, Options{}, func(Object) error { return nil })
		if !errors.Is(err, errDisk) || place.ErrorCode(err) != place.EINTERNAL {
			t.Errorf("%s: %v (code %s), want the reader's error, not a fault of the file", name, err, place.ErrorCode(err))
		}
	}
}

func TestReadStops(t *testing.T) {
	files := []string{"delaware-latest.osm.pbf", "uk-clips/leeds_cycleway.osm", "andorra-latest.osm.bz2"}
	before := runtime.NumGoroutine()
	for _, name := range files {
		path := dataPath(t, name)
		t.Run(name, func(t *testing.T) {
			// Cancelled before it starts.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := Read(ctx, File(path), name, Options{}, func(Object) error { return nil })
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled context: %v", err)
			}

			// Cancelled by the first object.
			ctx, cancel = context.WithCancel(context.Background())
			defer cancel()
			n := 0
			_, err = Read(ctx, File(path), name, Options{Keep: keepAll}, func(Object) error {
				n++
				cancel()
				return nil
			})
			if !errors.Is(err, context.Canceled) || n == 0 || n > 10_000 {
				t.Errorf("cancelled while reading: %v after %d objects", err, n)
			}

			// fn's own error, as it is.
			errStop := errors.New("enough")
			st, err := Read(context.Background(), File(path), name, Options{Keep: keepAll}, func(Object) error { return errStop })
			if err != errStop || st.Kept != 1 {
				t.Errorf("fn error: %v, kept %d; want %v after 1", err, st.Kept, errStop)
			}
		})
	}
	// The PBF decoder's and the decompressor's goroutines have ended.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running, %d before", n, before)
	}
}

// TestPBFDeclaredSizesAreChecked: a file of a few bytes that declares a
// block of 2 GB uncompressed, or a header or blob past the format's
// limits, is refused as invalid without the memory it claims.
func TestPBFDeclaredSizesAreChecked(t *testing.T) {
	block := func(headerSize uint32, datasize, rawSize int64) []byte {
		blob := protowire.AppendTag(nil, 2, protowire.VarintType)
		blob = protowire.AppendVarint(blob, uint64(rawSize))
		blob = protowire.AppendTag(blob, 3, protowire.BytesType)
		blob = protowire.AppendBytes(blob, []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
		if datasize < 0 {
			datasize = int64(len(blob))
		}
		h := protowire.AppendTag(nil, 1, protowire.BytesType)
		h = protowire.AppendBytes(h, []byte("OSMHeader"))
		h = protowire.AppendTag(h, 3, protowire.VarintType)
		h = protowire.AppendVarint(h, uint64(datasize))
		if headerSize == 0 {
			headerSize = uint32(len(h))
		}
		out := binary.BigEndian.AppendUint32(nil, headerSize)
		return append(append(out, h...), blob...)
	}
	for _, tc := range []struct {
		name string
		src  []byte
		want string
	}{
		{"2 GB uncompressed", block(0, -1, 2_000_000_000), "uncompressed"},
		{"a 1 GB blob", block(0, 1<<30, 10), "bytes of data"},
		{"a 16 MB header", block(16<<20, -1, 10), "x.osm.pbf: "}, // refused as not PBF at all
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Read(context.Background(), Bytes(tc.src), "x.osm.pbf", Options{}, func(Object) error { return nil })
			runtime.ReadMemStats(&after)
			if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "x.osm.pbf: ") {
				t.Errorf("error %v, want EINVALID naming the file and %q", err, tc.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 200<<20 {
				t.Errorf("allocated %d MiB refusing a %d-byte file", grew>>20, len(tc.src))
			}
		})
	}
}
