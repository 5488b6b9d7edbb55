package glyphs

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// testGlyph is one decoded glyph of a range.
type testGlyph struct {
	id, width, height, advance uint32
	left, top                  int32
	bitmap                     []byte
}

// decodeRange reads a glyphs message: its one fontstack's name, range and
// glyphs.
func decodeRange(t *testing.T, b []byte) (name, rng string, glyphs map[uint32]testGlyph) {
	t.Helper()
	glyphs = map[uint32]testGlyph{}
	stacks := 0
	fields(t, b, func(num protowire.Number, _ uint64, stack []byte) {
		if num != 1 {
			t.Fatalf("glyphs message has field %d", num)
		}
		stacks++
		fields(t, stack, func(num protowire.Number, _ uint64, v []byte) {
			switch num {
			case 1:
				name = string(v)
			case 2:
				rng = string(v)
			case 3:
				g := decodeGlyph(t, v)
				glyphs[g.id] = g
			default:
				t.Fatalf("fontstack has field %d", num)
			}
		})
	})
	if stacks != 1 {
		t.Fatalf("%d fontstacks, want 1", stacks)
	}
	return name, rng, glyphs
}

func decodeGlyph(t *testing.T, b []byte) testGlyph {
	t.Helper()
	var g testGlyph
	seen := map[protowire.Number]bool{}
	fields(t, b, func(num protowire.Number, n uint64, v []byte) {
		seen[num] = true
		switch num {
		case 1:
			g.id = uint32(n)
		case 2:
			g.bitmap = v
		case 3:
			g.width = uint32(n)
		case 4:
			g.height = uint32(n)
		case 5:
			g.left = int32(protowire.DecodeZigZag(n))
		case 6:
			g.top = int32(protowire.DecodeZigZag(n))
		case 7:
			g.advance = uint32(n)
		default:
			t.Fatalf("glyph has field %d", num)
		}
	})
	for _, num := range []protowire.Number{1, 3, 4, 5, 6, 7} {
		if !seen[num] {
			t.Fatalf("glyph %d lacks required field %d", g.id, num)
		}
	}
	return g
}

// fields calls f with each field of a message: its number and its varint or
// bytes value.
func fields(t *testing.T, b []byte, f func(protowire.Number, uint64, []byte)) {
	t.Helper()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		switch typ {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				t.Fatalf("bad varint in field %d: %v", num, protowire.ParseError(n))
			}
			f(num, v, nil)
			b = b[n:]
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				t.Fatalf("bad bytes in field %d: %v", num, protowire.ParseError(n))
			}
			f(num, 0, v)
			b = b[n:]
		default:
			t.Fatalf("field %d has wire type %d", num, typ)
		}
	}
}

func TestRangesDecode(t *testing.T) {
	fonts := New()
	for _, tc := range []struct {
		stack, rng string
		want       []uint32 // code points that must be there
	}{
		{Regular, "0-255", []uint32{'A', 'a', '0', ' ', 0xe9}},
		{Bold, "0-255", []uint32{'A', 'z'}},
		{Regular, "256-511", []uint32{0x100, 0x141, 0x17e}}, // Ā Ł ž
	} {
		b, err := fonts.Range(tc.stack, tc.rng)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.stack, tc.rng, err)
		}
		name, rng, glyphs := decodeRange(t, b)
		if name != tc.stack || rng != tc.rng {
			t.Errorf("%s %s: fontstack says %q %q", tc.stack, tc.rng, name, rng)
		}
		for _, cp := range tc.want {
			if _, ok := glyphs[cp]; !ok {
				t.Errorf("%s %s: no glyph U+%04X", tc.stack, tc.rng, cp)
			}
		}
		for id, g := range glyphs {
			if (tc.rng == "0-255" && id > 255) || (tc.rng == "256-511" && (id < 256 || id > 511)) {
				t.Errorf("%s %s: glyph U+%04X out of the range", tc.stack, tc.rng, id)
			}
			if g.width > 0 && len(g.bitmap) != int((g.width+6)*(g.height+6)) {
				t.Errorf("%s U+%04X: bitmap %d bytes for %d×%d", tc.stack, id, len(g.bitmap), g.width, g.height)
			}
		}
	}
}

