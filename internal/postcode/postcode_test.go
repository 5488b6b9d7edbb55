package postcode_test

import (
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/postcode"
)

func TestNormalise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"s80ab", "S8 0AB"}, {"S8 0AB", "S8 0AB"}, {" s8  0ab ", "S8 0AB"}, {"sw1a1aa", "SW1A 1AA"},
		{"EC1A 1BB", "EC1A 1BB"}, {"m11ae", "M1 1AE"}, {"bt11aa", "BT1 1AA"}, {"gir0aa", "GIR 0AA"},
		{"S8", ""}, {"S8 0A", ""}, {"88 0AB", ""}, {"S8 AAB", ""}, {"ABC1 1AA", ""}, {"", ""}, {"S8-0AB", ""},
	} {
		got, err := postcode.Normalise(tc.in)
		if tc.want == "" {
			if place.ErrorCode(err) != place.EINVALID {
				t.Errorf("Normalise(%q) = %q, %v; want EINVALID", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Normalise(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in         string
		ok         bool
		full, pref string
	}{
		{"S8 0AB", true, "S8 0AB", "S8 0AB"}, {"s8", true, "", "S8 "}, {"S8 0", true, "", "S8 0"},
		{"s8 0a", true, "", "S8 0A"}, {"Heeley", false, "", ""}, {"S8 A", false, "", ""}, {"library", false, "", ""},
	} {
		q, ok := postcode.ParseQuery(tc.in)
		if ok != tc.ok || q.Full != tc.full || (ok && q.Prefix != tc.pref) {
			t.Errorf("ParseQuery(%q) = %+v, %v; want full %q prefix %q ok %v", tc.in, q, ok, tc.full, tc.pref, tc.ok)
		}
	}
}

func readAll(t *testing.T, file string, skip bool) (*postcode.Reader, []postcode.Record, error) {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := postcode.NewReader(f, skip)
	if err != nil {
		return nil, nil, err
	}
	var out []postcode.Record
	for {
		r, err := rd.Next()
		if err == io.EOF {
			return rd, out, nil
		}
		if err != nil {
			return rd, out, err
		}
		out = append(out, r)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.0005 }

func TestLayouts(t *testing.T) {
	for _, tc := range []struct {
		file, layout string
		n, noLoc     int
		terminated   string // of S8 0AD, when the file has it
	}{
		{"onspd.csv", postcode.ONSPD, 4, 1, "2000-12"},
		{"nspl.csv", postcode.ONSPD, 2, 0, "2000-12"},
		{"codepoint.csv", postcode.CodePoint, 2, 1, ""},
		{"codepoint-header.csv", postcode.CodePoint, 1, 1, ""},
		{"plain.csv", postcode.Plain, 2, 0, ""},
		{"latlon.csv", postcode.Plain, 1, 0, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rd, recs, err := readAll(t, tc.file, false)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Layout() != tc.layout || len(recs) != tc.n || rd.NoLocation != tc.noLoc {
				t.Fatalf("layout %s, %d records, %d without location; want %s, %d, %d", rd.Layout(), len(recs), rd.NoLocation, tc.layout, tc.n, tc.noLoc)
			}
			s8 := recs[0]
			if s8.Postcode != "S8 0AB" || !near(s8.Point[0], -1.47389) || !near(s8.Point[1], 53.35321) || s8.Terminated != "" {
				t.Errorf("first record %+v; want S8 0AB at -1.47389, 53.35321, live", s8)
			}
			for _, r := range recs {
				if r.Postcode == "S8 0AD" && r.Terminated != tc.terminated {
					t.Errorf("S8 0AD terminated %q, want %q", r.Terminated, tc.terminated)
				}
			}
		})
	}
}

func TestONSPDGridAndNI(t *testing.T) {
	rd, recs, err := readAll(t, "onspd.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	var s7 *postcode.Record
	for i := range recs {
		if recs[i].Postcode == "S7 1AA" {
			s7 = &recs[i]
		}
	}
	// lat 99.999999 but a grid reference: placed from the grid.
	if s7 == nil || !(s7.Point[0] < -1.4 && s7.Point[0] > -1.5 && s7.Point[1] > 53.3 && s7.Point[1] < 53.4) {
		t.Errorf("S7 1AA = %+v, want placed from its grid reference near Sheffield", s7)
	}
	if rd.NI != 1 {
		t.Errorf("NI = %d, want 1", rd.NI)
	}
}

func TestBadRow(t *testing.T) {
	_, _, err := readAll(t, "bad.csv", false)
	if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v, want EINVALID at line 3", err)
	}
	rd, recs, err := readAll(t, "bad.csv", true)
	if err != nil || len(recs) != 2 || len(rd.Invalid) != 1 || rd.Invalid[0].Line != 3 {
		t.Fatalf("skip invalid: %d records, invalid %v, err %v", len(recs), rd.Invalid, err)
	}
	_, err = postcode.NewReader(strings.NewReader("name,x\na,b\n"), false)
	if place.ErrorCode(err) != place.EINVALID {
		t.Errorf("unknown layout: %v", err)
	}
	_ = errors.New
}
