package osm

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
)

func head(t *testing.T, path string, n int) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:min(n, len(b))]
}

func gzipString(s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	zw.Close()
	return buf.Bytes()
}

// formatOf is the format Read finds in src (looking into bzip2 and gzip),
// or the error it refuses src with before reading an object.
func formatOf(name string, src []byte) (Format, error) {
	sc, f, err := openScanner(context.Background(), bytes.NewReader(src), name, filter{}, &counts{}, newLimits(name, 0))
	if err != nil {
		return "", err
	}
	sc.close()
	return f, nil
}

// TestFileFormat: a file's format is found from its first bytes, looking
// into compressed files, and by its name only when too short to tell.
func TestFileFormat(t *testing.T) {
	pbf := head(t, dataPath(t, "delaware-latest.osm.pbf"), 512)
	bz := head(t, dataPath(t, "andorra-latest.osm.bz2"), 1<<20) // bzip2's first block
	for _, tc := range []struct {
		name string
		head []byte
		want Format
		err  string
	}{
		{"delaware-latest.osm.pbf", pbf, PBF, ""},
		{"upload.bin", pbf, PBF, ""}, // magic bytes beat the name
		{"map.osm", []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<osm version=\"0.6\">"), XML, ""},
		{"map.osm", []byte("\xEF\xBB\xBF  <osm>"), XML, ""},
		{"andorra-latest.osm.bz2", bz, XML, ""}, // looked into
		{"export.json.bz2", bz, XML, ""},        // what it holds beats the name
		{"map.osm.gz", gzipString("<osm version=\"0.6\"><node/></osm>"), XML, ""},
		{"data.gz", gzipString(`{"elements": []}`), OverpassJSON, ""}, // looked into
		{"interpreter", []byte("\n{\n  \"version\": 0.6,"), OverpassJSON, ""},
		{"x.osm.pbf", []byte{0, 0}, PBF, ""}, // too short to tell: the reader will say
		{"list.json", []byte(`[{"type": "node"}]`), "", "list.json: the file is a JSON array; Overpass JSON is an object"},
		{"empty.osm", nil, "", "empty.osm: the file is empty"},
		{"notes.txt", []byte("hello"), "", `notes.txt: not an OpenStreetMap file: want OSM PBF, OSM XML (.osm, .osm.bz2, .osm.gz) or Overpass JSON; it starts with "hello"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := formatOf(tc.name, tc.head)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) || place.ErrorCode(err) != place.EINVALID {
					t.Fatalf("err = %v, want EINVALID %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("format = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
