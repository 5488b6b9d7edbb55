package osm

import (
	"context"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// TestHostilePBFsAreRefused: a PBF block whose data breaks an assumption
// of the decoder (a string index out of range, plain nodes, arrays of
// unequal length, keys_vals that do not pair up, a field of another wire
// type or given twice) is refused as EINVALID naming the file and the
// block, by the guard before the decoder sees it. Many of these files
// make the decoder panic in a goroutine of its own, which ends the
// process: on a decoder left unguarded this test binary dies.
func TestHostilePBFsAreRefused(t *testing.T) {
	read := func(name string, src []byte) ([]Object, error) {
		var got []Object
		_, err := Read(context.Background(), Bytes(src), name, Options{Keep: keepAll, Sites: true}, func(o Object) error {
			got = append(got, o)
			return nil
		})
		return got, err
	}
	good, err := read("good.osm.pbf", testkit.GoodPBF())
	if err != nil || len(good) != 3 {
		t.Fatalf("the valid file: %d objects, %v; want the school as a node, a way and a relation", len(good), err)
	}
	for _, h := range testkit.HostilePBFs() {
		t.Run(h.Name, func(t *testing.T) {
			_, err := read(h.Name, h.File)
			if place.ErrorCode(err) != place.EINVALID {
				t.Fatalf("error %v (code %q); want %s", err, place.ErrorCode(err), place.EINVALID)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, h.Name+": ") || !strings.Contains(msg, "block 2: ") || !strings.Contains(msg, h.Want) {
				t.Errorf("error %q; want it to name the file, block 2 and %q", msg, h.Want)
			}
		})
	}
}

func TestCountVarints(t *testing.T) {
	for _, tc := range []struct {
		b  []byte
		n  int
		ok bool
	}{
		{nil, 0, true},
		{[]byte{0, 1, 0x7f}, 3, true},
		{[]byte{0x80, 0x01, 0x05}, 2, true},
		{[]byte{0x80}, 0, false}, // cut short
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 1, true},  // 1<<64 - 1
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 0, false}, // past 64 bits
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, false},
	} {
		if n, ok := countVarints(tc.b); n != tc.n && tc.ok || ok != tc.ok {
			t.Errorf("countVarints(% x) = %d, %v; want %d, %v", tc.b, n, ok, tc.n, tc.ok)
		}
	}
}
