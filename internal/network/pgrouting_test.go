package network_test

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/testkit"
)

// The check against something no one here wrote (issue 20): the walking
// distance to the nearest library that placemap's network finds, against
// pgRouting's Dijkstra on the graph Debian's osm2pgrouting builds from the
// same extract.
//
// The extract is a clip of Delaware around Wilmington and Newark, written
// as OSM XML by osmium (osm2pgrouting reads nothing else); both graphs are
// built from that one file. osm2pgrouting takes the highway classes of
// testdata/mapconfig-walk.xml. It chooses ways by one tag's value and
// nothing else, so it keeps ways the walk filter leaves out (foot=no,
// access=private and the like). The test lists those ways (by their tags,
// read with internal/osm) and asks pgRouting twice: on all its ways and
// without those. Every origin must agree with the first within max(1%,
// 10 m), or else agree with the second and be counted as differing by the
// filter (at most 2% of origins); any other disagreement fails.
//
// Origins and libraries are put on OSM nodes that are vertices of the
// osm2pgrouting graph and lie on placemap's network (snapped less than a
// centimetre away), so snapping cannot make a difference.

// clipBox is Wilmington, Newark and the suburbs between: eight libraries.
const clipBox = "-75.70,39.68,-75.45,39.82"

const (
	minOrigins  = 500
	sampleSize  = 600
	onNetwork   = 0.01 // metres: a point this close to the network is on it
	relTol      = 0.01
	absTol      = 10.0
	maxByFilter = 0.02 // share of origins allowed to differ by the filter
)

// vertex is an OSM node that is a vertex of the pgRouting graph.
type vertex struct {
	osmID int64
	id    int64 // ways_vertices_pgr.id
	pt    orb.Point
	snap  network.Snap
}

// The pgRouting graph's edges, all of them and without the ways the walk
// filter leaves out (table filtered).
const (
	allEdges      = "SELECT gid AS id, source, target, length_m AS cost, length_m AS reverse_cost FROM ways"
	filteredEdges = allEdges + " WHERE osm_id NOT IN (SELECT osm_id FROM filtered)"
)

func TestAccessAgreesWithPgRouting(t *testing.T) {
	ctx := context.Background()
	osmium := testkit.Need(t, "osmium", "osmium-tool")
	o2p := testkit.Need(t, "osm2pgrouting", "osm2pgrouting")
	conn := testkit.PostGISDatabase(t)
	if _, err := conn.Exec(ctx, "CREATE EXTENSION pgrouting"); err != nil {
		need(t, "pgRouting extension missing (apt-get install postgresql-15-pgrouting): "+err.Error())
	}
	clip := filepath.Join(t.TempDir(), "clip.osm")
	src := filepath.Join(testkit.RepoRoot(t), "geodata", "osm", "delaware-latest.osm.pbf")
	run(t, osmium, "extract", "-b", clipBox, "-O", "-o", clip, src)
	loadOsm2pgrouting(t, o2p, conn, clip)
	g, rep, err := network.Build(ctx, osm.File(clip), "clip.osm", network.Options{Mode: network.Walk})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	loadFiltered(t, conn, clip)
	compareWays(t, conn, rep)

	assets := libraryVertices(t, conn, g, clip)
	origins := originVertices(t, conn, g)
	snaps := make([]network.Snap, len(assets))
	for i, a := range assets {
		snaps[i] = a.snap
	}
	tree, err := g.Nearest(ctx, snaps, 0)
	if err != nil {
		t.Fatalf("Nearest: %v", err)
	}
	c := comparison{
		origins:  origins,
		full:     pgrNearest(t, conn, allEdges, assets, origins),
		filtered: pgrNearest(t, conn, filteredEdges, assets, origins),
		straight: straightLines(t, conn, assets, origins),
	}
	c.check(t, tree)
}

// comparison holds, for each origin, pgRouting's distance to the nearest
// library on all its ways and without the filtered ones, and the straight
// lines to every library.
type comparison struct {
	origins        []vertex
	full, filtered []float64
	straight       [][]float64
}

