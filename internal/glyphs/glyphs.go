// Package glyphs serves the SDF glyph ranges MapLibre draws labels with, at
// /fonts/{fontstack}/{range}.pbf, from fonts made by scripts/glyphs (DejaVu
// Sans, see fonts/SOURCE.txt and fonts/LICENCE.txt) and embedded in the
// binary, so the map needs no font service.
package glyphs

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"

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

	mu      sync.Mutex
	encoded map[string]*Encoded // by fontstack + "/" + range
}

// New gives the fonts embedded in the binary.
func New() *Fonts {
	return &Fonts{files: embedded, encoded: map[string]*Encoded{}}
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

// Encoded is a glyph range ready to send: its bytes, the same gzipped
// (glyph ranges shrink by about 40%), and a strong validator of the bytes.
type Encoded struct {
	Body []byte
	Gzip []byte
	ETag string
}

// Encoded gives the range as Range does, made ready to send once per
// fontstack and range and kept (the ranges change only with the binary).
func (f *Fonts) Encoded(requested, rng string) (*Encoded, error) {
	if _, err := ParseRange(rng); err != nil {
		return nil, err
	}
	key := Fontstack(requested) + "/" + rng
	f.mu.Lock()
	e, ok := f.encoded[key]
	f.mu.Unlock()
	if ok {
		return e, nil
	}
	b, err := f.Range(requested, rng)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzipping glyphs %s: %w", key, err)
	}
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("gzipping glyphs %s: %w", key, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzipping glyphs %s: %w", key, err)
	}
	sum := sha256.Sum256(b)
	e = &Encoded{Body: b, Gzip: gz.Bytes(), ETag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	f.mu.Lock()
	f.encoded[key] = e
	f.mu.Unlock()
	return e, nil
}
