package csvcell_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/placemap/placemap/internal/csvcell"
)

func TestCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// OWASP's formula triggers.
		{`=HYPERLINK("http://evil.example","click")`, `'=HYPERLINK("http://evil.example","click")`},
		{"=1+1", "'=1+1"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"-", "'-"},
		{"+", "'+"},
		{"+44 114 273 4400", "'+44 114 273 4400"}, // a phone number with spaces is text
		{"-Inf", "'-Inf"},
		{"+NaN", "'+NaN"},
		{"-0x1p-2", "'-0x1p-2"},
		{"-1_000", "'-1_000"},
		{"-1.5e", "'-1.5e"},
		{"-.", "'-."},
		{"＝1+1", "'＝1+1"}, // full-width equals sign
		{"＠SUM(A1)", "'＠SUM(A1)"},
		// Numbers stay numbers.
		{"-1.5", "-1.5"},
		{"+44", "+44"},
		{"-1.4700000", "-1.4700000"},
		{"-.5", "-.5"},
		{"-5.", "-5."},
		{"1e-7", "1e-7"},
		{"-2.5E+10", "-2.5E+10"},
		{"0", "0"},
		// Everything else as it is.
		{"", ""},
		{"Broomhill Library", "Broomhill Library"},
		{"a=b", "a=b"},
		{" =1+1", " =1+1"}, // a leading space is not a formula
		{"E05001043", "E05001043"},
		{"MULTIPOLYGON (((-1.5 53, -1.4 53, -1.4 53.1, -1.5 53)))", "MULTIPOLYGON (((-1.5 53, -1.4 53, -1.4 53.1, -1.5 53)))"},
		{"'=already quoted", "'=already quoted"},
	} {
		if got := csvcell.Cell(c.in); got != c.want {
			t.Errorf("Cell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := csvcell.NewWriter(&b)
	rec := []string{"=cmd", "-1.5", "a,b"}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if rec[0] != "=cmd" {
		t.Errorf("Write changed its record: %q", rec)
	}
	got, err := csv.NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"'=cmd", "-1.5", "a,b"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("read back %q, want %q", got, want)
	}
}
