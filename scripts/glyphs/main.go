// Command glyphs makes the SDF glyph ranges placemap serves at
// /fonts/{fontstack}/{range}.pbf, from the DejaVu Sans fonts of Debian's
// fonts-dejavu-core package, into internal/glyphs/fonts (embedded in the
// binary). Run it from the repository root: go run ./scripts/glyphs
//
// Each range is the glyphs protobuf MapLibre reads (mapbox/glyph-pbf-composite,
// node-fontnik proto/glyphs.proto). The glyphs are made as node-fontnik makes
// them: sdf-glyph-foundry's RenderSDF (include/mapbox/glyph_foundry_impl.hpp)
// called by node-fontnik's src/glyphs.cpp with size 24, buffer 3, cutoff 0.25:
//   - the outline, unhinted, at 24 px per em, curves flattened (AGG curve3_div,
//     distance tolerance 0.5 px), y up;
//   - the bounding box of the flattened outline, each side rounded
//     (std::round); width/height are its size, left its xmin, and top is its
//     ymax minus the ascender (the face's size metrics ascender / 64, which
//     FreeType rounds up to whole pixels: 23 for DejaVu Sans at 24 px);
//   - advance = horiAdvance / 64, truncated;
//   - the bitmap (width+6)×(height+6), rows top to bottom, sampled at pixel
//     centres: d = distance to the nearest outline segment within 8 px (else
//     infinite) × 256/8, negated inside (even-odd ray casting), plus
//     0.25×256, clamped to 0..255 (truncated), and stored as 255−d;
//   - glyphs without an outline (space) have width 0, no bitmap, left 0 and
//     top −ascender.
//
// Checked against FreeType (libfreetype 6.18.3, FT_LOAD_NO_HINTING at 24 px)
// for DejaVu Sans: the same 5370 code points, every advance equal, and every
// width, height, left and top equal to those of FreeType's control box
// rounded, but for 9 glyphs whose curves stay inside their control points
// (the flattened outline's box, which sdf-glyph-foundry takes, is tighter).
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"google.golang.org/protobuf/encoding/protowire"
)

// face is one font to make ranges of: its fontstack name, the directory its
// ranges go to, and the TrueType file it is made from.
type face struct {
	name, dir, file string
}