func (c comparison) check(t *testing.T, tree *network.Tree) {
	t.Helper()
	var diffs, diffsFiltered []float64
	off, offFiltered, byFilter := 0, 0, 0
	for i, o := range c.origins {
		m, src, ok := tree.To(o.snap)
		if !ok {
			t.Errorf("origin node %d: placemap reached no library; pgRouting %.1f m", o.osmID, c.full[i])
			continue
		}
		checkStraight(t, o, m, src, c.full[i], c.straight[i])
		d := math.Abs(m - c.full[i])
		diffs = append(diffs, d)
		diffsFiltered = append(diffsFiltered, math.Abs(m-c.filtered[i]))
		if math.Abs(m-c.filtered[i]) > tolerance(c.filtered[i]) {
			offFiltered++
		}
		switch {
		case d <= tolerance(c.full[i]):
			if d > 1 {
				t.Logf("origin node %d: placemap %.2f m, pgRouting %.2f m on all its ways (within tolerance), %.2f m without the filtered ways",
					o.osmID, m, c.full[i], c.filtered[i])
			}
		case math.Abs(m-c.filtered[i]) <= tolerance(c.filtered[i]):
			off++
			byFilter++
			t.Logf("origin node %d differs by the filter: placemap %.1f m, pgRouting %.1f m on all its ways, %.1f m without the filtered ways",
				o.osmID, m, c.full[i], c.filtered[i])
		default:
			off++
			t.Errorf("origin node %d: placemap %.1f m, pgRouting %.1f m (%.1f m without the filtered ways); tolerance %.1f m",
				o.osmID, m, c.full[i], c.filtered[i], tolerance(c.full[i]))
		}
	}
	if limit := int(maxByFilter * float64(len(c.origins))); byFilter > limit {
		t.Errorf("%d origins differ by the filter, more than %d (%.0f%%)", byFilter, limit, 100*maxByFilter)
	}
	logAgreement(t, "pgRouting on all osm2pgrouting's ways", diffs, off)
	logAgreement(t, "pgRouting without the filtered ways", diffsFiltered, offFiltered)
	t.Logf("%d of %d origins differ by the filter (ways osm2pgrouting keeps and placemap leaves out)", byFilter, len(c.origins))
}

