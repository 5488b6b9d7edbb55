package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// Reader reads tiles from an archive this package wrote (gzipped
// directories). placemap reads its own files back with it in tests and
// checks; Protomaps' readers check the files independently.
type Reader struct {
	r      io.ReaderAt
	Header Header
	root   []Entry
}

// Open reads the header and root directory.
func Open(r io.ReaderAt) (*Reader, error) {
	b := make([]byte, HeaderLen)
	if _, err := r.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("pmtiles header: %w", err)
	}
	h, err := ParseHeader(b)
	if err != nil {
		return nil, err
	}
	rd := &Reader{r: r, Header: h}
	rd.root, err = rd.directory(h.RootOffset, h.RootLength)
	return rd, err
}

// ParseHeader reads the 127-byte header.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen || string(b[:7]) != "PMTiles" || b[7] != 3 {
		return Header{}, fmt.Errorf("pmtiles: not a version 3 archive")
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[8+8*i:]) }
	i32 := func(at int) int32 { return int32(binary.LittleEndian.Uint32(b[at:])) }
	return Header{
		RootOffset: u(0), RootLength: u(1), MetadataOffset: u(2), MetadataLength: u(3),
		LeafOffset: u(4), LeafLength: u(5), DataOffset: u(6), DataLength: u(7),
		AddressedTiles: u(8), TileEntries: u(9), TileContents: u(10),
		Clustered: b[96] == 1, InternalCompression: b[97], TileCompression: b[98], TileType: b[99],
		MinZoom: b[100], MaxZoom: b[101],
		MinLonE7: i32(102), MinLatE7: i32(106), MaxLonE7: i32(110), MaxLatE7: i32(114),
		CenterZoom: b[118], CenterLonE7: i32(119), CenterLatE7: i32(123),
	}, nil
}

// Metadata reads the JSON metadata.
func (rd *Reader) Metadata() (Metadata, error) {
	var m Metadata
	b, err := rd.gunzipAt(rd.Header.MetadataOffset, rd.Header.MetadataLength)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(b, &m)
}

// Tile returns the tile at z/x/y, uncompressed; nil if the archive has none.
func (rd *Reader) Tile(z uint8, x, y uint32) ([]byte, error) {
	id := TileID(z, x, y)
	dir := rd.root
	for depth := 0; depth < 4; depth++ {
		i := sort.Search(len(dir), func(i int) bool { return dir[i].TileID > id }) - 1
		if i < 0 {
			return nil, nil
		}
		e := dir[i]
		if e.RunLength == 0 {
			var err error
			if dir, err = rd.directory(rd.Header.LeafOffset+e.Offset, uint64(e.Length)); err != nil {
				return nil, err
			}
			continue
		}
		if id >= e.TileID+uint64(e.RunLength) {
			return nil, nil
		}
		return rd.gunzipAt(rd.Header.DataOffset+e.Offset, uint64(e.Length))
	}
	return nil, fmt.Errorf("pmtiles: directories nested too deep")
}

func (rd *Reader) gunzipAt(off, n uint64) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rd.r.ReadAt(b, int64(off)); err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func (rd *Reader) directory(off, n uint64) ([]Entry, error) {
	b, err := rd.gunzipAt(off, n)
	if err != nil {
		return nil, fmt.Errorf("pmtiles directory at %d: %w", off, err)
	}
	return DecodeDirectory(b)
}

// DecodeDirectory reads a directory EncodeDirectory made (after gunzip).
func DecodeDirectory(b []byte) ([]Entry, error) {
	r := bytes.NewReader(b)
	next := func() uint64 {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			panic(fmt.Errorf("pmtiles directory: %w", err))
		}
		return v
	}
	var entries []Entry
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = p.(error)
			}
		}()
		n := next()
		if n > uint64(len(b)) {
			return fmt.Errorf("pmtiles directory: %d entries in %d bytes", n, len(b))
		}
		entries = make([]Entry, n)
		var id uint64
		for i := range entries {
			id += next()
			entries[i].TileID = id
		}
		for i := range entries {
			entries[i].RunLength = uint32(next())
		}
		for i := range entries {
			entries[i].Length = uint32(next())
		}
		for i := range entries {
			v := next()
			if v == 0 && i > 0 {
				entries[i].Offset = entries[i-1].Offset + uint64(entries[i-1].Length)
			} else {
				entries[i].Offset = v - 1
			}
		}
		return nil
	}()
	return entries, err
}
