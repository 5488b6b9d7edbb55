package osm

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/placemap/placemap/internal/place"
)

// The PBF format's limits (https://wiki.openstreetmap.org/wiki/PBF_Format):
// a BlobHeader under 64 KiB, a Blob under 32 MiB, and a block's data
// under 32 MiB once uncompressed.
const (
	maxPBFHeader = 64 << 10
	maxPBFBlob   = 32 << 20
	maxPBFRaw    = 32 << 20
)

// pbfGuard checks a PBF file block by block before the decoder sees it,
// and passes each block on in a form the decoder cannot misread. The
// decoder (paulmach/osm/osmpbf) trusts what a file declares: a 100-byte
// file claiming a block of 2 GiB would have it allocate 2 GiB, and it
// inflates a block's zlib data for as long as the data goes on, whatever
// size the block declares, so that 2 MB of zlib inflating to 2 GiB is held
// whole in memory. Here each block's framing is checked against the
// format's limits and its zlib data inflated (into one buffer of the
// raw_size it declares, at most 32 MiB, reused from block to block; what
// goes on past it into nothing) to prove it gives exactly that size, with
// the file's blocks adding up to no more than the pass's decompressed-size
// limit. The decompressed size of a PBF file is the sum of its blocks'
// data once inflated (raw blocks count as they are).
//
// The decoder also trusts what a block holds: it indexes the string table
// and sizes arrays by what the block says, in goroutines of its own where
// an index out of range is a panic that ends the process. Each OSMData
// block's data is therefore checked (checkPrimitiveBlock) before the
// decoder gets it, and a block that breaks a rule is refused, naming it.
//
// A block is passed on re-encoded with just the fields the decoder reads,
// each once: protobuf lets a field repeat, the last one winning, and a
// check that read another copy than the decoder would be worth nothing.
type pbfGuard struct {
	r     io.Reader
	lim   *limits
	left  int64    // decompressed bytes still allowed
	out   [][]byte // checked bytes not yet read, in order
	head  []byte   // the re-encoded size, BlobHeader and Blob fields
	blob  []byte   // the Blob as read; out may point into it
	raw   []byte   // the block's data inflated, to check
	block int
	err   error
}

func newPBFGuard(r io.Reader, lim *limits) *pbfGuard {
	return &pbfGuard{r: r, lim: lim, left: lim.maxDecompressed}
}

func (g *pbfGuard) Read(p []byte) (int, error) {
	for len(g.out) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		g.next()
	}
	n := copy(p, g.out[0])
	if g.out[0] = g.out[0][n:]; len(g.out[0]) == 0 {
		g.out = g.out[1:]
	}
	return n, nil
}

// pbfFramingError is a block that breaks the format's limits or cannot
// be read.
type pbfFramingError struct {
	block int
	what  string
}

func (e *pbfFramingError) Error() string { return fmt.Sprintf("block %d: %s", e.block, e.what) }

func (g *pbfGuard) fail(format string, args ...any) {
	g.err = &pbfFramingError{block: g.block, what: fmt.Sprintf(format, args...)}
}

// cut records a read that stopped inside a block: the source's own error,
// or io.ErrUnexpectedEOF where the file simply ends.
func (g *pbfGuard) cut(err error) {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	g.err = err
}

