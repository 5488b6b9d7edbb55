package network

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The binary form of a graph, little-endian:
//
//	magic "PMNETGR\x00" | version uint32 (1) | mode uint8 (0 walk, 1 cycle)
//	| vertices, edges, shape points, report bytes: uint32 each
//	| report (JSON: ways, source, skipped; the rest is recomputed)
//	| vertex lon, lat: int32 1e-7° each | edge from, to: uint32 each
//	| edge metres: float64 | edge flags: uint8 (1 forward, 2 backward)
//	| shape offsets: uint32, edges+1 | shape lon, lat: int32 pairs
//	| CRC-32 (IEEE) of all the bytes before it
//
// The adjacency, the components and the spatial index are rebuilt when
// read: they follow from the edges.
const (
	magic      = "PMNETGR\x00"
	version    = 1
	headerSize = len(magic) + 4 + 1 + 4*4
)

// MarshalBinary encodes the graph (version 1, with a CRC-32).
func (g *Graph) MarshalBinary() ([]byte, error) {
	rep, err := json.Marshal(storedReport{Ways: g.report.Ways, Source: g.report.Source, Skipped: g.report.Skipped})
	if err != nil {
		return nil, fmt.Errorf("encode network report: %w", err)
	}
	nv, ne, ns := len(g.vx), len(g.efrom), len(g.shape)/2
	if uint64(nv) > math.MaxUint32 || uint64(ne) >= math.MaxUint32 || uint64(ns) > math.MaxUint32 {
		return nil, fmt.Errorf("encode network: %d vertices, %d edges, %d points: too many", nv, ne, ns)
	}
	b := make([]byte, 0, headerSize+len(rep)+8*nv+17*ne+4*(ne+1)+8*ns+4)
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = append(b, modeByte(g.mode))
	for _, n := range []int{nv, ne, ns, len(rep)} {
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
	}
	b = append(b, rep...)
	b = appendInt32s(b, g.vx)
	b = appendInt32s(b, g.vy)
	b = appendUint32s(b, g.efrom)
	b = appendUint32s(b, g.eto)
	for _, m := range g.emetres {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m))
	}
	b = append(b, g.eflags...)
	b = appendUint32s(b, g.shapeOff)
	b = appendInt32s(b, g.shape)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// storedReport is the part of the report that cannot be recomputed.
type storedReport struct {
	Ways    int            `json:"ways"`
	Source  string         `json:"source"`
	Skipped map[string]int `json:"skipped"`
}

func modeByte(m Mode) byte {
	if m == Cycle {
		return 1
	}
	return 0
}

func appendInt32s(b []byte, v []int32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, uint32(x))
	}
	return b
}