// need fails under CI and skips elsewhere, as testkit.Need does.
func need(t *testing.T, msg string) {
	t.Helper()
	if testkit.InCI() {
		t.Fatal(msg)
	}
	t.Skip("SKIP: " + msg)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func exec1(t *testing.T, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
}

func tolerance(metres float64) float64 { return math.Max(relTol*metres, absTol) }

// loadOsm2pgrouting builds the pgRouting graph (tables ways and
// ways_vertices_pgr) in conn's database, and the table largest: the
// vertices of its largest connected component, indexed for the nearest.
func loadOsm2pgrouting(t *testing.T, o2p string, conn *pgx.Conn, clip string) {
	t.Helper()
	cfg := conn.Config()
	conf := filepath.Join(testkit.RepoRoot(t), "internal", "network", "testdata", "mapconfig-walk.xml")
	run(t, o2p, "-f", clip, "-c", conf, "-d", cfg.Database, "-U", cfg.User,
		"-h", cfg.Host, "-p", strconv.Itoa(int(cfg.Port)), "--clean")
	exec1(t, conn, `CREATE TABLE largest AS
		WITH c AS (SELECT component, node FROM pgr_connectedComponents('`+allEdges+`'))
		SELECT v.id, v.osm_id, v.the_geom FROM ways_vertices_pgr v JOIN c ON c.node = v.id
		WHERE c.component = (SELECT component FROM c GROUP BY component ORDER BY count(*) DESC LIMIT 1)`)
	exec1(t, conn, "CREATE INDEX ON largest USING gist (the_geom)")
}

// loadFiltered stores in table filtered the ways osm2pgrouting keeps
// (their highway class is in mapconfig-walk.xml) that docs/network.md's
// walk filter (filter.go, docs/network.md) leaves out by their other tags, which osm2pgrouting cannot
// read.
func loadFiltered(t *testing.T, conn *pgx.Conn, clip string) {
	t.Helper()
	var ids []int64
	keep := func(tags map[string]string) bool { return walkClass[tags["highway"]] && notOnFoot(tags) }
	_, err := osm.Read(context.Background(), osm.File(clip), "clip.osm", osm.Options{Keep: keep}, func(o osm.Object) error {
		if o.Type == osm.Way {
			ids = append(ids, o.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	exec1(t, conn, "CREATE TABLE filtered AS SELECT DISTINCT unnest($1::bigint[]) AS osm_id", ids)
	exec1(t, conn, "ALTER TABLE filtered ADD PRIMARY KEY (osm_id)")
}

// walkClass holds the highway values of testdata/mapconfig-walk.xml.
var walkClass = map[string]bool{
	"road": true, "trunk": true, "trunk_link": true, "primary": true, "primary_link": true,
	"secondary": true, "secondary_link": true, "tertiary": true, "tertiary_link": true,
	"residential": true, "living_street": true, "service": true, "track": true, "pedestrian": true,
	"path": true, "cycleway": true, "footway": true, "bridleway": true, "steps": true, "unclassified": true,
	"corridor": true, "sidewalk": true, "crossing": true, "platform": true,
}

// notOnFoot says what docs/network.md says of a way's other tags: foot=no,
// private or use_sidepath, or access=private or no without a foot tag
// allowing walking.
func notOnFoot(tags map[string]string) bool {
	switch tags["foot"] {
	case "no", "private", "use_sidepath":
		return true
	case "yes", "designated", "permissive":
		return false
	}
	switch tags["access"] {
	case "private", "no":
		return true
	}
	return false
}

// compareWays logs how the two graphs' ways differ.
func compareWays(t *testing.T, conn *pgx.Conn, rep network.Report) {
	t.Helper()
	var ways, edges, vertices, filtered, filteredKept int
	var metres float64
	err := conn.QueryRow(context.Background(), `SELECT count(DISTINCT osm_id), count(*), sum(length_m),
		(SELECT count(*) FROM ways_vertices_pgr), (SELECT count(*) FROM filtered),
		(SELECT count(DISTINCT osm_id) FROM ways WHERE osm_id IN (SELECT osm_id FROM filtered))
		FROM ways`).Scan(&ways, &edges, &metres, &vertices, &filtered, &filteredKept)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("osm2pgrouting: %d ways, %d edges, %d vertices, %.1f km", ways, edges, vertices, metres/1000)
	t.Logf("placemap: %d ways, %d edges, %d vertices, %.1f km, largest component %.4f of the length in %d components; skipped %v",
		rep.Ways, rep.Edges, rep.Nodes, rep.Metres/1000, rep.LargestComponentShare, rep.Components, rep.Skipped)
	t.Logf("ways of osm2pgrouting's classes that the walk filter leaves out by other tags: %d (%d of them in osm2pgrouting's graph); ways osm2pgrouting has and placemap not: %d",
		filtered, filteredKept, ways-rep.Ways)
}

// libraryVertices places each library of the clip at the nearest vertex of
// the pgRouting graph's largest component that is on placemap's network.
// Fewer than five libraries fail the test: the clip is chosen to hold eight.
func libraryVertices(t *testing.T, conn *pgx.Conn, g *network.Graph, clip string) []vertex {
	t.Helper()
	var libs []orb.Point
	keep := func(tags map[string]string) bool { return tags["amenity"] == "library" }
	_, err := osm.Read(context.Background(), osm.File(clip), "clip.osm", osm.Options{Keep: keep, Sites: true}, func(o osm.Object) error {
		libs = append(libs, o.Center)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(libs) < 5 {
		t.Fatalf("%d libraries in the clip, want at least 5", len(libs))
	}
	var out []vertex
	for _, p := range libs {
		cands := queryVertices(t, conn, `SELECT osm_id, id, ST_X(the_geom), ST_Y(the_geom) FROM largest
			ORDER BY the_geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 50`, p[0], p[1])
		v, ok := firstOnNetwork(g, cands)
		if !ok {
			t.Fatalf("library at %v: none of the 50 nearest pgRouting vertices is on placemap's network", p)
		}
		out = append(out, v)
	}
	t.Logf("libraries: %d, at OSM nodes %v", len(out), osmIDs(out))
	return out
}

func osmIDs(vs []vertex) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = v.osmID
	}
	return out
}

func firstOnNetwork(g *network.Graph, cands []vertex) (vertex, bool) {
	for _, v := range cands {
		s, ok := g.Snap(v.pt)
		if ok && s.Metres < onNetwork {
			v.snap = s
			return v, true
		}
	}
	return vertex{}, false
}

// originVertices samples vertices of the pgRouting graph's largest
// component (a fixed order: by the hash of the node id) and keeps those on
// placemap's network; at least minOrigins must be. A sampled vertex off
// placemap's network must be off the largest component of pgRouting's
// graph without the filtered ways too: the filter explains it.
func originVertices(t *testing.T, conn *pgx.Conn, g *network.Graph) []vertex {
	t.Helper()
	cands := queryVertices(t, conn, `SELECT osm_id, id, ST_X(the_geom), ST_Y(the_geom) FROM largest
		ORDER BY md5(osm_id::text) LIMIT $1`, sampleSize)
	var out, off []vertex
	for _, v := range cands {
		s, ok := g.Snap(v.pt)
		if ok && s.Metres < onNetwork {
			v.snap = s
			out = append(out, v)
		} else {
			off = append(off, v)
		}
	}
	var unexplained []int64
	err := conn.QueryRow(context.Background(), `WITH c AS (SELECT component, node FROM pgr_connectedComponents('`+filteredEdges+`')),
		big AS (SELECT node FROM c WHERE component = (SELECT component FROM c GROUP BY component ORDER BY count(*) DESC LIMIT 1))
		SELECT coalesce(array_agg(v), '{}') FROM unnest($1::bigint[]) v WHERE v IN (SELECT node FROM big)`,
		ids(off)).Scan(&unexplained)
	if err != nil {
		t.Fatal(err)
	}
	if len(unexplained) > 0 {
		t.Errorf("pgRouting vertices %v are in the largest component without the filtered ways, yet off placemap's network", unexplained)
	}
	t.Logf("origins: %d of %d sampled vertices of pgRouting's largest component are on placemap's network; the other %d are not in the largest component once the filtered ways are left out",
		len(out), len(cands), len(off)-len(unexplained))
	if len(out) < minOrigins {
		t.Fatalf("%d origins on both networks, want at least %d", len(out), minOrigins)
	}
	return out
}

// queryVertices runs a query returning osm_id, id, lon, lat.
func queryVertices(t *testing.T, conn *pgx.Conn, q string, args ...any) []vertex {
	t.Helper()
	rows, err := conn.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (vertex, error) {
		var v vertex
		err := r.Scan(&v.osmID, &v.id, &v.pt[0], &v.pt[1])
		return v, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func ids(vs []vertex) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = v.id
	}
	return out
}

// pgrNearest returns, for each origin, pgRouting's distance to the nearest
// asset (+Inf when none is reached): pgr_dijkstraCost from all assets to
// all origins, undirected, on the edges the query edges gives.
func pgrNearest(t *testing.T, conn *pgx.Conn, edges string, assets, origins []vertex) []float64 {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT end_vid, min(agg_cost)
		FROM pgr_dijkstraCost($1, $2::bigint[], $3::bigint[], directed => false) GROUP BY end_vid`,
		edges, ids(assets), ids(origins))
	if err != nil {
		t.Fatal(err)
	}
	best := map[int64]float64{}
	var id int64
	var m float64
	_, err = pgx.ForEachRow(rows, []any{&id, &m}, func() error { best[id] = m; return nil })
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range assets { // pgRouting leaves out a vertex's distance to itself
		best[a.id] = 0
	}
	out := make([]float64, len(origins))
	for i, o := range origins {
		d, ok := best[o.id]
		if !ok {
			d = math.Inf(1)
		}
		out[i] = d
	}
	return out
}

// straightLines returns PostGIS's ellipsoidal distance (geography) from
// every origin to every asset.
func straightLines(t *testing.T, conn *pgx.Conn, assets, origins []vertex) [][]float64 {
	t.Helper()
	xy := func(vs []vertex) ([]float64, []float64) {
		var xs, ys []float64
		for _, v := range vs {
			xs = append(xs, v.pt[0])
			ys = append(ys, v.pt[1])
		}
		return xs, ys
	}
	ox, oy := xy(origins)
	ax, ay := xy(assets)
	rows, err := conn.Query(context.Background(), `SELECT o.i - 1, a.j - 1,
		ST_Distance(ST_SetSRID(ST_MakePoint(o.x, o.y), 4326)::geography, ST_SetSRID(ST_MakePoint(a.x, a.y), 4326)::geography)
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS o(x, y, i),
		     unnest($3::float8[], $4::float8[]) WITH ORDINALITY AS a(x, y, j)`, ox, oy, ax, ay)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(origins))
	for i := range out {
		out[i] = make([]float64, len(assets))
	}
	var i, j int
	var d float64
	_, err = pgx.ForEachRow(rows, []any{&i, &j, &d}, func() error { out[i][j] = d; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkStraight fails when a network distance is shorter than the straight
// line: placemap's to the library it names, either engine's to the nearest.
func checkStraight(t *testing.T, o vertex, m float64, src int, pgr float64, straight []float64) {
	t.Helper()
	if src < 0 || src >= len(straight) {
		t.Errorf("origin node %d: source index %d out of range", o.osmID, src)
		return
	}
	if m < straight[src]-onNetwork {
		t.Errorf("origin node %d: placemap walks %.3f m to library %d, the straight line is %.3f m", o.osmID, m, src, straight[src])
	}
	least := slices.Min(straight)
	if m < least-onNetwork || pgr < least-onNetwork {
		t.Errorf("origin node %d: placemap's %.3f m or pgRouting's %.3f m is shorter than the straight line to the nearest library, %.3f m",
			o.osmID, m, pgr, least)
	}
}

// logAgreement logs the differences' figures; off is the number beyond
// tolerance.
func logAgreement(t *testing.T, against string, diffs []float64, off int) {
	t.Helper()
	if len(diffs) == 0 {
		return
	}
	s := slices.Clone(diffs)
	slices.Sort(s)
	within := func(lim float64) int {
		n, _ := slices.BinarySearch(s, lim+1e-12)
		return n
	}
	t.Logf("agreement with %s over %d origins: |difference| max %.3f m, median %.4f m, p99 %.3f m; %d within 1 cm, %d within 1 m, %d within max(1%%, 10 m)",
		against, len(s), s[len(s)-1], s[len(s)/2], s[len(s)*99/100], within(0.01), within(1), len(s)-off)
}
