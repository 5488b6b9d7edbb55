// Package glyphs serves the SDF glyph ranges MapLibre draws labels with, at
// /fonts/{fontstack}/{range}.pbf, from fonts made by scripts/glyphs (DejaVu
// Sans, see fonts/SOURCE.txt and fonts/LICENCE.txt) and embedded in the
// binary, so the map needs no font service.
package glyphs

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

//go:embed fonts
var embedded embed.FS

// Regular and Bold are the fontstacks placemap has; a request for any other
// gets Regular.
const (
	Regular = "DejaVu Sans Book"
	Bold    = "DejaVu Sans Bold"
)

// dir is the directory under fonts/ holding a fontstack's ranges, if
// placemap has it.
func dir(stack string) (string, bool) {
	switch stack {
	case Regular:
		return "dejavu-sans-book", true
	case Bold:
		return "dejavu-sans-bold", true
	}
	return "", false
}

// ErrBadRange is the answer to a range other than N-(N+255), N a multiple
// of 256 up to 65280.
var ErrBadRange = errors.New("a glyph range is N-M with N a multiple of 256 from 0 to 65280 and M = N+255")

// Fonts answers glyph ranges from the embedded fonts.
type Fonts struct {
	files fs.FS
}

// New gives the fonts embedded in the binary.
func New() *Fonts {
	return &Fonts{files: embedded}
}

// Fontstack is the fontstack placemap answers a requested one with: the
// first of its comma-separated names that placemap has, else Regular.
func Fontstack(requested string) string {
	for _, name := range strings.Split(requested, ",") {
		name = strings.TrimSpace(name)
		if _, ok := dir(name); ok {
			return name
		}
	}
	return Regular
}

// ParseRange checks a range ("0-255", "256-511", … "65280-65535") and gives
// its first code point.
func ParseRange(rng string) (int, error) {
	lo, hi, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, ErrBadRange
	}
	start, err1 := strconv.Atoi(lo)
	end, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || start < 0 || start > 65280 || start%256 != 0 || end != start+255 ||
		lo != strconv.Itoa(start) || hi != strconv.Itoa(end) {
		return 0, ErrBadRange
	}
	return start, nil
}

// Range is the glyphs protobuf of a range of the fontstack placemap answers
// requested with (see Fontstack): the glyphs the font has there, or a
// fontstack with no glyphs. The error is ErrBadRange for a malformed range.
func (f *Fonts) Range(requested, rng string) ([]byte, error) {
	if _, err := ParseRange(rng); err != nil {
		return nil, err
	}
	stack := Fontstack(requested)
	d, _ := dir(stack)
	b, err := fs.ReadFile(f.files, path.Join("fonts", d, rng+".pbf"))
	if errors.Is(err, fs.ErrNotExist) {
		return Empty(stack, rng), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading glyphs %s %s: %w", stack, rng, err)
	}
	return b, nil
}

// Empty is the glyphs message of a fontstack with no glyphs in the range.
func Empty(stack, rng string) []byte {
	var s []byte
	s = protowire.AppendTag(s, 1, protowire.BytesType)
	s = protowire.AppendString(s, stack)
	s = protowire.AppendTag(s, 2, protowire.BytesType)
	s = protowire.AppendString(s, rng)
	var msg []byte
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	return protowire.AppendBytes(msg, s)
}

// ServeHTTP answers GET /fonts/{fontstack}/{range}.pbf: 400 for a malformed
// range, else the range, cached for long (the glyphs change only with the
// binary, and the ETag says which).
func (f *Fonts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	dir, file := path.Split(r.URL.Path)
	rng, ok := strings.CutSuffix(file, ".pbf")
	stack := path.Base(strings.TrimSuffix(dir, "/"))
	if !ok || stack == "" || stack == "." || stack == "/" {
		http.Error(w, "a glyph range's address is /fonts/{fontstack}/{range}.pbf", http.StatusNotFound)
		return
	}
	b, err := f.Range(stack, rng)
	if errors.Is(err, ErrBadRange) {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err != nil {
		http.Error(w, "the glyphs could not be read", http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(b)
	h := w.Header()
	h.Set("Content-Type", "application/x-protobuf")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}