func appendUint32s(b []byte, v []uint32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

var errCorrupt = errors.New("network graph: corrupt")

// UnmarshalBinary decodes a graph MarshalBinary encoded. A short, corrupt
// or foreign blob is an error, never a panic; g is changed only on success.
// It must not run while g is being searched or snapped on.
func (g *Graph) UnmarshalBinary(b []byte) error {
	if len(b) < headerSize+4 || string(b[:len(magic)]) != magic {
		return fmt.Errorf("%w: not a placemap network graph", errCorrupt)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != version {
		return fmt.Errorf("%w: version %d, want %d", errCorrupt, v, version)
	}
	if b[12] > 1 {
		return fmt.Errorf("%w: mode %d", errCorrupt, b[12])
	}
	r := reader{b: body, off: 13}
	nv, ne, ns, nr := uint64(r.u32()), uint64(r.u32()), uint64(r.u32()), uint64(r.u32())
	if need := uint64(headerSize) + nr + 8*nv + 17*ne + 4*(ne+1) + 8*ns; need != uint64(len(body)) {
		return fmt.Errorf("%w: %d bytes, the counts say %d", errCorrupt, len(body), need)
	}
	var rep storedReport
	if err := json.Unmarshal(r.bytes(int(nr)), &rep); err != nil {
		return fmt.Errorf("%w: report: %v", errCorrupt, err)
	}
	n := &Graph{mode: Walk, report: Report{Ways: rep.Ways, Source: rep.Source, Skipped: rep.Skipped}}
	if b[12] == 1 {
		n.mode = Cycle
	}
	n.vx, n.vy = r.int32s(int(nv)), r.int32s(int(nv))
	n.efrom, n.eto = r.uint32s(int(ne)), r.uint32s(int(ne))
	n.emetres = make([]float64, ne)
	for i := range n.emetres {
		n.emetres[i] = math.Float64frombits(binary.LittleEndian.Uint64(r.bytes(8)))
	}
	n.eflags = append([]uint8(nil), r.bytes(int(ne))...)
	n.shapeOff = r.uint32s(int(ne + 1))
	n.shape = r.int32s(int(2 * ns))
	if err := n.check(); err != nil {
		return fmt.Errorf("%w: %v", errCorrupt, err)
	}
	n.finish()
	*g = Graph{} // its spatial index is rebuilt when first needed
	g.mode, g.report = n.mode, n.report
	g.vx, g.vy, g.efrom, g.eto, g.emetres, g.eflags, g.shapeOff, g.shape = n.vx, n.vy, n.efrom, n.eto, n.emetres, n.eflags, n.shapeOff, n.shape
	g.adjOff, g.adj, g.comp, g.largest = n.adjOff, n.adj, n.comp, n.largest
	return nil
}

// check verifies what the graph's code relies on: vertices and shape
// points in range, every edge's shape at least two points ending at its
// vertices, lengths finite and not negative, a direction to travel.
func (g *Graph) check() error {
	for i := range g.vx {
		if !validFix(g.vx[i], g.vy[i]) {
			return fmt.Errorf("vertex %d out of range", i)
		}
	}
	for i := 0; i < len(g.shape); i += 2 {
		if !validFix(g.shape[i], g.shape[i+1]) {
			return fmt.Errorf("shape point %d out of range", i/2)
		}
	}
	nv, ns := uint32(len(g.vx)), uint32(len(g.shape)/2)
	if g.shapeOff[0] != 0 || g.shapeOff[len(g.efrom)] != ns {
		return errors.New("shape offsets do not cover the shape")
	}
	for e := range g.efrom {
		lo, hi := g.shapeOff[e], g.shapeOff[e+1]
		switch {
		case g.efrom[e] >= nv || g.eto[e] >= nv:
			return fmt.Errorf("edge %d: vertex out of range", e)
		case hi < lo+2 || hi > ns:
			return fmt.Errorf("edge %d: shape offsets %d..%d", e, lo, hi)
		case math.IsNaN(g.emetres[e]) || math.IsInf(g.emetres[e], 0) || g.emetres[e] < 0:
			return fmt.Errorf("edge %d: length %v", e, g.emetres[e])
		case g.eflags[e] == 0 || g.eflags[e] > fwd|bwd:
			return fmt.Errorf("edge %d: flags %d", e, g.eflags[e])
		case g.shape[2*lo] != g.vx[g.efrom[e]] || g.shape[2*lo+1] != g.vy[g.efrom[e]] ||
			g.shape[2*hi-2] != g.vx[g.eto[e]] || g.shape[2*hi-1] != g.vy[g.eto[e]]:
			return fmt.Errorf("edge %d: shape does not end at its vertices", e)
		}
	}
	return nil
}

func validFix(x, y int32) bool {
	return x >= -1800000000 && x <= 1800000000 && y >= -900000000 && y <= 900000000
}

// reader reads little-endian values from a blob whose length was checked.
type reader struct {
	b   []byte
	off int
}

func (r *reader) bytes(n int) []byte {
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.bytes(4)) }

func (r *reader) uint32s(n int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = r.u32()
	}
	return out
}

func (r *reader) int32s(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(r.u32())
	}
	return out
}
