package geopackage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// srsWGS84 is the srs_id of EPSG:4326 in gpkg_spatial_ref_sys.
const srsWGS84 = 4326

// EncodeGeometry returns a GeoPackage geometry blob (GPKG 1.3 §2.1.3): the
// "GP" header with version 0, little-endian flags, srs_id and, for anything
// but a point, the [minx, maxx, miny, maxy] envelope; then standard WKB.
// Points carry no envelope, as GDAL writes them.
func EncodeGeometry(g orb.Geometry) ([]byte, error) {
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("encode geometry: %w", err)
	}
	_, isPoint := g.(orb.Point)
	envType := byte(1)
	if isPoint {
		envType = 0
	}
	head := 8
	if envType == 1 {
		head += 32
	}
	out := make([]byte, head, head+len(body))
	out[0], out[1], out[2] = 'G', 'P', 0
	out[3] = 1 | envType<<1 // little-endian header, envelope type
	binary.LittleEndian.PutUint32(out[4:], srsWGS84)
	if envType == 1 {
		b := g.Bound()
		for i, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
			binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
		}
	}
	return append(out, body...), nil
}

// header is what the GeoPackage header of a blob says.
type header struct {
	empty    bool
	envelope []float64 // minx, maxx, miny, maxy[, ...]; nil if absent
	wkbStart int
	order    binary.ByteOrder
}

var errNotGPKG = errors.New("not a GeoPackage geometry blob")

func readHeader(b []byte) (header, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return header{}, errNotGPKG
	}
	flags := b[3]
	h := header{empty: flags&0x10 != 0, order: binary.BigEndian}
	if flags&1 == 1 {
		h.order = binary.LittleEndian
	}
	var n int
	switch (flags >> 1) & 0x7 {
	case 0:
		n = 0
	case 1:
		n = 4
	case 2, 3:
		n = 6
	case 4:
		n = 8
	default:
		return header{}, fmt.Errorf("%w: bad envelope type", errNotGPKG)
	}
	h.wkbStart = 8 + 8*n
	if len(b) < h.wkbStart {
		return header{}, fmt.Errorf("%w: truncated header", errNotGPKG)
	}
	if n > 0 {
		h.envelope = make([]float64, n)
		for i := range h.envelope {
			h.envelope[i] = math.Float64frombits(h.order.Uint64(b[8+8*i:]))
		}
	}
	return h, nil
}

// DecodeGeometry reads a GeoPackage geometry blob.
func DecodeGeometry(b []byte) (orb.Geometry, error) {
	h, err := readHeader(b)
	if err != nil {
		return nil, err
	}
	g, err := wkb.Unmarshal(b[h.wkbStart:])
	if err != nil {
		return nil, fmt.Errorf("decode geometry: %w", err)
	}
	return g, nil
}

// BlobBound returns the envelope of a blob, from its header when present and
// from the geometry otherwise. empty is true for empty geometries.
func BlobBound(b []byte) (bound orb.Bound, empty bool, err error) {
	h, err := readHeader(b)
	if err != nil {
		return orb.Bound{}, false, err
	}
	if h.empty {
		return orb.Bound{}, true, nil
	}
	if len(h.envelope) >= 4 {
		e := h.envelope
		return orb.Bound{Min: orb.Point{e[0], e[2]}, Max: orb.Point{e[1], e[3]}}, false, nil
	}
	g, err := wkb.Unmarshal(b[h.wkbStart:])
	if err != nil {
		return orb.Bound{}, false, fmt.Errorf("decode geometry: %w", err)
	}
	if p, ok := g.(orb.Point); ok && (math.IsNaN(p[0]) || math.IsNaN(p[1])) {
		return orb.Bound{}, true, nil
	}
	return g.Bound(), false, nil
}
