// Command pmtilesread checks a PMTiles archive placemap wrote with
// Protomaps' own Go reader (github.com/protomaps/go-pmtiles), which
// placemap's binary does not link: this module has its own go.mod so the
// reader's cloud storage dependencies stay out of placemap's.
//
//	go run . ARCHIVE.pmtiles EXPECT.json
//
// EXPECT.json (written by internal/atlas's test) gives the header fields
// to expect, the vector layer ids, and for every tile "z/x/y" the SHA-256
// of the bytes placemap put there (before gzip). Every tile the archive
// addresses must be expected and every expected tile present and equal.
// It prints "ok: N tiles" or the first differences, and exits 1 on any.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/protomaps/go-pmtiles/pmtiles"
)

type expect struct {
	MinZoom, MaxZoom uint8
	Bounds           [4]int32 // min lon, min lat, max lon, max lat, E7
	VectorLayers     []string
	Attribution      string
	Tiles            map[string]string // z/x/y → sha256 hex
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pmtilesread ARCHIVE.pmtiles EXPECT.json")
		os.Exit(2)
	}
	problems, n, err := check(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pmtilesread:", err)
		os.Exit(1)
	}
	for i, p := range problems {
		if i == 20 {
			fmt.Printf("... and %d more\n", len(problems)-20)
			break
		}
		fmt.Println(p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("ok: %d tiles\n", n)
}

func check(file, expectFile string) ([]string, int, error) {
	var want expect
	b, err := os.ReadFile(expectFile)
	if err != nil {
		return nil, 0, err
	}
	if err := json.Unmarshal(b, &want); err != nil {
		return nil, 0, err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, 0, err
	}
	// Protomaps' own checks: directories sorted and in range, counts right.
	if err := pmtiles.Verify(log.New(io.Discard, "", 0), abs); err != nil {
		return nil, 0, fmt.Errorf("go-pmtiles Verify: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fetch := func(off, n uint64) ([]byte, error) {
		buf := make([]byte, n)
		_, err := f.ReadAt(buf, int64(off))
		return buf, err
	}
	hb, err := fetch(0, pmtiles.HeaderV3LenBytes)
	if err != nil {
		return nil, 0, err
	}
	h, err := pmtiles.DeserializeHeader(hb)
	if err != nil {
		return nil, 0, err
	}
	problems := checkHeader(h, want)
	mb, err := fetch(h.MetadataOffset, h.MetadataLength)
	if err != nil {
		return nil, 0, err
	}
	problems = append(problems, checkMetadata(mb, h.InternalCompression, want)...)
	seen := map[string]bool{}
	err = pmtiles.IterateEntries(h, fetch, func(e pmtiles.EntryV3) {
		data, err := fetch(h.TileDataOffset+e.Offset, uint64(e.Length))
		if err == nil {
			data, err = gunzip(data)
		}
		for id := e.TileID; id < e.TileID+uint64(e.RunLength); id++ {
			z, x, y := pmtiles.IDToZxy(id)
			key := fmt.Sprintf("%d/%d/%d", z, x, y)
			seen[key] = true
			sum := sha256.Sum256(data)
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("tile %s: %v", key, err))
			case want.Tiles[key] == "":
				problems = append(problems, fmt.Sprintf("tile %s: in the archive, not expected", key))
			case want.Tiles[key] != hex.EncodeToString(sum[:]):
				problems = append(problems, fmt.Sprintf("tile %s: bytes differ from what placemap put there", key))
			}
		}
	})
	if err != nil {
		return nil, 0, err
	}
	for key := range want.Tiles {
		if !seen[key] {
			problems = append(problems, fmt.Sprintf("tile %s: expected, not in the archive", key))
		}
	}
	slices.Sort(problems)
	return problems, len(seen), nil
}

func checkHeader(h pmtiles.HeaderV3, want expect) []string {
	var p []string
	got := fmt.Sprint(h.SpecVersion, h.TileType, h.TileCompression, h.InternalCompression, h.Clustered, h.MinZoom, h.MaxZoom,
		[4]int32{h.MinLonE7, h.MinLatE7, h.MaxLonE7, h.MaxLatE7}, h.AddressedTilesCount)
	exp := fmt.Sprint(uint8(3), pmtiles.Mvt, pmtiles.Gzip, pmtiles.Gzip, true, want.MinZoom, want.MaxZoom, want.Bounds, uint64(len(want.Tiles)))
	if got != exp {
		p = append(p, fmt.Sprintf("header: got %s, want %s (version, type, compressions, clustered, zooms, bounds, tiles)", got, exp))
	}
	return p
}

func checkMetadata(b []byte, c pmtiles.Compression, want expect) []string {
	m, err := pmtiles.DeserializeMetadata(bytes.NewReader(b), c)
	if err != nil {
		return []string{"metadata: " + err.Error()}
	}
	var ids []string
	layers, _ := m["vector_layers"].([]any)
	for _, l := range layers {
		if o, ok := l.(map[string]any); ok {
			id, _ := o["id"].(string)
			ids = append(ids, id)
		}
	}
	var p []string
	if !slices.Equal(ids, want.VectorLayers) {
		p = append(p, fmt.Sprintf("metadata vector_layers %v, want %v", ids, want.VectorLayers))
	}
	if a, _ := m["attribution"].(string); a != want.Attribution {
		p = append(p, fmt.Sprintf("metadata attribution %q, want %q", a, want.Attribution))
	}
	return p
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
