package tiles

import (
	"encoding/binary"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
)

// marshalPolygons writes a tile of one layer of polygons whose properties
// are all strings and whose ids are uint64 (a boundary set's layer)
// straight to protobuf, the same bytes as orb's mvt.Marshal but without
// its structures per feature, key and value. ok is false for any other
// layer: the caller marshals it with orb.
func marshalPolygons(l *mvt.Layer) (data []byte, ok bool) {
	for _, f := range l.Features {
		if _, isID := f.ID.(uint64); !isID {
			return nil, false
		}
		switch f.Geometry.(type) {
		case orb.Polygon, orb.MultiPolygon:
		default:
			return nil, false
		}
		for _, v := range f.Properties {
			if _, isString := v.(string); !isString {
				return nil, false
			}
		}
	}
	e := pbLayer{keyIndex: make(map[string]uint32, 4), valueIndex: make(map[string]uint32, 2*len(l.Features))}
	// The layer is written once, into a buffer sized from its points, after
	// room for the tile's field tag and the layer's length (a varint of at
	// most 5 bytes), which are written last, just before it.
	const head = 6
	layer := make([]byte, head, head+layerSize(l))
	layer = appendBytes(append(layer, 0x0a), []byte(l.Name))
	var feature, packed []byte
	var keys []string
	for _, f := range l.Features {
		keys = keys[:0]
		for k := range f.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys) // as orb does
		packed = packed[:0]
		for _, k := range keys {
			packed = binary.AppendUvarint(packed, uint64(e.key(k)))
			packed = binary.AppendUvarint(packed, uint64(e.value(f.Properties[k].(string))))
		}
		feature = append(feature[:0], 0x08)
		feature = binary.AppendUvarint(feature, f.ID.(uint64))
		if len(packed) > 0 {
			feature = appendBytes(append(feature, 0x12), packed)
		}
		feature = append(feature, 0x18, 3) // type: POLYGON
		if packed = appendPolygons(packed[:0], f.Geometry); len(packed) > 0 {
			feature = appendBytes(append(feature, 0x22), packed)
		}
		layer = appendBytes(append(layer, 0x12), feature)
	}
	for _, k := range e.keys {
		layer = appendBytes(append(layer, 0x1a), []byte(k))
	}
	for _, v := range e.values {
		layer = append(layer, 0x22)
		layer = binary.AppendUvarint(layer, uint64(1+uvarintLen(uint64(len(v)))+len(v)))
		layer = appendBytes(append(layer, 0x0a), []byte(v))
	}
	layer = binary.AppendUvarint(append(layer, 0x28), uint64(l.Extent))
	layer = binary.AppendUvarint(append(layer, 0x78), uint64(l.Version))
	n := uint64(len(layer) - head)
	start := head - 1 - uvarintLen(n)
	layer[start] = 0x1a
	binary.PutUvarint(layer[start+1:head], n)
	return layer[start:], true
}

// layerSize is about the bytes of a layer of polygons: a few per point and
// some per feature, so that the buffer it is written to seldom grows.
func layerSize(l *mvt.Layer) int {
	n := 64 + len(l.Name)
	for _, f := range l.Features {
		n += 64 + 4*pointCount(f.Geometry)
	}
	return n
}

// pointCount is the points of a Polygon's or MultiPolygon's rings.
func pointCount(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}

// uvarintLen is the bytes of v as a varint.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// pbLayer numbers a layer's keys and values in the order they are first
// used.
type pbLayer struct {
	keys, values         []string
	keyIndex, valueIndex map[string]uint32
}

func (e *pbLayer) key(k string) uint32 {
	i, ok := e.keyIndex[k]
	if !ok {
		i = uint32(len(e.keys))
		e.keys = append(e.keys, k)
		e.keyIndex[k] = i
	}
	return i
}

func (e *pbLayer) value(v string) uint32 {
	i, ok := e.valueIndex[v]
	if !ok {
		i = uint32(len(e.values))
		e.values = append(e.values, v)
		e.valueIndex[v] = i
	}
	return i
}

// appendBytes appends a length-delimited field (its tag, when given,
// first) to dst.
func appendBytes(dst, b []byte, tag ...byte) []byte {
	dst = append(dst, tag...)
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// appendPolygons appends a Polygon's or MultiPolygon's MVT geometry
// commands, packed: per ring a MoveTo, a LineTo of the rest but the
// closing point, a ClosePath, each point relative to the one before.
func appendPolygons(dst []byte, g orb.Geometry) []byte {
	polys := polygonsOf(g)
	var px, py int32
	point := func(dst []byte, p orb.Point) []byte {
		x, y := int32(p[0])-px, int32(p[1])-py
		px, py = int32(p[0]), int32(p[1])
		dst = binary.AppendUvarint(dst, uint64(uint32((x<<1)^(x>>31))))
		return binary.AppendUvarint(dst, uint64(uint32((y<<1)^(y>>31))))
	}
	for _, p := range polys {
		for _, r := range p {
			dst = binary.AppendUvarint(dst, 1<<3|1) // MoveTo 1
			dst = point(dst, r[0])
			rest := r[1:]
			if r.Closed() {
				rest = r[1 : len(r)-1]
			}
			dst = binary.AppendUvarint(dst, uint64(uint32(len(rest))<<3|2)) // LineTo
			for _, q := range rest {
				dst = point(dst, q)
			}
			dst = binary.AppendUvarint(dst, 1<<3|7) // ClosePath
		}
	}
	return dst
}
