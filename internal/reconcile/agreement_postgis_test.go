package reconcile

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// agreementTolerance is how far, relative, placemap's area covered by
// exactly k definitions may be from PostGIS's.
const agreementTolerance = 1e-4

// TestAgreementAgreesWithPostGIS builds agreement surfaces of real stacks
// of overlapping Sheffield definitions with placemap (Agreement) and with
// PostGIS, and checks that both find the same area covered by exactly k
// definitions, for every k, and the same union.
//
// The stacks: four community neighbourhoods, each with up to seven areas
// of the other sets (community neighbourhoods, wards 2013 and 2019,
// LSOAs) that overlap it most (by IoU), among those sharing at least 10%
// of the smaller of the two; and 30 community neighbourhoods that overlap
// one another, and 30 areas of the four sets in the same part of the
// city (see clusterStacks).
//
// PostGIS's surface is the one a PostGIS user would write: the faces of
// ST_Polygonize(ST_Union(ST_Boundary(geom))), each counted by the
// definitions that ST_Intersects its ST_PointOnSurface, measured by
// ST_Area(face::geography) (the WGS84 spheroid; see
// TestCrosswalkAgreesWithPostGIS for why not the sphere). Both sides'
// faces are grouped by the definitions covering them and groups under
// MinFaceM2 dropped, as Agreement does, before they are summed by count.
func TestAgreementAgreesWithPostGIS(t *testing.T) {
	conn := testkit.PostGISDatabase(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `CREATE TABLE stack (k int PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, s := range agreementStacks(t) {
		t.Run(s.name, func(t *testing.T) {
			t0 := time.Now()
			faces, err := Agreement(s.defs)
			if err != nil {
				t.Fatal(err)
			}
			tPM := time.Since(t0)
			mine := map[string]float64{}
			for _, f := range faces {
				mine[fmt.Sprint(f.Members)] += f.AreaM2
			}
			t0 = time.Now()
			pg, union, err := postgisAgreement(ctx, conn, s.defs)
			if err != nil {
				t.Fatal(err)
			}
			tPG := time.Since(t0)
			compareAgreement(t, s.codes, mine, pg, union)
			t.Logf("%d definitions: placemap %d faces in %v, PostGIS %d in %v",
				len(s.defs), len(mine), tPM.Round(time.Millisecond), len(pg), tPG.Round(time.Millisecond))
		})
	}
}

// agreementStack is a stack of definitions, by code, to agree.
type agreementStack struct {
	name  string
	codes []string
	defs  []orb.MultiPolygon
}

// agreementStacks picks the stacks TestAgreementAgreesWithPostGIS checks.
func agreementStacks(t *testing.T) []agreementStack {
	ctx := context.Background()
	comm := readSet(t, "community", commFile)
	others := []struct{ slug, file string }{
		{"community", commFile}, {"wards", wardsFile}, {"wards19", ward19}, {"lsoa", lsoaFile},
	}
	type cand struct {
		a   place.Area
		iou float64
	}
	near := make([][]cand, len(comm))
	for _, o := range others {
		set := readSet(t, o.slug, o.file)
		cw, err := Overlay(ctx, comm, set)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range append(append([]Pair(nil), cw.Pairs...), cw.Slivers...) {
			if o.slug == "community" && p.A == p.B || math.Max(p.ShareAInB, p.ShareBInA) < 0.1 {
				continue
			}
			near[p.A] = append(near[p.A], cand{set[p.B], p.IoU})
		}
	}
	var out []agreementStack
	for _, i := range []int{0, len(comm) / 4, len(comm) / 2, 3 * len(comm) / 4} {
		for ; i < len(comm) && len(near[i]) < 2; i++ {
		}
		cs := near[i]
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].iou > cs[b].iou })
		s := agreementStack{name: "community " + comm[i].Name}
		s.add(comm[i])
		for _, c := range cs[:min(7, len(cs))] {
			s.add(c.a)
		}
		out = append(out, s)
	}
	return append(out, clusterStacks(t, comm)...)
}

func (s *agreementStack) add(a place.Area) {
	s.codes = append(s.codes, a.Set+":"+a.Code)
	s.defs = append(s.defs, a.Geometry)
}

// nearest is the n areas of set whose centres lie nearest c.
func nearest(set []place.Area, c orb.Point, n int) []place.Area {
	out := append([]place.Area(nil), set...)
	dist := func(a place.Area) float64 {
		p := a.Geometry.Bound().Center()
		return math.Hypot((p[0]-c[0])*math.Cos(c[1]*math.Pi/180), p[1]-c[1])
	}
	sort.SliceStable(out, func(i, j int) bool { return dist(out[i]) < dist(out[j]) })
	return out[:min(n, len(out))]
}

// clusterStacks are two stacks in the part of the city where community
// neighbourhoods meet most: the neighbourhood with the most (sliver)
// overlaps with others and the 29 nearest it; and 30 areas of every set
// there (8 community neighbourhoods, 6 wards of 2013, 6 of 2019, 10
// LSOAs). The community neighbourhoods tile the city, drawn by hand: they
// overlap one another only in slivers along shared edges (50 pairs among
// 147, none over 0.2% of either), so the first stack checks slivers and
// near-coincident boundaries, the second deep overlaps.
func clusterStacks(t *testing.T, comm []place.Area) []agreementStack {
	cw, err := Overlay(context.Background(), comm, comm)
	if err != nil {
		t.Fatal(err)
	}
	touches := make([]int, len(comm))
	for _, p := range append(append([]Pair(nil), cw.Pairs...), cw.Slivers...) {
		if p.A != p.B {
			touches[p.A]++
		}
	}
	start := 0
	for i := range touches {
		if touches[i] > touches[start] {
			start = i
		}
	}
	c := comm[start].Geometry.Bound().Center()
	one := agreementStack{name: "30 community neighbourhoods around " + comm[start].Name}
	for _, a := range nearest(comm, c, 30) {
		one.add(a)
	}
	all := agreementStack{name: "30 areas of four sets around " + comm[start].Name}
	for _, s := range []struct {
		set []place.Area
		n   int
	}{{comm, 8}, {readSet(t, "wards", wardsFile), 6}, {readSet(t, "wards19", ward19), 6}, {readSet(t, "lsoa", lsoaFile), 10}} {
		for _, a := range nearest(s.set, c, s.n) {
			all.add(a)
		}
	}
	return []agreementStack{one, all}
}

// postgisAgreement builds the agreement surface of defs in PostGIS: the
// area of each group of faces covered by the same definitions, keyed as
// Agreement's members are, and the area of the definitions' union.
func postgisAgreement(ctx context.Context, conn *pgx.Conn, defs []orb.MultiPolygon) (map[string]float64, float64, error) {
	rows := make([][]any, len(defs))
	for k, d := range defs {
		b, err := wkb.Marshal(d)
		if err != nil {
			return nil, 0, err
		}
		rows[k] = []any{k, b}
	}
	if _, err := conn.Exec(ctx, `TRUNCATE stack`); err != nil {
		return nil, 0, err
	}
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE stack_wkb (k int, wkb bytea)`); err != nil {
		return nil, 0, err
	}
	defer conn.Exec(ctx, `DROP TABLE stack_wkb`) //nolint:errcheck
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"stack_wkb"}, []string{"k", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return nil, 0, err
	}
	if _, err := conn.Exec(ctx, `INSERT INTO stack SELECT k, ST_Multi(ST_GeomFromWKB(wkb, 4326)) FROM stack_wkb`); err != nil {
		return nil, 0, err
	}
	var union float64
	if err := conn.QueryRow(ctx, `SELECT ST_Area(ST_Union(geom)::geography) FROM stack`).Scan(&union); err != nil {
		return nil, 0, err
	}
	q := `WITH faces AS MATERIALIZED (
	  SELECT (ST_Dump(ST_Polygonize(b))).geom AS face
	  FROM (SELECT ST_Union(ST_Boundary(geom)) AS b FROM stack) u
	)
	SELECT coalesce((SELECT array_agg(s.k ORDER BY s.k) FROM stack s WHERE ST_Intersects(s.geom, ST_PointOnSurface(f.face))), '{}'),
	  ST_Area(f.face::geography)
	FROM faces f`
	r, err := conn.Query(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	out := map[string]float64{}
	var members []int32
	var area float64
	_, err = pgx.ForEachRow(r, []any{&members, &area}, func() error {
		if len(members) > 0 {
			out[fmt.Sprint(members)] += area
		}
		return nil
	})
	for key, a := range out {
		if a < MinFaceM2 {
			delete(out, key)
		}
	}
	return out, union, err
}