var faces = []face{
	{"DejaVu Sans Book", "dejavu-sans-book", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
	{"DejaVu Sans Bold", "dejavu-sans-bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"},
}

const (
	size   = 24   // pixels per em
	buffer = 3    // pixels around each glyph's bitmap
	radius = 8    // pixels the distance field reaches
	cutoff = 0.25 // share of the byte range kept for inside distances
)

func main() {
	out := flag.String("out", "internal/glyphs/fonts", "directory to write the ranges to")
	flag.Parse()
	total := 0
	for _, f := range faces {
		n, err := makeFace(f, *out)
		if err != nil {
			log.Fatalf("glyphs: %s: %v", f.name, err)
		}
		total += n
	}
	if err := writeNotes(*out); err != nil {
		log.Fatalf("glyphs: %v", err)
	}
	log.Printf("glyphs: %d bytes in all", total)
}

// copyright is the Debian copyright file of the fonts, holding their licence.
const copyright = "/usr/share/doc/fonts-dejavu-core/copyright"

// writeNotes records beside the ranges where they come from (SOURCE.txt) and
// the fonts' licence (LICENCE.txt, Debian's copyright file as it is).
func writeNotes(out string) error {
	licence, err := os.ReadFile(copyright)
	if err != nil {
		return fmt.Errorf("reading the fonts' licence: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "LICENCE.txt"), licence, 0o644); err != nil {
		return fmt.Errorf("writing LICENCE.txt: %w", err)
	}
	var src strings.Builder
	src.WriteString("SDF glyph ranges (the glyphs protobuf MapLibre reads) made by `go run ./scripts/glyphs`\n" +
		"from the DejaVu fonts of Debian's fonts-dejavu-core package (https://dejavu-fonts.github.io/),\n" +
		"under the Bitstream Vera licence with DejaVu's changes in the public domain: see LICENCE.txt\n" +
		"(" + copyright + ").\n\n" +
		"Made as node-fontnik makes them (sdf-glyph-foundry RenderSDF): 24 px, buffer 3 px, radius 8 px,\n" +
		"cutoff 0.25; metrics as node-fontnik writes them (top = bbox top - ascender).\n\n")
	for _, f := range faces {
		data, err := os.ReadFile(f.file)
		if err != nil {
			return fmt.Errorf("reading %s: %w", f.file, err)
		}
		fmt.Fprintf(&src, "%s/  fontstack %q  from %s  sha256 %x\n", f.dir, f.name, f.file, sha256.Sum256(data))
	}
	if err := os.WriteFile(filepath.Join(out, "SOURCE.txt"), []byte(src.String()), 0o644); err != nil {
		return fmt.Errorf("writing SOURCE.txt: %w", err)
	}
	return nil
}

// makeFace writes every range of f that has a glyph, and returns their size.
func makeFace(f face, out string) (int, error) {
	data, err := os.ReadFile(f.file)
	if err != nil {
		return 0, fmt.Errorf("reading the font: %w", err)
	}
	font, err := sfnt.Parse(data)
	if err != nil {
		return 0, fmt.Errorf("parsing the font: %w", err)
	}
	asc, err := ascender(data)
	if err != nil {
		return 0, err
	}
	dir := filepath.Join(out, f.dir)
	if err := os.RemoveAll(dir); err != nil {
		return 0, fmt.Errorf("clearing %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("making %s: %w", dir, err)
	}
	total, glyphs := 0, 0
	var buf sfnt.Buffer
	for start := 0; start < 65536; start += 256 {
		var msg []byte
		n := 0
		for cp := start; cp < start+256; cp++ {
			idx, err := font.GlyphIndex(&buf, rune(cp))
			if err != nil || idx == 0 {
				continue
			}
			g, err := render(font, &buf, idx, asc)
			if err != nil {
				return 0, fmt.Errorf("glyph U+%04X: %w", cp, err)
			}
			g.id = uint32(cp)
			msg = protowire.AppendTag(msg, 3, protowire.BytesType)
			msg = protowire.AppendBytes(msg, g.encode())
			n++
		}
		if n == 0 {
			continue
		}
		rng := fmt.Sprintf("%d-%d", start, start+255)
		file := encodeStack(f.name, rng, msg)
		if err := os.WriteFile(filepath.Join(dir, rng+".pbf"), file, 0o644); err != nil {
			return 0, fmt.Errorf("writing range %s: %w", rng, err)
		}
		total += len(file)
		glyphs += n
	}
	log.Printf("glyphs: %s: %d glyphs, %d bytes", f.name, glyphs, total)
	return total, nil
}

// encodeStack wraps a fontstack's glyphs (already encoded as field 3) in the
// glyphs message.
func encodeStack(name, rng string, glyphs []byte) []byte {
	var stack []byte
	stack = protowire.AppendTag(stack, 1, protowire.BytesType)
	stack = protowire.AppendString(stack, name)
	stack = protowire.AppendTag(stack, 2, protowire.BytesType)
	stack = protowire.AppendString(stack, rng)
	stack = append(stack, glyphs...)
	var msg []byte
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	return protowire.AppendBytes(msg, stack)
}

// ascender is FreeType's size-metrics ascender at 24 px in whole pixels, as
// sdf-glyph-foundry takes it (ascender / 64): hhea's ascender scaled and
// rounded up (FreeType's FT_PIX_CEIL). Checked against FreeType 2.12
// (libfreetype 6.18.3): DejaVu Sans at 24 px has ascender 1472/64 = 23.
func ascender(data []byte) (int, error) {
	head, err := table(data, "head")
	if err != nil || len(head) < 20 {
		return 0, fmt.Errorf("reading head: %w", errors.Join(err, errors.New("short table")))
	}
	hhea, err := table(data, "hhea")
	if err != nil || len(hhea) < 8 {
		return 0, fmt.Errorf("reading hhea: %w", errors.Join(err, errors.New("short table")))
	}
	upem := float64(binary.BigEndian.Uint16(head[18:]))
	asc := float64(int16(binary.BigEndian.Uint16(hhea[4:]))) * size / upem
	return int(math.Ceil(asc)), nil
}

// table finds a table of a TrueType file by its tag.
func table(data []byte, tag string) ([]byte, error) {
	if len(data) < 12 {
		return nil, errors.New("short font file")
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		if len(rec) < 16 {
			break
		}
		if string(rec[:4]) == tag {
			off, ln := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
			if uint64(off)+uint64(ln) > uint64(len(data)) {
				return nil, fmt.Errorf("table %s past the end of the file", tag)
			}
			return data[off : off+ln], nil
		}
	}
	return nil, fmt.Errorf("no %s table", tag)
}

// glyph is one glyph of a range as the protobuf carries it.
type glyph struct {
	id            uint32
	bitmap        []byte
	width, height uint32
	left, top     int32
	advance       uint32
}

func (g glyph) encode() []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(g.id))
	if g.width > 0 {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, g.bitmap)
	}
	for _, f := range []struct {
		num protowire.Number
		v   uint64
	}{
		{3, uint64(g.width)}, {4, uint64(g.height)},
		{5, protowire.EncodeZigZag(int64(g.left))}, {6, protowire.EncodeZigZag(int64(g.top))},
		{7, uint64(g.advance)},
	} {
		b = protowire.AppendTag(b, f.num, protowire.VarintType)
		b = protowire.AppendVarint(b, f.v)
	}
	return b
}