func TestGlyphA(t *testing.T) {
	b, err := New().Range(Regular, "0-255")
	if err != nil {
		t.Fatal(err)
	}
	_, _, glyphs := decodeRange(t, b)
	a, ok := glyphs['A']
	if !ok {
		t.Fatal("no glyph A")
	}
	if a.width == 0 || a.height == 0 {
		t.Fatalf("A is %d×%d", a.width, a.height)
	}
	if len(a.bitmap) != int((a.width+6)*(a.height+6)) {
		t.Fatalf("A's bitmap is %d bytes for %d×%d", len(a.bitmap), a.width, a.height)
	}
	// At 24 px DejaVu Sans's A is about 16×17 px, sitting on the baseline:
	// its top is its height less the ascender (23 px, as FreeType says).
	if a.width < 12 || a.width > 20 || a.height < 14 || a.height > 20 || a.advance < 14 || a.advance > 18 {
		t.Errorf("A is %d×%d advancing %d; want about 16×17 advancing 16", a.width, a.height, a.advance)
	}
	if a.top != int32(a.height)-23 {
		t.Errorf("A's top is %d, want its height %d less the ascender 23", a.top, a.height)
	}
	inside, outside := 0, 0
	for _, v := range a.bitmap {
		switch {
		case v > 192:
			inside++
		case v < 192:
			outside++
		}
	}
	if inside == 0 || outside == 0 {
		t.Errorf("A's distance field has %d values inside and %d outside", inside, outside)
	}
	// The corners are the buffer, far outside the outline.
	w := int(a.width + 6)
	for _, i := range []int{0, w - 1, len(a.bitmap) - w, len(a.bitmap) - 1} {
		if a.bitmap[i] > 128 {
			t.Errorf("A's corner %d is %d, want outside", i, a.bitmap[i])
		}
	}
	sp := glyphs[' ']
	if sp.width != 0 || sp.bitmap != nil || sp.advance == 0 {
		t.Errorf("space is %d wide with %d bytes of bitmap, advancing %d", sp.width, len(sp.bitmap), sp.advance)
	}
}

func TestFontstack(t *testing.T) {
	for in, want := range map[string]string{
		"DejaVu Sans Book":                        Regular,
		"DejaVu Sans Bold":                        Bold,
		"Open Sans Bold,DejaVu Sans Bold":         Bold,
		"Noto Sans Regular":                       Regular,
		"Open Sans Regular,Arial Unicode MS Bold": Regular,
		"": Regular,
	} {
		if got := Fontstack(in); got != want {
			t.Errorf("Fontstack(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRangeWithoutGlyphs(t *testing.T) {
	// DejaVu Sans has nothing in the CJK ideographs.
	b, err := New().Range("Noto Sans CJK", "20224-20479")
	if err != nil {
		t.Fatal(err)
	}
	name, rng, glyphs := decodeRange(t, b)
	if name != Regular || rng != "20224-20479" || len(glyphs) != 0 {
		t.Errorf("got %q %q with %d glyphs, want %q with none", name, rng, len(glyphs), Regular)
	}
}

func TestParseRange(t *testing.T) {
	for _, ok := range []string{"0-255", "256-511", "65280-65535"} {
		if _, err := ParseRange(ok); err != nil {
			t.Errorf("ParseRange(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0", "1-256", "0-256", "65536-65791", "-256--1", "00-255", "+0-255", "256-511-1", "a-b", "0-0255"} {
		if _, err := ParseRange(bad); err == nil {
			t.Errorf("ParseRange(%q) took it", bad)
		}
	}
}

// TestEncoded: a range made ready to send is the range, its gzip inflates
// to the same bytes, the validator is the same each time, and a second ask
// answers the kept copy.
func TestEncoded(t *testing.T) {
	fonts := New()
	for _, tc := range []struct{ stack, rng, want string }{
		{"Open Sans Regular,DejaVu Sans Bold", "0-255", Bold},
		{"Unknown Font", "256-511", Regular},
	} {
		e, err := fonts.Encoded(tc.stack, tc.rng)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.stack, tc.rng, err)
		}
		if name, _, glyphs := decodeRange(t, e.Body); name != tc.want || len(glyphs) == 0 {
			t.Errorf("%s %s: answered %q with %d glyphs, want %q", tc.stack, tc.rng, name, len(glyphs), tc.want)
		}
		zr, err := gzip.NewReader(bytes.NewReader(e.Gzip))
		if err != nil {
			t.Fatal(err)
		}
		inflated, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(inflated, e.Body) {
			t.Errorf("%s %s: gzip inflates to %d bytes (%v), want the %d of the range", tc.stack, tc.rng, len(inflated), err, len(e.Body))
		}
		if len(e.Gzip) >= len(e.Body) {
			t.Errorf("%s %s: gzip %d bytes, range %d", tc.stack, tc.rng, len(e.Gzip), len(e.Body))
		}
		again, err := fonts.Encoded(tc.want, tc.rng)
		if err != nil || again != e || !strings.HasPrefix(e.ETag, `"`) {
			t.Errorf("%s %s: second ask %p (%v), first %p, ETag %q", tc.stack, tc.rng, again, err, e, e.ETag)
		}
	}
	for _, bad := range []string{"1-256", "0-65535", "65536-65791"} {
		if _, err := fonts.Encoded(Regular, bad); !errors.Is(err, ErrBadRange) {
			t.Errorf("%s: %v, want ErrBadRange", bad, err)
		}
	}
}
