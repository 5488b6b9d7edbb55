package network

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"maps"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestBinaryRoundTrip(t *testing.T) {
	for _, mode := range []Mode{Walk, Cycle} {
		t.Run(string(mode), func(t *testing.T) {
			g, rep := build(t, mode)
			b, err := g.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var h Graph
			if err := h.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			got := h.Report()
			if !maps.Equal(got.Skipped, rep.Skipped) {
				t.Errorf("skipped %v, want %v", got.Skipped, rep.Skipped)
			}
			got.Skipped, rep.Skipped = nil, nil
			if !reflect.DeepEqual(got, rep) {
				t.Errorf("report\n%+v\nwant\n%+v", got, rep)
			}
			if h.Mode() != mode {
				t.Errorf("mode %v", h.Mode())
			}
			// The same answers from the graph read back.
			for _, p := range []orb.Point{{-1.470, 53.381}, {-1.4699, 53.380}, {-1.468, 53.382}} {
				var got [2]float64
				for k, gr := range []*Graph{g, &h} {
					tree, err := gr.Nearest(context.Background(), sources(t, gr), 0)
					if err != nil {
						t.Fatal(err)
					}
					s, _ := gr.Snap(p)
					got[k], _, _ = tree.To(s)
				}
				if got[0] != got[1] || got[0] == 0 {
					t.Errorf("%v: %v before, %v read back", p, got[0], got[1])
				}
			}
			again, _ := h.MarshalBinary()
			if !bytes.Equal(again, b) {
				t.Error("the graph read back encodes differently")
			}
		})
	}
}

func TestUnmarshalRefuses(t *testing.T) {
	g, _ := build(t, Walk)
	good, _ := g.MarshalBinary()
	resum := func(b []byte) []byte {
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		return b
	}
	edit := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return resum(b)
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short", good[:20]},
		{"truncated", good[:len(good)-9]},
		{"flipped bit", func() []byte { b := bytes.Clone(good); b[100] ^= 1; return b }()},
		{"other magic", edit(func(b []byte) { b[0] = 'X' })},
		{"version 2", edit(func(b []byte) { b[8] = 2 })},
		{"mode 7", edit(func(b []byte) { b[12] = 7 })},
		{"vertex count", edit(func(b []byte) { b[13]++ })},
		{"huge edge count", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[17:], 1<<31) })},
		{"edge to no vertex", edit(func(b []byte) {
			off := headerSize + int(binary.LittleEndian.Uint32(b[25:])) + 8*g.report.Nodes
			binary.LittleEndian.PutUint32(b[off:], 999)
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Graph
			if err := h.UnmarshalBinary(tt.b); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, mode := range []Mode{Walk, Cycle} {
		g, _ := build(f, mode)
		good, _ := g.MarshalBinary()
		f.Add(good, false)
		f.Add(good, true)
		f.Add(good[:len(good)/2], true)
	}
	f.Add([]byte(magic), false)
	// fixSum puts the right checksum on the bytes, so that the fuzzer gets
	// past it to the parser's checks.
	f.Fuzz(func(t *testing.T, b []byte, fixSum bool) {
		if fixSum && len(b) >= 4 {
			b = bytes.Clone(b)
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		}
		var h Graph
		if err := h.UnmarshalBinary(b); err != nil {
			return
		}
		// A graph accepted must be usable.
		if s, ok := h.Snap(orb.Point{-1.47, 53.38}); ok {
			if tree, err := h.Nearest(context.Background(), []Snap{s}, 500); err == nil {
				tree.To(s)
				tree.Reached(func(orb.LineString, []float64) {})
			}
		}
	})
}