// render makes one glyph's metrics and distance field.
func render(f *sfnt.Font, buf *sfnt.Buffer, idx sfnt.GlyphIndex, asc int) (glyph, error) {
	adv, err := f.GlyphAdvance(buf, idx, fixed.I(size), font.HintingNone)
	if err != nil {
		return glyph{}, fmt.Errorf("advance: %w", err)
	}
	g := glyph{advance: uint32(adv / 64), top: int32(-asc)}
	segs, err := f.LoadGlyph(buf, idx, fixed.I(size), nil)
	if err != nil {
		return glyph{}, fmt.Errorf("outline: %w", err)
	}
	rings := flatten(segs)
	if len(rings) == 0 {
		return g, nil
	}
	xmin, ymin, xmax, ymax := bounds(rings)
	if xmax-xmin == 0 || ymax-ymin == 0 {
		return g, nil
	}
	for _, r := range rings {
		for i := range r {
			r[i].x += float32(-xmin + buffer)
			r[i].y += float32(-ymin + buffer)
		}
	}
	g.left, g.top = int32(xmin), int32(ymax)-int32(asc)
	g.width, g.height = uint32(xmax-xmin), uint32(ymax-ymin)
	g.bitmap = distanceField(rings, int(g.width)+2*buffer, int(g.height)+2*buffer)
	return g, nil
}

// bounds is the rounded bounding box of the rings.
func bounds(rings [][]point) (xmin, ymin, xmax, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, r := range rings {
		for _, p := range r {
			xmin, xmax = math.Min(xmin, float64(p.x)), math.Max(xmax, float64(p.x))
			ymin, ymax = math.Min(ymin, float64(p.y)), math.Max(ymax, float64(p.y))
		}
	}
	return math.Round(xmin), math.Round(ymin), math.Round(xmax), math.Round(ymax)
}

// distanceField samples the signed distance to the rings at each pixel's
// centre, rows from the top.
func distanceField(rings [][]point, w, h int) []byte {
	type segment struct {
		a, b               point
		bx1, by1, bx2, by2 float64 // the box the R-tree indexes, ends truncated to integers
	}
	var segs []segment
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			segs = append(segs, segment{a, b,
				math.Trunc(float64(min(a.x, b.x))), math.Trunc(float64(min(a.y, b.y))),
				math.Trunc(float64(max(a.x, b.x))), math.Trunc(float64(max(a.y, b.y)))})
		}
	}
	out := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := point{float32(x) + 0.5, float32(y) + 0.5}
			px, py := float64(p.x), float64(p.y)
			best := math.Inf(1)
			for _, s := range segs {
				if s.bx2 < px-radius || s.bx1 > px+radius || s.by2 < py-radius || s.by1 > py+radius {
					continue
				}
				if d := segmentDistance2(p, s.a, s.b); d < best && d < radius*radius {
					best = d
				}
			}
			d := math.Sqrt(best) * (256 / radius)
			if inside(rings, p) {
				d = -d
			}
			d += cutoff * 256
			n := 0
			switch {
			case d > 255:
				n = 255
			case d > 0:
				n = int(d)
			}
			out[(h-y-1)*w+x] = byte(255 - n)
		}
	}
	return out
}

// segmentDistance2 is the squared distance from p to the segment v–w.
func segmentDistance2(p, v, w point) float64 {
	vx, vy, wx, wy := float64(v.x), float64(v.y), float64(w.x), float64(w.y)
	px, py := float64(p.x), float64(p.y)
	l2 := (wx-vx)*(wx-vx) + (wy-vy)*(wy-vy)
	sx, sy := vx, vy
	if l2 != 0 {
		t := ((px-vx)*(wx-vx) + (py-vy)*(wy-vy)) / l2
		switch {
		case t > 1:
			sx, sy = wx, wy
		case t >= 0:
			sx, sy = float64(float32(vx+t*(wx-vx))), float64(float32(vy+t*(wy-vy)))
		}
	}
	return (px-sx)*(px-sx) + (py-sy)*(py-sy)
}

