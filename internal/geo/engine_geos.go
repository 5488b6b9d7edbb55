//go:build geos

package geo

import (
	"github.com/peterstace/simplefeatures/geom"
	"github.com/peterstace/simplefeatures/geos"
)

// Engine names the overlay engine this build uses: GEOS, the C++ library
// PostGIS uses, through cgo (build with -tags geos; needs libgeos-dev).
// Crosswalks run about 2.2 times as fast as with the Go port (bench/README.md).
const Engine = "GEOS (cgo)"

func intersection(a, b geom.Geometry) (geom.Geometry, error) { return geos.Intersection(a, b) }
func difference(a, b geom.Geometry) (geom.Geometry, error)   { return geos.Difference(a, b) }
func union(a, b geom.Geometry) (geom.Geometry, error)        { return geos.Union(a, b) }

// nodeLines unions linework: every crossing becomes a vertex of both lines.
func nodeLines(g geom.Geometry) (geom.Geometry, error) { return geos.UnaryUnion(g) }
