package osm

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

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
// format's limits and its zlib data inflated (into a buffer of the
// raw_size it declares, at most 32 MiB; what goes on past it into
// nothing) to prove it gives exactly that size, with the file's blocks
// adding up to no more than the pass's decompressed-size limit. The
// decompressed size of a PBF file is the sum of its blocks' data once
// inflated (raw blocks count as they are).
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
//
// Inflating and checking are most of the work of reading a PBF file, so
// they run on pbfWorkers goroutines while one goroutine (the framer)
// reads the blocks, in file order, and checks their framing. Blocks are
// passed on in file order, and the first bad block in file order is the
// one reported: a block's error, including a bound it breaks, is only
// acted on (and recorded in the pass's limits) once every block before
// it has passed. At most pbfWorkers+1 blocks are in flight, each holding
// its Blob as read (under 32 MiB) and, if passed on inflated, its data
// inflated (at most pbfPassInflated), and each worker at most one block
// inflated (at most 32 MiB), whatever the file.
//
// The guard's goroutines run until the file ends, a block is refused or
// close is called; close must be called once the decoder is done reading.
type pbfGuard struct {
	r     io.Reader // the file, read by the framer once started
	lim   *limits
	order chan *pbfBlock // blocks framed, in file order, each checked once its done says so
	free  chan *pbfBlock // blocks passed on, for the framer to reuse
	stop  chan struct{}  // closed to stop the framer and workers
	halt  sync.Once      // closes stop
	wg    sync.WaitGroup // the framer and workers

	cur *pbfBlock // the block being passed on
	out [][]byte  // its checked bytes not yet read, in order
	err error
}

// pbfBlock is one block on its way through the guard, its buffers reused
// from block to block.
type pbfBlock struct {
	n       int        // the block's place in the file, from 0
	typ     string     // OSMHeader or OSMData
	blob    []byte     // the Blob as read; data points into it
	data    []byte     // the block's data as passed on: zlib data, or raw
	zlib    bool       // whether data is zlib data, of rawSize bytes inflated
	pass    bool       // whether the zlib data is passed on inflated, from raw
	raw     []byte     // the data inflated, when passed on so
	rawSize int64      // the size data declares inflated
	head    []byte     // the re-encoded size, BlobHeader and Blob fields
	done    chan error // the block's check, once per use: nil, or why it is refused
}

// pbfPassInflated is the largest block (inflated) passed on to the
// decoder inflated, as raw data, rather than as the zlib data it came as.
// The decoder then decodes the very bytes checked here and need not
// inflate them again: most of the work of reading a real file, whose
// blocks are of 8,000 objects and under 1 MiB inflated. Larger blocks
// are passed on compressed, as they came, so that what waits in the
// decoder's queues (some ten blocks) costs at most this much a block
// beyond its compressed size, however compressible a file's blocks are.
// That the decoder gets the bytes checked here then rests on zlib: the
// stream's Adler-32 checksum was verified here and the decoder checks the
// size, so a zlib that inflated the stream otherwise would be broken, not
// merely different.
const pbfPassInflated = 1 << 20

// pbfWorkers is how many blocks are inflated and checked at once:
// GOMAXPROCS, up to 4, as each may hold 32 MiB inflated.
func pbfWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// errPBFGuardClosed is what Read returns once the guard is closed.
var errPBFGuardClosed = errors.New("osm: PBF reader closed")

// newPBFGuard checks the PBF file r as it is read; the guard alone reads
// r until close returns.
func newPBFGuard(r io.Reader, lim *limits) *pbfGuard {
	return &pbfGuard{r: r, lim: lim, stop: make(chan struct{})}
}

// start starts the framer and workers, at the first Read: a guard closed
// unread reads nothing.
func (g *pbfGuard) start() {
	select {
	case <-g.stop:
		g.err = errPBFGuardClosed
		return
	default:
	}
	workers := pbfWorkers()
	g.order = make(chan *pbfBlock, workers+1)
	g.free = make(chan *pbfBlock, workers+1)
	for range workers + 1 {
		g.free <- &pbfBlock{done: make(chan error, 1)}
	}
	work := make(chan *pbfBlock, workers+1)
	g.wg.Add(1 + workers)
	go g.frame(&pbfFramer{r: g.r, lim: g.lim, left: g.lim.maxDecompressed}, work)
	for range workers {
		go g.work(work)
	}
}

