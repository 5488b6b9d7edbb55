// Package pmtiles writes PMTiles version 3 archives: one file of tiles,
// addressed by Hilbert tile id through gzipped directories, that a browser
// reads by HTTP byte ranges from any static host.
//
// Written from the specification (github.com/protomaps/PMTiles,
// spec/v3/spec.md); placemap's tests check the files with Protomaps' own
// readers, in Go and in the browser.
package pmtiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// HeaderLen is the length of the fixed header at the start of the file.
const HeaderLen = 127

// MaxRootLen is the most bytes the header and the root directory may take
// together: a reader fetches them in one request of this size.
const MaxRootLen = 16384

// Compression and tile type codes of the header.
const (
	CompressionNone = 1
	CompressionGzip = 2
	TileTypeMVT     = 1
)

// MaxZoom is the deepest zoom whose tile ids fit in 64 bits with room to
// spare (the specification allows up to 31).
const MaxZoom = 31

// TileID is the tile's position on the Hilbert curve of its zoom, after
// every tile of the zooms above it: 0 is 0/0/0, 1 to 4 are zoom 1, and so
// on. Consecutive ids are neighbours on the ground, so tiles a map asks for
// together lie together in the file.
func TileID(z uint8, x, y uint32) uint64 {
	var base uint64
	for i := uint8(0); i < z; i++ {
		base += uint64(1) << (2 * i)
	}
	n := uint64(1) << z
	tx, ty := uint64(x), uint64(y)
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint64
		if tx&s != 0 {
			rx = 1
		}
		if ty&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		// Rotate the quadrant so the curve's sub-squares join end to end.
		if ry == 0 {
			if rx == 1 {
				tx, ty = s-1-tx%s, s-1-ty%s
			}
			tx, ty = ty, tx
		}
		tx, ty = tx%s, ty%s
	}
	return base + d
}

// Metadata is the archive's JSON metadata: what is in the tiles.
type Metadata struct {
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one layer of the MVT tiles (as in TileJSON).
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// Writer collects tiles and writes the archive. Tiles are held in memory
// (once per distinct content), so it suits atlases of thousands or
// millions of small tiles, not a planet.
type Writer struct {
	Bounds     orb.Bound // of the data, in WGS84 degrees
	Center     orb.Point // where a map opens
	CenterZoom uint8
	Metadata   Metadata

	tiles   map[uint64][32]byte // tile id → content hash
	content map[[32]byte][]byte // content hash → gzipped bytes
	minZ    uint8
	maxZ    uint8
	zw      *gzip.Writer // reused: each holds ~1 MB of tables
}

// NewWriter returns an empty writer.
func NewWriter() *Writer {
	return &Writer{tiles: map[uint64][32]byte{}, content: map[[32]byte][]byte{}, minZ: math.MaxUint8}
}

// Add puts the MVT tile data (not compressed) at z/x/y. It is stored
// gzipped; identical tiles are stored once. Adding a tile twice replaces it.
func (w *Writer) Add(z uint8, x, y uint32, data []byte) error {
	if z > MaxZoom || uint64(x) >= uint64(1)<<z || uint64(y) >= uint64(1)<<z {
		return fmt.Errorf("pmtiles: no tile %d/%d/%d", z, x, y)
	}
	sum := sha256.Sum256(data)
	if _, ok := w.content[sum]; !ok {
		var buf bytes.Buffer
		if w.zw == nil {
			w.zw, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
		} else {
			w.zw.Reset(&buf)
		}
		if _, err := w.zw.Write(data); err != nil {
			return err
		}
		if err := w.zw.Close(); err != nil {
			return err
		}
		w.content[sum] = buf.Bytes()
	}
	w.tiles[TileID(z, x, y)] = sum
	w.minZ, w.maxZ = min(w.minZ, z), max(w.maxZ, z)
	return nil
}

// Len is the number of tiles added.
func (w *Writer) Len() int { return len(w.tiles) }

// Entry is one directory entry: RunLength tiles from TileID on, all with
// the bytes at Offset, Length long (in the tile data section); or, with
// RunLength 0, a leaf directory at Offset in the leaf section.
type Entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// Header is the archive's fixed header.
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	DataOffset, DataLength         uint64
	AddressedTiles, TileEntries    uint64
	TileContents                   uint64
	Clustered                      bool
	InternalCompression            uint8
	TileCompression, TileType      uint8
	MinZoom, MaxZoom               uint8
	MinLonE7, MinLatE7             int32
	MaxLonE7, MaxLatE7             int32
	CenterZoom                     uint8
	CenterLonE7, CenterLatE7       int32
}