func (g *pbfGuard) next() {
	var size [4]byte
	if _, err := io.ReadFull(g.r, size[:]); err != nil {
		g.err = err // io.EOF between blocks ends the file; anything else is a cut
		return
	}
	hs := binary.BigEndian.Uint32(size[:])
	if hs >= maxPBFHeader {
		g.fail("a block header of %d bytes; the format allows under %d", hs, maxPBFHeader)
		return
	}
	header := make([]byte, hs)
	if _, err := io.ReadFull(g.r, header); err != nil {
		g.cut(err)
		return
	}
	h, ok := readFields(header)
	typ, datasize := h.bytes[1], h.ints[3]
	switch {
	case !ok:
		g.fail("the block header is not a valid BlobHeader message")
		return
	case typ == nil:
		g.fail("the block header has no type")
		return
	case string(typ) == "OSMHeader" && g.block > 0:
		g.fail("a second OSMHeader block: the header comes first, once")
		return
	case string(typ) != "OSMHeader" && string(typ) != "OSMData":
		g.fail("a block of type %.40q; OSM PBF has OSMHeader and OSMData blocks", typ)
		return
	case !h.has(3) || datasize < 0 || datasize >= maxPBFBlob:
		g.fail("a block header declaring %d bytes of data; the format allows under %d", datasize, maxPBFBlob)
		return
	}
	if cap(g.blob) < int(datasize) {
		g.blob = make([]byte, datasize)
	}
	blob := g.blob[:datasize]
	if _, err := io.ReadFull(g.r, blob); err != nil {
		g.cut(err)
		return
	}
	b, ok := readFields(blob)
	if !ok {
		g.fail("the block is not a valid Blob message")
		return
	}
	// Blob fields: 1 raw, 2 raw_size, 3 zlib_data; 4 lzma_data, 5 the
	// obsolete bzip2, 6 lz4_data and 7 zstd_data the decoder cannot read.
	raw, rawSize, zdata := b.bytes[1], b.ints[2], b.bytes[3]
	blobOut := protowire.AppendTag(nil, 2, protowire.VarintType)
	switch {
	case raw != nil:
		if err := g.spend(int64(len(raw))); err != nil {
			g.err = err
			return
		}
		blobOut = protowire.AppendVarint(blobOut, uint64(len(raw)))
		blobOut = protowire.AppendTag(blobOut, 1, protowire.BytesType)
		blobOut = protowire.AppendVarint(blobOut, uint64(len(raw)))
		zdata = raw
		if err := g.check(typ, raw); err != nil {
			g.err = err
			return
		}
	case zdata != nil:
		if !b.has(2) || rawSize < 0 {
			g.fail("zlib data without its uncompressed size (raw_size)")
			return
		}
		if rawSize > maxPBFRaw {
			g.fail("a block declaring %d bytes uncompressed; the format allows %d", rawSize, maxPBFRaw)
			return
		}
		if err := g.spend(rawSize); err != nil {
			g.err = err
			return
		}
		data, err := g.inflate(zdata, rawSize)
		if err != nil {
			g.err = err
			return
		}
		if err := g.check(typ, data); err != nil {
			g.err = err
			return
		}
		blobOut = protowire.AppendVarint(blobOut, uint64(rawSize))
		blobOut = protowire.AppendTag(blobOut, 3, protowire.BytesType)
		blobOut = protowire.AppendVarint(blobOut, uint64(len(zdata)))
	default:
		g.fail("the block's data is compressed in a way placemap does not read (want zlib or none)")
		return
	}
	blobLen := len(blobOut) + len(zdata)
	if blobLen >= maxPBFBlob {
		g.fail("a block of %d bytes of data; the format allows under %d", blobLen, maxPBFBlob)
		return
	}
	hdr := protowire.AppendTag(nil, 1, protowire.BytesType)
	hdr = protowire.AppendBytes(hdr, typ)
	hdr = protowire.AppendTag(hdr, 3, protowire.VarintType)
	hdr = protowire.AppendVarint(hdr, uint64(blobLen))
	g.head = binary.BigEndian.AppendUint32(g.head[:0], uint32(len(hdr)))
	g.head = append(append(g.head, hdr...), blobOut...)
	g.out = append(g.out[:0], g.head, zdata)
	g.block++
}

// spend counts n decompressed bytes against the pass's limit.
func (g *pbfGuard) spend(n int64) error {
	if g.left -= n; g.left < 0 {
		return g.lim.tooLarge("the PBF data (its blocks added up)")
	}
	return nil
}