// close stops the guard's goroutines and waits for them: once it returns
// nothing reads the source. The framer may be inside a read of the
// source, which close waits for.
func (g *pbfGuard) close() {
	g.halt.Do(func() { close(g.stop) })
	g.wg.Wait()
}

func (g *pbfGuard) Read(p []byte) (int, error) {
	if g.order == nil && g.err == nil {
		g.start()
	}
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

// next takes the next block in file order once it is checked, or the
// error that ends the file.
func (g *pbfGuard) next() {
	if g.cur != nil {
		g.free <- g.cur // never blocks: free has room for every block
		g.cur = nil
	}
	var b *pbfBlock
	select {
	case b = <-g.order:
	case <-g.stop:
	}
	if b == nil {
		g.err = errPBFGuardClosed
		return
	}
	var err error
	select {
	case err = <-b.done:
	case <-g.stop: // closed: a worker may have left the block
		err = errPBFGuardClosed
	}
	if err != nil {
		if le, ok := err.(*pbfLimitError); ok {
			err = g.lim.exceed(le.code, "%s", le.why)
		}
		g.err = err
		g.halt.Do(func() { close(g.stop) }) // read no further ahead
		return
	}
	g.cur, g.out = b, append(g.out[:0], b.head, b.data)
}

// frame reads blocks in file order and hands them on, to Read in order
// and to the workers to check, until the file ends, a block's framing
// is refused or the guard stops. The error that ends the file travels
// as the done of one last block.
func (g *pbfGuard) frame(f *pbfFramer, work chan<- *pbfBlock) {
	defer g.wg.Done()
	defer close(work)
	defer close(g.order)
	for {
		var b *pbfBlock
		select {
		case b = <-g.free:
		case <-g.stop:
			return
		}
		err := f.next(b)
		select {
		case g.order <- b: // never blocks while the guard runs: order has room for every block
		case <-g.stop:
			return
		}
		if err != nil {
			b.done <- err
			return
		}
		work <- b // never blocks: work has room for every block
	}
}

// work inflates and checks blocks until the framer stops.
func (g *pbfGuard) work(work <-chan *pbfBlock) {
	defer g.wg.Done()
	var in pbfInflater
	for b := range work {
		select {
		case <-g.stop:
			continue // no one will read it
		default:
		}
		b.done <- in.check(b) // never blocks: done is sent to once per use
	}
}

// pbfFramingError is a block that breaks the format's limits or cannot
// be read.
type pbfFramingError struct {
	block int
	what  string
}

func (e *pbfFramingError) Error() string { return fmt.Sprintf("block %d: %s", e.block, e.what) }

// pbfLimitError is a block that breaks a bound: Read records it in the
// pass's limits (code and why, for limits.exceed) when it reaches the
// block, so that a later block cannot be reported before an earlier one.
type pbfLimitError struct {
	code, why string
}

func (e *pbfLimitError) Error() string { return e.why }

// pbfFramer reads the file's blocks and checks their framing, on the
// guard's framer goroutine.
type pbfFramer struct {
	r      io.Reader
	lim    *limits
	left   int64 // decompressed bytes still allowed
	block  int
	header []byte
}

func (f *pbfFramer) fail(format string, args ...any) error {
	return &pbfFramingError{block: f.block, what: fmt.Sprintf(format, args...)}
}

// cut is a read that stopped inside a block: the source's own error, or
// io.ErrUnexpectedEOF where the file simply ends.
func cut(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// next reads the next block into b, checks its framing and re-encodes
// it for the decoder, leaving its data to inflate and check. An error
// ends the file: io.EOF between blocks, a cut, or a block refused.
func (f *pbfFramer) next(b *pbfBlock) error {
	typ, datasize, err := f.readHeader()
	if err != nil {
		return err
	}
	b.n, b.typ = f.block, typ
	if cap(b.blob) < int(datasize) {
		b.blob = make([]byte, datasize)
	}
	blob := b.blob[:datasize]
	if _, err := io.ReadFull(f.r, blob); err != nil {
		return cut(err)
	}
	fs, ok := readFields(blob)
	if !ok {
		return f.fail("the block is not a valid Blob message")
	}
	var fields [32]byte // the Blob's fields up to its data
	blobOut, blobLen, err := f.takeData(b, fs, fields[:0])
	if err != nil {
		return err
	}
	if blobLen >= maxPBFBlob {
		return f.fail("a block of %d bytes of data; the format allows under %d", blobLen, maxPBFBlob)
	}
	var hdr [32]byte // the BlobHeader: a type and a size
	h := protowire.AppendTag(hdr[:0], 1, protowire.BytesType)
	h = protowire.AppendString(h, b.typ)
	h = protowire.AppendTag(h, 3, protowire.VarintType)
	h = protowire.AppendVarint(h, uint64(blobLen))
	b.head = binary.BigEndian.AppendUint32(b.head[:0], uint32(len(h)))
	b.head = append(append(b.head, h...), blobOut...)
	f.block++
	return nil
}

// readHeader reads the next block's size and BlobHeader and checks them:
// it returns the block's type, OSMHeader or OSMData, and the size of its
// Blob.
func (f *pbfFramer) readHeader() (typ string, datasize int64, err error) {
	var size [4]byte
	if _, err := io.ReadFull(f.r, size[:]); err != nil {
		return "", 0, err // io.EOF between blocks ends the file; anything else is a cut
	}
	hs := binary.BigEndian.Uint32(size[:])
	if hs >= maxPBFHeader {
		return "", 0, f.fail("a block header of %d bytes; the format allows under %d", hs, maxPBFHeader)
	}
	if cap(f.header) < int(hs) {
		f.header = make([]byte, maxPBFHeader)
	}
	header := f.header[:hs]
	if _, err := io.ReadFull(f.r, header); err != nil {
		return "", 0, cut(err)
	}
	hf, ok := readFields(header)
	t, datasize := hf.bytes[1], hf.ints[3]
	switch {
	case !ok:
		return "", 0, f.fail("the block header is not a valid BlobHeader message")
	case t == nil:
		return "", 0, f.fail("the block header has no type")
	case string(t) == "OSMHeader" && f.block > 0:
		return "", 0, f.fail("a second OSMHeader block: the header comes first, once")
	case string(t) != "OSMHeader" && string(t) != "OSMData":
		return "", 0, f.fail("a block of type %.40q; OSM PBF has OSMHeader and OSMData blocks", t)
	case !hf.has(3) || datasize < 0 || datasize >= maxPBFBlob:
		return "", 0, f.fail("a block header declaring %d bytes of data; the format allows under %d", datasize, maxPBFBlob)
	}
	if string(t) == "OSMHeader" {
		return "OSMHeader", datasize, nil
	}
	return "OSMData", datasize, nil
}

// takeData sets b's data from the Blob's fields fs, counting it against
// the pass's limit, and appends to blobOut the Blob's fields to pass on
// before the data: its raw_size and the data's tag and length. blobLen is
// the size of the Blob passed on.
func (f *pbfFramer) takeData(b *pbfBlock, fs fields, blobOut []byte) (_ []byte, blobLen int, err error) {
	// Blob fields: 1 raw, 2 raw_size, 3 zlib_data; 4 lzma_data, 5 the
	// obsolete bzip2, 6 lz4_data and 7 zstd_data the decoder cannot read.
	raw, rawSize, zdata := fs.bytes[1], fs.ints[2], fs.bytes[3]
	blobOut = protowire.AppendTag(blobOut, 2, protowire.VarintType)
	switch {
	case raw != nil:
		if err := f.spend(int64(len(raw))); err != nil {
			return nil, 0, err
		}
		blobOut = protowire.AppendVarint(blobOut, uint64(len(raw)))
		blobOut = protowire.AppendTag(blobOut, 1, protowire.BytesType)
		blobOut = protowire.AppendVarint(blobOut, uint64(len(raw)))
		b.data, b.zlib, b.rawSize, b.pass = raw, false, int64(len(raw)), false
	case zdata != nil:
		if !fs.has(2) || rawSize < 0 {
			return nil, 0, f.fail("zlib data without its uncompressed size (raw_size)")
		}
		if rawSize > maxPBFRaw {
			return nil, 0, f.fail("a block declaring %d bytes uncompressed; the format allows %d", rawSize, maxPBFRaw)
		}
		if err := f.spend(rawSize); err != nil {
			return nil, 0, err
		}
		b.data, b.zlib, b.rawSize, b.pass = zdata, true, rawSize, rawSize > 0 && rawSize <= pbfPassInflated
		blobOut = protowire.AppendVarint(blobOut, uint64(rawSize))
		if b.pass { // data becomes the data inflated, once checked
			blobOut = protowire.AppendTag(blobOut, 1, protowire.BytesType)
			blobOut = protowire.AppendVarint(blobOut, uint64(rawSize))
		} else {
			blobOut = protowire.AppendTag(blobOut, 3, protowire.BytesType)
			blobOut = protowire.AppendVarint(blobOut, uint64(len(zdata)))
		}
	default:
		return nil, 0, f.fail("the block's data is compressed in a way placemap does not read (want zlib or none)")
	}
	blobLen = len(blobOut) + len(b.data)
	if b.pass {
		blobLen = len(blobOut) + int(rawSize)
	}
	return blobOut, blobLen, nil
}

// spend counts n decompressed bytes against the pass's limit.
func (f *pbfFramer) spend(n int64) error {
	if f.left -= n; f.left < 0 {
		return &pbfLimitError{code: place.ETOOLARGE, why: f.lim.tooLargeWhy("the PBF data (its blocks added up)")}
	}
	return nil
}

// pbfInflater inflates and checks blocks, on one worker goroutine.
type pbfInflater struct {
	src bytes.Reader
	zr  io.ReadCloser // reset for each block
	raw []byte        // the block's data inflated, reused from block to block
}

// check checks a block's data: zlib data inflates to exactly the size it
// declares (inflate), and an OSMData block's data (the first block, unless
// it is the OSMHeader, is read as data too) holds nothing the decoder
// takes on trust: see checkPrimitiveBlock. The OSMHeader is read with
// proto.Unmarshal, which checks what it reads. A block to pass on
// inflated gets its data inflated as data.
func (in *pbfInflater) check(b *pbfBlock) error {
	data := b.data
	if b.zlib {
		var err error
		if data, err = in.inflate(b); err != nil {
			return err
		}
		if b.pass {
			b.data = data
		}
	}
	if b.typ == "OSMHeader" {
		return nil
	}
	if err := checkPrimitiveBlock(data); err != nil {
		if errors.Is(err, errTooManyObjects) {
			return &pbfLimitError{code: place.ETOOLARGE, why: fmt.Sprintf("block %d of the PBF file: %v", b.n, err)}
		}
		return &pbfFramingError{block: b.n, what: err.Error()}
	}
	return nil
}

// inflate checks that a block's zlib data inflates to exactly the size it
// declares, and returns the data inflated: in the block's own buffer when
// it is passed on inflated, else in the worker's, for the next block to
// reuse. Data that goes on past it is inflated on (into nothing) up to
// the format's 32 MiB, to tell a corrupt stream, which fails or ends
// soon, from one made to inflate far past what it declares: a
// decompression bomb.
func (in *pbfInflater) inflate(b *pbfBlock) ([]byte, error) {
	size := b.rawSize
	in.src.Reset(b.data)
	var err error
	if in.zr == nil {
		in.zr, err = zlib.NewReader(&in.src)
	} else {
		err = in.zr.(zlib.Resetter).Reset(&in.src, nil)
	}
	if err != nil {
		in.zr = nil // a reader that failed to start is not reused
		return nil, &pbfFramingError{block: b.n, what: fmt.Sprintf("corrupt zlib data: %v", err)}
	}
	buf := &in.raw
	if b.pass {
		buf = &b.raw
	}
	if int64(cap(*buf)) < size {
		*buf = make([]byte, size)
	}
	data := (*buf)[:size]
	var n int64
	for n < size && err == nil {
		var m int
		m, err = in.zr.Read(data[n:])
		n += int64(m)
	}
	if err == nil { // size bytes read: is there more?
		var more int64
		more, err = io.Copy(io.Discard, io.LimitReader(in.zr, maxPBFRaw+1-n))
		n += more
	} else if err == io.EOF {
		err = nil
	}
	switch {
	case n > maxPBFRaw:
		return nil, &pbfLimitError{code: place.ETOOLARGE, why: fmt.Sprintf("block %d of the PBF file declares %d bytes uncompressed but inflates past the format's %d: refused as a decompression bomb", b.n, size, maxPBFRaw)}
	case err != nil && n > size:
		return nil, &pbfFramingError{block: b.n, what: fmt.Sprintf("corrupt zlib data, inflating past the %d bytes the block declares: %v", size, err)}
	case err != nil:
		return nil, &pbfFramingError{block: b.n, what: fmt.Sprintf("corrupt zlib data: %v", err)}
	case n > size:
		return nil, &pbfLimitError{code: place.ETOOLARGE, why: fmt.Sprintf("block %d of the PBF file inflates to %d bytes, more than the %d it declares: refused as a decompression bomb", b.n, n, size)}
	case n < size:
		return nil, &pbfFramingError{block: b.n, what: fmt.Sprintf("zlib data inflates to %d bytes, not the %d the block declares", n, size)}
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
