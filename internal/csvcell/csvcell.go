// Package csvcell writes CSV that spreadsheets open as data, never as
// formulas: every CSV placemap writes goes through its Writer.
//
// A cell beginning with = + - @, a tab or a carriage return is taken by
// Excel, LibreOffice and Google Sheets as a formula (=HYPERLINK(...),
// @SUM(...), -2+3 and the DDE payloads of "CSV injection"). Following
// OWASP's advice (https://owasp.org/www-community/attacks/CSV_Injection),
// such a cell is written with a single quote in front, which the
// spreadsheet shows as text. A cell that is a plain decimal number
// (-1.5, +44, 1e-7) is left as it is: it is data, and a spreadsheet reads
// it as the number it is.
package csvcell

import (
	"encoding/csv"
	"io"
	"strings"
)

// Cell returns s as safe to put in a spreadsheet cell: s itself, or s with
// a single quote in front when a spreadsheet would read it as a formula.
func Cell(s string) string {
	if s == "" || !triggers(s) || isNumber(s) {
		return s
	}
	return "'" + s
}

// triggers reports whether s begins with a character that makes a
// spreadsheet read the cell as a formula: OWASP's = + - @ tab and carriage
// return, and their full-width forms, which some spreadsheets in East
// Asian locales treat the same way.
func triggers(s string) bool {
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// isNumber reports whether s is a plain decimal number: an optional sign,
// digits with at most one decimal point, and an optional exponent. Not
// strconv.ParseFloat, which also takes "-Inf", "+NaN", hex floats and
// underscores, none of which a spreadsheet reads as a number.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, point := 0, false
	for ; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !point {
			point = true
		} else {
			break
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// Writer is an encoding/csv Writer whose every cell passes through Cell.
type Writer struct {
	cw  *csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{cw: csv.NewWriter(w)} }

// Write writes one record, each cell made safe with Cell. The record
// itself is not changed.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, s := range record {
		w.buf = append(w.buf, Cell(s))
	}
	return w.cw.Write(w.buf)
}

// Flush writes any buffered data to the underlying io.Writer.
func (w *Writer) Flush() { w.cw.Flush() }

// Error reports any error from a previous Write or Flush.
func (w *Writer) Error() error { return w.cw.Error() }