// inside says whether p is inside the rings by the even-odd rule.
func inside(rings [][]point, p point) bool {
	c := false
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a.y > p.y) != (b.y > p.y) && p.x < (b.x-a.x)*(p.y-a.y)/(b.y-a.y)+a.x {
				c = !c
			}
		}
	}
	return c
}

// point is a point of a flattened outline, in pixels, y up (sfnt's y is down).
type point struct{ x, y float32 }

func pt(p fixed.Point26_6) point {
	return point{float32(p.X) / 64, -float32(p.Y) / 64}
}

// flatten turns the glyph's outline into closed rings of points.
func flatten(segs sfnt.Segments) [][]point {
	var rings [][]point
	var ring []point
	closeRing := func() {
		if len(ring) == 0 {
			return
		}
		if ring[0] != ring[len(ring)-1] {
			ring = append(ring, ring[0])
		}
		rings = append(rings, ring)
		ring = nil
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			closeRing()
			ring = append(ring, pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			ring = append(ring, pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			if len(ring) > 0 {
				ring = quad(ring, ring[len(ring)-1], pt(s.Args[0]), pt(s.Args[1]))
			}
		case sfnt.SegmentOpCubeTo:
			if len(ring) > 0 {
				ring = cube(ring, ring[len(ring)-1], pt(s.Args[0]), pt(s.Args[1]), pt(s.Args[2]), 0)
				ring = append(ring, pt(s.Args[2]))
			}
		}
	}
	closeRing()
	return rings
}

// tolerance2 is AGG's distance tolerance squared at approximation scale 1.
const tolerance2 = 0.5 * 0.5

// quad appends the flattened quadratic curve a–c (control b) after a,
// subdividing as AGG's curve3_div does with no angle tolerance.
func quad(ring []point, a, b, c point) []point {
	ring = quadStep(ring, float64(a.x), float64(a.y), float64(b.x), float64(b.y), float64(c.x), float64(c.y), 0)
	return append(ring, c)
}

func quadStep(ring []point, x1, y1, x2, y2, x3, y3 float64, level int) []point {
	if level > 32 {
		return ring
	}
	x12, y12 := (x1+x2)/2, (y1+y2)/2
	x23, y23 := (x2+x3)/2, (y2+y3)/2
	x123, y123 := (x12+x23)/2, (y12+y23)/2
	dx, dy := x3-x1, y3-y1
	d := math.Abs((x2-x3)*dy - (y2-y3)*dx)
	if d > 1e-30 {
		if d*d <= tolerance2*(dx*dx+dy*dy) {
			return append(ring, point{float32(x123), float32(y123)})
		}
	} else {
		// Collinear: AGG keeps the control point's projection when it
		// falls outside the chord; inside, the chord is exact.
		da := dx*dx + dy*dy
		var d2 float64
		if da == 0 {
			d2 = (x1-x2)*(x1-x2) + (y1-y2)*(y1-y2)
		} else {
			t := ((x2-x1)*dx + (y2-y1)*dy) / da
			if t > 0 && t < 1 {
				return ring
			}
			switch {
			case t <= 0:
				d2 = (x2-x1)*(x2-x1) + (y2-y1)*(y2-y1)
			case t >= 1:
				d2 = (x2-x3)*(x2-x3) + (y2-y3)*(y2-y3)
			}
		}
		if d2 < tolerance2 {
			return append(ring, point{float32(x2), float32(y2)})
		}
	}
	ring = quadStep(ring, x1, y1, x12, y12, x123, y123, level+1)
	return quadStep(ring, x123, y123, x23, y23, x3, y3, level+1)
}

// cube appends the inner points of the flattened cubic curve a–d (TrueType
// fonts have none; kept simple: subdivided until flat within the tolerance).
func cube(ring []point, a, b, c, d point, level int) []point {
	dx, dy := float64(d.x-a.x), float64(d.y-a.y)
	d2 := math.Abs(float64((b.x-d.x))*dy - float64((b.y-d.y))*dx)
	d3 := math.Abs(float64((c.x-d.x))*dy - float64((c.y-d.y))*dx)
	if level > 16 || (d2+d3)*(d2+d3) <= tolerance2*(dx*dx+dy*dy) {
		return ring
	}
	mid := func(p, q point) point { return point{(p.x + q.x) / 2, (p.y + q.y) / 2} }
	ab, bc, cd := mid(a, b), mid(b, c), mid(c, d)
	abc, bcd := mid(ab, bc), mid(bc, cd)
	m := mid(abc, bcd)
	ring = cube(ring, a, ab, abc, m, level+1)
	ring = append(ring, m)
	return cube(ring, m, bcd, cd, d, level+1)
}