// check checks an OSMData block's data (the first block, unless it is
// the OSMHeader, is read as data too) against what the decoder takes on
// trust: see checkPrimitiveBlock. The OSMHeader is read with
// proto.Unmarshal, which checks what it reads.
//
// The block is passed on compressed as it came, so that blocks waiting in
// the decoder's queues cost their compressed size, and the decoder
// inflates it again (with C zlib when built with cgo). That it gets the
// bytes checked here rests on zlib: the stream's Adler-32 checksum was
// verified here and the decoder checks the size, so a zlib that inflated
// the stream otherwise would be broken, not merely different.
func (g *pbfGuard) check(typ, data []byte) error {
	if string(typ) == "OSMHeader" {
		return nil
	}
	if err := checkPrimitiveBlock(data); err != nil {
		return &pbfFramingError{block: g.block, what: err.Error()}
	}
	return nil
}

// inflate checks that zlib data inflates to exactly size bytes, and
// returns them (in a buffer the next block reuses). Data that goes on
// past it is inflated on (into nothing) up to the format's 32 MiB, to
// tell a corrupt stream, which fails or ends soon, from one made to
// inflate far past what it declares: a decompression bomb.
func (g *pbfGuard) inflate(zdata []byte, size int64) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(zdata))
	if err != nil {
		return nil, &pbfFramingError{block: g.block, what: fmt.Sprintf("corrupt zlib data: %v", err)}
	}
	if int64(cap(g.raw)) < size {
		g.raw = make([]byte, size)
	}
	data := g.raw[:size]
	var n int64
	for n < size && err == nil {
		var m int
		m, err = zr.Read(data[n:])
		n += int64(m)
	}
	if err == nil { // size bytes read: is there more?
		var more int64
		more, err = io.Copy(io.Discard, io.LimitReader(zr, maxPBFRaw+1-n))
		n += more
	} else if err == io.EOF {
		err = nil
	}
	switch {
	case n > maxPBFRaw:
		return nil, g.lim.exceed(place.ETOOLARGE, "block %d of the PBF file declares %d bytes uncompressed but inflates past the format's %d: refused as a decompression bomb", g.block, size, maxPBFRaw)
	case err != nil && n > size:
		return nil, &pbfFramingError{block: g.block, what: fmt.Sprintf("corrupt zlib data, inflating past the %d bytes the block declares: %v", size, err)}
	case err != nil:
		return nil, &pbfFramingError{block: g.block, what: fmt.Sprintf("corrupt zlib data: %v", err)}
	case n > size:
		return nil, g.lim.exceed(place.ETOOLARGE, "block %d of the PBF file inflates to %d bytes, more than the %d it declares: refused as a decompression bomb", g.block, n, size)
	case n < size:
		return nil, &pbfFramingError{block: g.block, what: fmt.Sprintf("zlib data inflates to %d bytes, not the %d the block declares", n, size)}
	}
	return data, nil
}

// fields are a protobuf message's fields, the last of each number
// winning as when protobuf decodes it: varints in ints, length-delimited
// in bytes.
type fields struct {
	ints  map[protowire.Number]int64
	bytes map[protowire.Number][]byte
}

func (f fields) has(n protowire.Number) bool { _, ok := f.ints[n]; return ok }

// readFields reads a message's fields; ok is false when it cannot be
// read. Varints are taken as int32, as the format declares its sizes.
func readFields(b []byte) (fields, bool) {
	f := fields{ints: map[protowire.Number]int64{}, bytes: map[protowire.Number][]byte{}}
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return f, false
		}
		b = b[l:]
		switch typ {
		case protowire.VarintType:
			v, l := protowire.ConsumeVarint(b)
			if l < 0 {
				return f, false
			}
			f.ints[n] = int64(int32(v))
			b = b[l:]
		case protowire.BytesType:
			v, l := protowire.ConsumeBytes(b)
			if l < 0 {
				return f, false
			}
			f.bytes[n] = v
			b = b[l:]
		default:
			l := protowire.ConsumeFieldValue(n, typ, b)
			if l < 0 {
				return f, false
			}
			b = b[l:]
		}
	}
	return f, true
}
