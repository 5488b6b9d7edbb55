//go:build !geos

package geo

import "github.com/peterstace/simplefeatures/geom"

// Engine names the overlay engine this build uses: simplefeatures' Go port
// of JTS OverlayNG, unless placemap is built with -tags geos (see
// engine_geos.go). Repair always uses the Go port.
const Engine = "Go (simplefeatures' port of JTS OverlayNG)"

func intersection(a, b geom.Geometry) (geom.Geometry, error) { return geom.Intersection(a, b) }
func difference(a, b geom.Geometry) (geom.Geometry, error)   { return geom.Difference(a, b) }
func union(a, b geom.Geometry) (geom.Geometry, error)        { return geom.Union(a, b) }

// nodeLines unions linework: every crossing becomes a vertex of both lines.
func nodeLines(g geom.Geometry) (geom.Geometry, error) { return geom.UnaryUnion(g) }