// WriteTo writes the archive: header, root directory, metadata, leaf
// directories, then the tile data in tile id order.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	if len(w.tiles) == 0 {
		return 0, fmt.Errorf("pmtiles: no tiles to write")
	}
	entries, data := w.cluster()
	root, leaves, err := Directories(entries)
	if err != nil {
		return 0, err
	}
	meta, err := json.Marshal(w.Metadata)
	if err != nil {
		return 0, err
	}
	if meta, err = gzipBytes(meta); err != nil {
		return 0, err
	}
	h := w.header(entries, len(root), len(meta), len(leaves), len(data))
	var n int64
	for _, b := range [][]byte{h.Bytes(), root, meta, leaves, data} {
		m, err := out.Write(b)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (w *Writer) header(entries []Entry, root, meta, leaves, data int) Header {
	h := Header{
		RootOffset: HeaderLen, RootLength: uint64(root),
		MetadataOffset: HeaderLen + uint64(root), MetadataLength: uint64(meta),
		AddressedTiles: uint64(len(w.tiles)), TileEntries: uint64(len(entries)), TileContents: uint64(len(w.content)),
		Clustered: true, InternalCompression: CompressionGzip, TileCompression: CompressionGzip, TileType: TileTypeMVT,
		MinZoom: w.minZ, MaxZoom: w.maxZ,
		MinLonE7: e7(w.Bounds.Min[0]), MinLatE7: e7(w.Bounds.Min[1]), MaxLonE7: e7(w.Bounds.Max[0]), MaxLatE7: e7(w.Bounds.Max[1]),
		CenterZoom: w.CenterZoom, CenterLonE7: e7(w.Center[0]), CenterLatE7: e7(w.Center[1]),
	}
	h.LeafOffset = h.MetadataOffset + h.MetadataLength
	h.LeafLength = uint64(leaves)
	h.DataOffset = h.LeafOffset + h.LeafLength
	h.DataLength = uint64(data)
	return h
}

// cluster lays the tile data out in tile id order, each distinct content
// once (at its first tile), and makes the entries: a run of consecutive
// ids with the same content is one entry.
func (w *Writer) cluster() ([]Entry, []byte) {
	ids := make([]uint64, 0, len(w.tiles))
	for id := range w.tiles {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var data bytes.Buffer
	at := map[[32]byte]uint64{}
	var entries []Entry
	for _, id := range ids {
		sum := w.tiles[id]
		off, seen := at[sum]
		if !seen {
			off = uint64(data.Len())
			at[sum] = off
			data.Write(w.content[sum])
		}
		if n := len(entries); n > 0 {
			last := &entries[n-1]
			if last.Offset == off && last.TileID+uint64(last.RunLength) == id && seen {
				last.RunLength++
				continue
			}
		}
		entries = append(entries, Entry{TileID: id, Offset: off, Length: uint32(len(w.content[sum])), RunLength: 1})
	}
	return entries, data.Bytes()
}

// Directories makes the root directory and, when the entries do not fit
// in it, the leaf directories it points to (gzipped, one after another).
// The leaves hold 4,096 entries each, more while the root is too long.
func Directories(entries []Entry) (root, leaves []byte, err error) {
	root, err = EncodeDirectory(entries)
	if err != nil || len(root) <= MaxRootLen-HeaderLen {
		return root, nil, err
	}
	for size := 4096; ; size *= 2 {
		var pointers []Entry
		var buf bytes.Buffer
		for i := 0; i < len(entries); i += size {
			leaf, err := EncodeDirectory(entries[i:min(i+size, len(entries))])
			if err != nil {
				return nil, nil, err
			}
			pointers = append(pointers, Entry{TileID: entries[i].TileID, Offset: uint64(buf.Len()), Length: uint32(len(leaf))})
			buf.Write(leaf)
		}
		if root, err = EncodeDirectory(pointers); err != nil {
			return nil, nil, err
		}
		if len(root) <= MaxRootLen-HeaderLen {
			return root, buf.Bytes(), nil
		}
	}
}

// EncodeDirectory encodes entries (in tile id order) as the specification
// lays a directory out, column by column in varints: the count, the tile
// id deltas, the run lengths, the lengths, then the offsets (0 for "right
// after the previous entry's bytes", else offset+1); then gzips it.
func EncodeDirectory(entries []Entry) ([]byte, error) {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(entries)))
	var last uint64
	for _, e := range entries {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.RunLength))
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.Length))
	}
	for i, e := range entries {
		if i > 0 && e.Offset == entries[i-1].Offset+uint64(entries[i-1].Length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.Offset+1)
		}
	}
	return gzipBytes(b)
}

// Bytes is the header's 127 bytes, little-endian.
func (h Header) Bytes() []byte {
	b := make([]byte, 0, HeaderLen)
	b = append(b, "PMTiles"...)
	b = append(b, 3)
	for _, v := range []uint64{h.RootOffset, h.RootLength, h.MetadataOffset, h.MetadataLength, h.LeafOffset, h.LeafLength,
		h.DataOffset, h.DataLength, h.AddressedTiles, h.TileEntries, h.TileContents} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	clustered := uint8(0)
	if h.Clustered {
		clustered = 1
	}
	b = append(b, clustered, h.InternalCompression, h.TileCompression, h.TileType, h.MinZoom, h.MaxZoom)
	for _, v := range []int32{h.MinLonE7, h.MinLatE7, h.MaxLonE7, h.MaxLatE7} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	b = append(b, h.CenterZoom)
	b = binary.LittleEndian.AppendUint32(b, uint32(h.CenterLonE7))
	b = binary.LittleEndian.AppendUint32(b, uint32(h.CenterLatE7))
	return b
}

func e7(deg float64) int32 { return int32(math.Round(deg * 1e7)) }

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
