package osm

import (
	"encoding/binary"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// The PBF format's limits (https://wiki.openstreetmap.org/wiki/PBF_Format):
// a BlobHeader under 64 KiB, a Blob under 32 MiB, and a block's data
// under 32 MiB once uncompressed.
const (
	maxPBFHeader = 64 << 10
	maxPBFBlob   = 32 << 20
	maxPBFRaw    = 32 << 20
)

// pbfGuard passes a PBF file through unchanged, block by block, after
// checking each block's framing against the format's limits. The decoder
// trusts the sizes a file declares — a 100-byte file claiming a block of
// 2 GiB uncompressed would have it allocate 2 GiB — so a hostile file is
// refused here first.
type pbfGuard struct {
	r     io.Reader
	buf   []byte // checked bytes not yet read
	block int
	err   error
}

func newPBFGuard(r io.Reader) *pbfGuard { return &pbfGuard{r: r} }

func (g *pbfGuard) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		g.next()
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// pbfFramingError is a block that breaks the format's limits.
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
	if hs > maxPBFHeader {
		g.fail("a block header of %d bytes; the format allows %d", hs, maxPBFHeader)
		return
	}
	header := make([]byte, hs)
	if _, err := io.ReadFull(g.r, header); err != nil {
		g.cut(err)
		return
	}
	datasize, ok := protoInt(header, 3)
	if !ok || datasize < 0 || datasize > maxPBFBlob {
		g.fail("a block header declaring %d bytes of data; the format allows %d", datasize, maxPBFBlob)
		return
	}
	blob := make([]byte, datasize)
	if _, err := io.ReadFull(g.r, blob); err != nil {
		g.cut(err)
		return
	}
	if raw, ok := protoInt(blob, 2); ok && (raw < 0 || raw > maxPBFRaw) {
		g.fail("a block declaring %d bytes uncompressed; the format allows %d", raw, maxPBFRaw)
		return
	}
	g.buf = make([]byte, 0, 4+len(header)+len(blob))
	g.buf = append(append(append(g.buf, size[:]...), header...), blob...)
	g.block++
}

// protoInt finds the varint field num in a protobuf message; ok is false
// when the message lacks it or cannot be read.
func protoInt(b []byte, num protowire.Number) (int64, bool) {
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return 0, false
		}
		b = b[l:]
		if n == num && typ == protowire.VarintType {
			v, l := protowire.ConsumeVarint(b)
			if l < 0 {
				return 0, false
			}
			return int64(int32(v)), true
		}
		l = protowire.ConsumeFieldValue(n, typ, b)
		if l < 0 {
			return 0, false
		}
		b = b[l:]
	}
	return 0, false
}
