package osm

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"strings"
)

// Format is an OpenStreetMap file format.
type Format string

// The formats Read understands.
const (
	PBF          Format = "pbf"           // .osm.pbf, the planet and Geofabrik format
	XML          Format = "xml"           // .osm, also compressed as .osm.bz2 or .osm.gz
	OverpassJSON Format = "overpass-json" // {"elements": [...]} from Overpass (out json) or the OSM API
)

// compression is how the bytes of a file are compressed, found by their
// magic bytes.
type compression int

const (
	uncompressed compression = iota
	gzipped
	bzipped
)

func compressionOf(head []byte) compression {
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return gzipped
	case len(head) >= 4 && string(head[:3]) == "BZh" && head[3] >= '1' && head[3] <= '9':
		return bzipped
	}
	return uncompressed
}

// sniff tells the format of a file from its first uncompressed bytes (512
// are plenty): the PBF header block, '<' for XML, '{' for JSON, falling back
// on the name only for a .pbf too short to tell. It fails with EINVALID for
// an empty file, a JSON array and anything else. openScanner looks into
// compressed files (bzip2, gzip, by their magic bytes) before sniffing.
func sniff(name string, head []byte) (Format, error) {
	if len(head) == 0 {
		return "", invalidf(name, "the file is empty; want OSM PBF, OSM XML or Overpass JSON")
	}
	if isPBF(head) {
		return PBF, nil
	}
	switch firstNonSpace(head) {
	case '<':
		return XML, nil
	case '{':
		return OverpassJSON, nil
	case '[':
		return "", invalidf(name, "the file is a JSON array; Overpass JSON is an object, {\"elements\": [...]} (use [out:json])")
	}
	if f, ok := formatByName(name); ok && f == PBF && len(head) < 16 {
		return PBF, nil // too short to tell; the PBF reader will say what is wrong
	}
	start := head
	if len(start) > 16 {
		start = start[:16]
	}
	return "", invalidf(name, "not an OpenStreetMap file: want OSM PBF, OSM XML (.osm, .osm.bz2, .osm.gz) or Overpass JSON; it starts with %q", start)
}

// isPBF reports whether head starts with a PBF file block: a 4-byte
// big-endian length then a BlobHeader whose type (field 1) is OSMHeader
// or OSMData.
func isPBF(head []byte) bool {
	if len(head) < 8 {
		return false
	}
	size := binary.BigEndian.Uint32(head[:4])
	if size == 0 || size >= 64*1024 || head[4] != 0x0a {
		return false
	}
	n := int(head[5])
	if 6+n > len(head) {
		return false
	}
	t := string(head[6 : 6+n])
	return t == "OSMHeader" || t == "OSMData"
}

func formatByName(name string) (Format, bool) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".pbf":
		return PBF, true
	case ".osm", ".xml":
		return XML, true
	case ".json":
		return OverpassJSON, true
	}
	return "", false
}

func firstNonSpace(b []byte) byte {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return c
		}
	}
	return 0
}