// compareAgreement checks placemap's faces against PostGIS's by how many
// definitions cover them, and their union; it logs the figures.
func compareAgreement(t *testing.T, codes []string, mine, pg map[string]float64, pgUnion float64) {
	t.Helper()
	perK := func(m map[string]float64) (map[int]float64, float64) {
		out, total := map[int]float64{}, 0.0
		for key, a := range m {
			out[len(strings.Fields(strings.Trim(key, "[]")))] += a
			total += a
		}
		return out, total
	}
	a, aTotal := perK(mine)
	b, bTotal := perK(pg)
	maxK := 0
	for k := range b {
		maxK = max(maxK, k)
	}
	for k := range a {
		maxK = max(maxK, k)
	}
	var lines []string
	for k := 1; k <= maxK; k++ {
		d := math.Abs(a[k]-b[k]) / math.Max(b[k], 1)
		lines = append(lines, fmt.Sprintf("k=%d: placemap %.1f m², PostGIS %.1f m² (rel %.1e)", k, a[k], b[k], d))
		if d > agreementTolerance {
			t.Errorf("area covered by exactly %d of %d definitions: placemap %.1f m², PostGIS %.1f m² (relative difference %.2g)", k, len(codes), a[k], b[k], d)
		}
	}
	// Faces by which definitions cover them: the same groups, with the
	// same areas, but for groups near MinFaceM2, which one side may keep
	// and the other drop.
	for key, x := range mine {
		if y := pg[key]; math.Abs(x-y) > math.Max(agreementTolerance*math.Max(x, y), 2*MinFaceM2) {
			t.Errorf("face covered by %s: placemap %.1f m², PostGIS %.1f m²", key, x, y)
		}
	}
	for key, y := range pg {
		if _, ok := mine[key]; !ok && y > 2*MinFaceM2 {
			t.Errorf("face covered by %s: PostGIS %.1f m², placemap has none", key, y)
		}
	}
	if d := math.Abs(aTotal-bTotal) / bTotal; d > agreementTolerance {
		t.Errorf("union: placemap's faces %.1f m², PostGIS's %.1f m² (relative %.2g)", aTotal, bTotal, d)
	}
	if d := (pgUnion - bTotal) / pgUnion; d < 0 || d > agreementTolerance {
		t.Errorf("PostGIS's faces cover %.1f m², its ST_Union %.1f m²", bTotal, pgUnion)
	}
	t.Logf("definitions %s\n%s\nunion: placemap faces %.1f m², PostGIS faces %.1f m², PostGIS ST_Union %.1f m²; %d / %d groups of faces",
		strings.Join(codes, " "), strings.Join(lines, "\n"), aTotal, bTotal, pgUnion, len(mine), len(pg))
}
