//go:build unix

package gpkg

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// walIndexes are the -shm files this process has mapped, by file. It is
// process-wide because the locks it protects are: SQLite locks the -shm
// with POSIX advisory locks, which belong to the process, and closing ANY
// descriptor of the file drops all of them (SQLite's own unix VFS keeps a
// process-wide list of files for the same reason). Dropping them while a
// connection of this process still reads would let another process
// checkpoint over the pages it reads, or rebuild the wal-index under it.
// So a descriptor opened here is closed only when the last store of this
// process using the file has closed its own connections.
var walIndexes = struct {
	sync.Mutex
	m map[[2]uint64]*walIndexFile
}{m: map[[2]uint64]*walIndexFile{}}

type walIndexFile struct {
	key  [2]uint64 // device and inode
	fds  []int
	b    []byte // the mapping; nil when the file was too short to map
	refs int
}

// mapWalIndex maps the start of the -shm file at path read-only. The
// caller must hold a connection that has read the database (so SQLite has
// the file open and locked, and neither truncates nor rebuilds it while
// it does). Unless release is nil, the caller must call it once every
// connection of its own is closed, and not before, whether or not the
// file could be mapped.
func mapWalIndex(path string) (x *walIndex, release func(), err error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open wal-index: %w", err)
	}
	var st unix.Stat_t
	// Unless it can be told which file it is, the descriptor is kept as
	// a file of its own until release: closing it would drop SQLite's
	// locks.
	key := [2]uint64{^uint64(0), uint64(fd)}
	if err := unix.Fstat(fd, &st); err == nil {
		key = [2]uint64{uint64(st.Dev), uint64(st.Ino)}
	}
	walIndexes.Lock()
	defer walIndexes.Unlock()
	f := walIndexes.m[key]
	if f == nil {
		f = &walIndexFile{key: key}
		walIndexes.m[key] = f
	}
	f.fds = append(f.fds, fd)
	f.refs++
	if f.b == nil && st.Size >= walIndexMinLen {
		if b, err := unix.Mmap(fd, 0, walIndexMinLen, unix.PROT_READ, unix.MAP_SHARED); err == nil {
			f.b = b
		}
	}
	release = sync.OnceFunc(f.release)
	if f.b == nil {
		return nil, release, fmt.Errorf("map wal-index %s: not mappable (%d bytes)", path, st.Size)
	}
	return &walIndex{b: f.b}, release, nil
}

// release ends one mapWalIndex's use of the file.
func (f *walIndexFile) release() {
	walIndexes.Lock()
	defer walIndexes.Unlock()
	if f.refs--; f.refs > 0 {
		return
	}
	delete(walIndexes.m, f.key)
	if f.b != nil {
		_ = unix.Munmap(f.b)
	}
	for _, fd := range f.fds {
		_ = unix.Close(fd)
	}
}
