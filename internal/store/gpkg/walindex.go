package gpkg

import (
	"encoding/binary"
	"runtime/debug"
)

// The wal-index header, as SQLite keeps it at the start of the -shm file
// beside a database in WAL mode (https://sqlite.org/walformat.html, §2.2):
// two copies of a 48-byte WalIndexHdr, in the host's byte order. Every
// commit, by any connection of any process, writes a new header before
// COMMIT returns: the second copy, a memory barrier, then the first.
// iChange counts the commits, and mxFrame, the last frame's checksum and
// the salts move with the log's content. SQLite decides whether a
// connection's page cache is still good (and whether PRAGMA data_version
// moves) by comparing this header with the one it saw last, byte for
// byte: a header that reads the same means no transaction has committed,
// as exactly as data_version itself.
const (
	walHdrSize     = 48
	walHdrVersion  = 3007000 // WALINDEX_MAX_VERSION, the only version SQLite writes
	walIndexMinLen = 2 * walHdrSize
)

// walHdr is one copy of the header.
type walHdr [walHdrSize]byte

// walIndex is the start of a -shm file, mapped read-only.
type walIndex struct {
	b []byte // at least walIndexMinLen bytes
}

// header reads the header as a reader of the wal-index does: the first
// copy, then the second, valid only when both agree, are initialised, of
// the version SQLite writes, and carry their checksum. ok is false for a
// header being written, zeroed (a wal-index SQLite has still to rebuild),
// or anything else unexpected: the caller then reads the version itself.
func (x *walIndex) header() (h walHdr, ok bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil { // the file shrank under the mapping (SIGBUS)
			ok = false
		}
	}()
	copy(h[:], x.b[:walHdrSize])
	if string(h[:]) != string(x.b[walHdrSize:2*walHdrSize]) {
		return h, false
	}
	return h, h.valid()
}

// unchanged reports whether both copies of the header still read h, which
// header returned valid: then no transaction has committed since h was
// read. It reads the copies in the order header does, the reverse of the
// writer's, so a header half written never reads as h.
func (x *walIndex) unchanged(h *walHdr) (same bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return string(x.b[:walHdrSize]) == string(h[:]) &&
		string(x.b[walHdrSize:2*walHdrSize]) == string(h[:])
}

// valid checks the fields a header SQLite wrote always has: isInit set,
// its version, and the checksum of its first 40 bytes (native byte order,
// SQLite's walChecksumBytes).
func (h *walHdr) valid() bool {
	ne := binary.NativeEndian
	if ne.Uint32(h[0:]) != walHdrVersion || h[12] != 1 {
		return false
	}
	var s1, s2 uint32
	for i := 0; i < 40; i += 8 {
		s1 += ne.Uint32(h[i:]) + s2
		s2 += ne.Uint32(h[i+4:]) + s1
	}
	return s1 == ne.Uint32(h[40:]) && s2 == ne.Uint32(h[44:])
}
