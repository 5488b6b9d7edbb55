package postcode_test

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/postcode"
)

// FuzzReader: any input reads to the end or stops with an EINVALID error;
// every record has a normalised postcode and a WGS84 point.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"onspd.csv", "nspl.csv", "codepoint.csv", "plain.csv", "latlon.csv", "bad.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), false)
		f.Add(string(b), true)
	}
	f.Fuzz(func(t *testing.T, in string, skip bool) {
		rd, err := postcode.NewReader(strings.NewReader(in), skip)
		if err != nil {
			if place.ErrorCode(err) != place.EINVALID {
				t.Fatalf("NewReader: %v", err)
			}
			return
		}
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if place.ErrorCode(err) != place.EINVALID {
					t.Fatalf("Next: %v", err)
				}
				return
			}
			if pc, err := postcode.Normalise(rec.Postcode); err != nil || pc != rec.Postcode {
				t.Fatalf("record postcode %q not normalised", rec.Postcode)
			}
			if x, y := rec.Point[0], rec.Point[1]; !(x >= -180 && x <= 180 && y >= -90 && y <= 90) {
				t.Fatalf("record %+v: not WGS84", rec)
			}
		}
	})
}
