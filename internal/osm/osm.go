// Package osm reads OpenStreetMap data (PBF, XML, Overpass JSON) into placemap's assets and areas, and maps tags both ways.
//
// Read streams a file and calls back with the objects whose tags matter
// (Options.Keep), their geometry built: points for nodes, polygons for
// closed ways, multipolygons for multipolygon and boundary relations. It
// holds only what it keeps, never every node of the file, and so reads the
// file up to three times (Source opens it again). ToAsset and ToArea turn
// the objects into placemap's types; ToTags turns an asset back into OSM
// tags. The tag table is documented in docs/osm-tags.md.
//
// Errors about the input are place errors with code EINVALID whose message
// starts with the file's name and says how far reading got, as those of the
// formats package do.
package osm

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/paulmach/orb"
)

// Object is one OpenStreetMap node, way or relation that Read kept.
type Object struct {
	Type      string // node, way or relation
	ID        int64
	Version   int       // 0 when the file has no metadata
	Timestamp time.Time // zero when the file has no metadata
	Tags      map[string]string
	// Geometry is an orb.Point for a node; an orb.Polygon for a closed way
	// and an orb.MultiPolygon for a multipolygon or boundary relation; an
	// orb.LineString for a way that is not closed (Stats.Lines); an
	// orb.Point at the centre Overpass gave (out center). It is nil when it
	// could not be built (Stats.Incomplete): nodes or member ways missing
	// from the file, or rings that do not close.
	Geometry orb.Geometry
	// Center is a point inside the geometry (a point on its surface, not
	// the centroid, which can fall in a hole). For an incomplete object it
	// is a point among the nodes that were found, or the zero Point if none.
	Center orb.Point
	// Nodes is a way's node ids, in order, when Options.WayNodes is set;
	// nil otherwise and for nodes and relations.
	Nodes []int64
}

// The object types.
const (
	Node     = "node"
	Way      = "way"
	Relation = "relation"
)

// Ref returns the object's reference, as "osm:node/123": the form
// placemap keeps in Asset.SourceID.
func (o Object) Ref() string { return ref(o.Type, o.ID) }

func ref(typ string, id int64) string { return "osm:" + typ + "/" + strconv.FormatInt(id, 10) }

// Source opens the input from its start. Read calls it once per pass, so it
// must give the same bytes each time.
type Source func() (io.ReadCloser, error)

// File returns a Source that opens the file at path.
func File(path string) Source {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// Bytes returns a Source that reads b: an upload held in memory, a test.
func Bytes(b []byte) Source {
	return func() (io.ReadCloser, error) { return bytesReader{bytes.NewReader(b)}, nil }
}

// ReaderAt returns a Source that reads the first size bytes of r: an
// upload spooled to a temporary file whose name is gone.
func ReaderAt(r io.ReaderAt, size int64) Source {
	return func() (io.ReadCloser, error) { return sectionReader{io.NewSectionReader(r, 0, size)}, nil }
}

type sectionReader struct{ *io.SectionReader }

func (sectionReader) Close() error { return nil }

type bytesReader struct{ *bytes.Reader }

func (bytesReader) Close() error { return nil }

// Options says what Read keeps.
type Options struct {
	// Keep reports whether an object with these tags matters; untagged
	// objects never do. Nil means Civic. Keep must only read the map, not
	// keep it: the PBF decoder calls it from several goroutines at once,
	// and Read may call it twice for an object.
	Keep func(tags map[string]string) bool
	// Trim, when set, is given the tags of each object Keep accepts and
	// returns the tags to pass on with it (it may return a new map, never
	// change the one given). Read holds them until the object's geometry is
	// built: a caller needing a few tags of many objects holds much less.
	// The relation's "type" tag must be kept for its geometry to be built.
	Trim func(tags map[string]string) map[string]string
	// BBox, when set, drops kept objects whose Center lies outside it.
	BBox *orb.Bound
	// Progress, when set, is called from Read's goroutine every 65,536
	// objects and at the end of each pass.
	Progress func(Progress)
	// MaxDecompressed bounds, in bytes, what one reading of a compressed
	// file may decompress to: the output of bzip2 or gzip, and for PBF
	// the sum of its blocks' data once inflated (raw blocks as they are).
	// Past it Read stops, without decompressing further, with an error of
	// code place.ETOOLARGE. 0 means DefaultMaxDecompressed. Whatever it
	// is, a PBF block must inflate to exactly the size it declares, at
	// most 32 MiB, and one XML or JSON element may not run past 16 MiB.
	MaxDecompressed int64
	// Sites places kept relations that are not areas (type=site and the
	// like: a school of several buildings) at a point among their members,
	// as assets want; without it they are skipped (Stats.Skipped), as
	// boundaries want.
	Sites bool
	// WayNodes fills Object.Nodes of the kept ways and gives every way
	// whose nodes are all located as an orb.LineString in node order,
	// closed or not (a routing graph wants topology and direction, not
	// areas). Stats.Lines is left empty: every way is a line then.
	WayNodes bool
}

// Progress says how far a pass has got.
type Progress struct {
	Pass    int   // 1, 2 or 3
	Bytes   int64 // bytes of the file read so far in this pass (compressed bytes for .bz2 and .gz)
	Total   int64 // the file's size, 0 when the Source cannot tell
	Objects int64 // nodes, ways and relations read so far in this pass
}

// Stats tells what Read did.
type Stats struct {
	Nodes, Ways, Relations int64 // objects in the file
	Kept                   int64 // objects passed to fn
	Bytes                  int64 // size of the file (compressed size for .bz2 and .gz)
	Passes                 int   // times the file was read: 1 to 3
	// Incomplete lists the refs ("osm:way/45") of kept objects whose
	// geometry could not be built: nodes or member ways missing from the
	// file (an extract cuts through them), or rings that do not close. They
	// are passed to fn with a nil Geometry.
	Incomplete []string
	// Problems says, by ref, why each of Incomplete is.
	Problems map[string]string
	// Lines lists kept ways that are not closed, passed to fn as
	// LineStrings: civic assets are points or areas, so these are mapping
	// slips or linear features.
	Lines []string
	// Skipped lists kept relations that are not areas (multipolygon,
	// boundary), which Overpass gave no centre for: all of them without
	// Options.Sites; with it, those without node or way members to place
	// them by (the others are passed to fn as a point among their members).
	Skipped []string
}
