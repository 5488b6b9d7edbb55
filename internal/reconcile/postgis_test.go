package reconcile

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// shareTolerance is how far placemap's shares and IoU may be from
// PostGIS's, absolute.
const shareTolerance = 1e-4

// TestCrosswalkAgreesWithPostGIS overlays real Sheffield sets with placemap
// and with PostGIS, and checks that both find the same overlapping pairs
// with the same shares.
//
// The PostGIS measure compared with is the one a PostGIS user would write:
// ST_Intersection in planar longitude/latitude (as placemap intersects),
// then ST_Area(...::geography), area on the WGS84 spheroid (use_spheroid
// defaults to true), the same for the two areas. placemap measures area on
// the same ellipsoid, in a Lambert azimuthal equal-area projection centred
// on each geometry. The two differ only in what an edge between two
// vertices is (a geodesic for geography, a straight line in the local
// projection for placemap), which on boundaries whose vertices are metres
// to a few hundred metres apart moves areas by parts in 10⁷: shares agree
// to about 1e-7, far inside the tolerance.
//
// For comparison the test also logs the shares from planar areas after
// ST_Transform to EPSG:27700 (British National Grid, transverse Mercator,
// not equal-area: its scale error of about −0.07% over Sheffield is nearly
// constant across the city and cancels in a share) and to EPSG:3035
// (ETRS89 LAEA, equal-area); both agree to about 1e-6. It logs, without
// checking, the sphere (ST_Area(geography, false)) too: in PostGIS 3.3 that
// measure depends on ring orientation for some rings (OA E00040265
// measures 36,673 m² with its exterior ring counter-clockwise and
// 106,109 m² clockwise, the orientation ST_Intersection returns), so its
// shares are off by up to 0.9. Use the spheroid.
func TestCrosswalkAgreesWithPostGIS(t *testing.T) {
	conn := testkit.PostGISDatabase(t)
	ctx := context.Background()
	cases := []struct {
		name         string
		aSlug, aFile string
		bSlug, bFile string
	}{
		{"OA x community", "oa", oaFile, "community", commFile},
		{"LSOA x wards 2013", "lsoa", lsoaFile, "wards", wardsFile},
		{"wards 2013 x wards 2019", "wards", wardsFile, "wards19", ward19},
		{"community x wards 2019", "community", commFile, "wards19", ward19},
	}
	loaded := map[string]bool{}
	load := func(t *testing.T, slug, file string) []place.Area {
		t.Helper()
		areas := readSet(t, slug, file)
		if !loaded[slug] {
			if err := loadPostGISTable(ctx, conn, pgTable(slug), areas); err != nil {
				t.Fatalf("load %s into PostGIS: %v", slug, err)
			}
			loaded[slug] = true
		}
		return areas
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := load(t, c.aSlug, c.aFile), load(t, c.bSlug, c.bFile)
			t0 := time.Now()
			cw, err := Overlay(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			tPM := time.Since(t0)
			t0 = time.Now()
			pg, err := postgisOverlay(ctx, conn, pgTable(c.aSlug), pgTable(c.bSlug))
			if err != nil {
				t.Fatal(err)
			}
			tPG := time.Since(t0)
			comparePostGIS(t, cw, pg)
			// The service's crosswalk: each intersection measured, not built.
			measured, err := OverlayStoredAreas(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			comparePostGIS(t, measured, pg)
			t.Logf("%d×%d areas: placemap %d pairs + %d slivers in %v; PostGIS %d ST_Intersects rows, each measured four ways, in %v",
				len(a), len(b), len(cw.Pairs), len(cw.Slivers), tPM.Round(time.Millisecond), len(pg), tPG.Round(time.Millisecond))
		})
	}
}

const oaFile = "ons/statistical__eng__oa_by_lad__E08000019.json"

func pgTable(slug string) string { return "set_" + strings.ReplaceAll(slug, "-", "_") }

// loadPostGISTable stores areas as table (idx, code, geom), idx being the
// area's position in the slice, geom placemap's geometry as read (after
// repair), through WKB, in EPSG:4326, with a GiST index.
func loadPostGISTable(ctx context.Context, conn *pgx.Conn, table string, areas []place.Area) error {
	rows := make([][]any, len(areas))
	for i, a := range areas {
		b, err := wkb.Marshal(a.Geometry)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Code, err)
		}
		rows[i] = []any{i, a.Code, b}
	}
	id := pgx.Identifier{table}.Sanitize()
	stage := pgx.Identifier{table + "_wkb"}.Sanitize()
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE `+stage+` (idx int, code text, wkb bytea)`); err != nil {
		return err
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{table + "_wkb"}, []string{"idx", "code", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE TABLE ` + id + ` (idx int PRIMARY KEY, code text NOT NULL, geom geometry(MultiPolygon, 4326) NOT NULL)`,
		`INSERT INTO ` + id + ` SELECT idx, code, ST_Multi(ST_GeomFromWKB(wkb, 4326)) FROM ` + stage,
		`DROP TABLE ` + stage,
		`CREATE INDEX ON ` + id + ` USING gist (geom)`,
		`ANALYZE ` + id,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	var invalid int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+id+` WHERE NOT ST_IsValid(geom)`).Scan(&invalid); err != nil {
		return err
	}
	if invalid > 0 {
		return fmt.Errorf("%d of the areas placemap read are invalid to PostGIS", invalid)
	}
	return nil
}

// pgMeasure is one way of measuring a pair's areas in PostGIS.
type pgMeasure struct{ inter, a, b float64 }

func (m pgMeasure) shares() (aInB, bInA, iou float64) {
	if m.a <= 0 || m.b <= 0 {
		return 0, 0, 0
	}
	return clamp01(m.inter / m.a), clamp01(m.inter / m.b), clamp01(m.inter / (m.a + m.b - m.inter))
}

// pgPair is a pair PostGIS found intersecting, measured four ways.
type pgPair struct {
	spheroid, sphere, bng, laea pgMeasure
}

type pairKey struct{ a, b int }

// postgisOverlay runs the crosswalk in SQL: every pair of a and b that
// ST_Intersects, with the area of the intersection and of both areas.
func postgisOverlay(ctx context.Context, conn *pgx.Conn, ta, tb string) (map[pairKey]pgPair, error) {
	q := `WITH p AS MATERIALIZED (
	  SELECT a.idx AS ia, b.idx AS ib, a.geom AS ga, b.geom AS gb, ST_Intersection(a.geom, b.geom) AS gi
	  FROM ` + pgx.Identifier{ta}.Sanitize() + ` a JOIN ` + pgx.Identifier{tb}.Sanitize() + ` b ON ST_Intersects(a.geom, b.geom)
	)
	SELECT ia, ib,
	  ST_Area(gi::geography), ST_Area(ga::geography), ST_Area(gb::geography),
	  ST_Area(gi::geography, false), ST_Area(ga::geography, false), ST_Area(gb::geography, false),
	  ST_Area(ST_Transform(gi, 27700)), ST_Area(ST_Transform(ga, 27700)), ST_Area(ST_Transform(gb, 27700)),
	  ST_Area(ST_Transform(gi, 3035)), ST_Area(ST_Transform(ga, 3035)), ST_Area(ST_Transform(gb, 3035))
	FROM p`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[pairKey]pgPair{}
	var k pairKey
	var p pgPair
	_, err = pgx.ForEachRow(rows, []any{&k.a, &k.b,
		&p.spheroid.inter, &p.spheroid.a, &p.spheroid.b,
		&p.sphere.inter, &p.sphere.a, &p.sphere.b,
		&p.bng.inter, &p.bng.a, &p.bng.b,
		&p.laea.inter, &p.laea.a, &p.laea.b,
	}, func() error {
		out[k] = p
		return nil
	})
	return out, err
}

// comparePostGIS checks cw against PostGIS's answer: the same pairs (above
// the tolerance) and the same shares, by the spheroid measure.
func comparePostGIS(t *testing.T, cw *Crosswalk, pg map[pairKey]pgPair) {
	t.Helper()
	mine := append(append([]Pair(nil), cw.Pairs...), cw.Slivers...)
	seen := map[pairKey]bool{}
	errs := 0
	errorf := func(format string, args ...any) {
		t.Helper()
		if errs++; errs <= 20 {
			t.Errorf(format, args...)
		}
	}
	names := func(k pairKey) string { return cw.A[k.a].Code + " × " + cw.B[k.b].Code }
	var maxA, maxB, maxIoU float64
	var maxAlt [3]float64 // sphere, EPSG:27700, EPSG:3035: largest share or IoU difference
	for _, p := range mine {
		k := pairKey{p.A, p.B}
		seen[k] = true
		q, ok := pg[k]
		if !ok && math.Max(p.ShareAInB, p.ShareBInA) > shareTolerance {
			errorf("%s: placemap finds shares %.6f / %.6f, PostGIS finds no intersection", names(k), p.ShareAInB, p.ShareBInA)
			continue
		}
		a, b, iou := q.spheroid.shares()
		da, db, di := math.Abs(p.ShareAInB-a), math.Abs(p.ShareBInA-b), math.Abs(p.IoU-iou)
		maxA, maxB, maxIoU = math.Max(maxA, da), math.Max(maxB, db), math.Max(maxIoU, di)
		if da > shareTolerance || db > shareTolerance || di > shareTolerance {
			errorf("%s: placemap shares %.6f / %.6f IoU %.6f, PostGIS %.6f / %.6f IoU %.6f", names(k), p.ShareAInB, p.ShareBInA, p.IoU, a, b, iou)
		}
		for n, m := range []pgMeasure{q.sphere, q.bng, q.laea} {
			a, b, iou := m.shares()
			maxAlt[n] = math.Max(maxAlt[n], math.Max(math.Abs(p.ShareAInB-a), math.Max(math.Abs(p.ShareBInA-b), math.Abs(p.IoU-iou))))
		}
	}
	for k, q := range pg {
		if seen[k] {
			continue
		}
		if a, b, _ := q.spheroid.shares(); math.Max(a, b) > shareTolerance {
			errorf("%s: PostGIS finds shares %.6f / %.6f, placemap reports no pair", names(k), a, b)
		}
	}
	if errs > 20 {
		t.Errorf("… and %d more differences", errs-20)
	}
	// The areas themselves, relative to PostGIS's spheroid areas.
	var maxArea float64
	for k, q := range pg {
		maxArea = math.Max(maxArea, math.Abs(cw.AreaA[k.a]-q.spheroid.a)/q.spheroid.a)
		maxArea = math.Max(maxArea, math.Abs(cw.AreaB[k.b]-q.spheroid.b)/q.spheroid.b)
	}
	if maxArea > shareTolerance {
		t.Errorf("areas differ from PostGIS's geography areas by up to %.2g (relative)", maxArea)
	}
	t.Logf("max |placemap − PostGIS geography (spheroid)|: share_a_in_b %.2g, share_b_in_a %.2g, IoU %.2g; area relative %.2g",
		maxA, maxB, maxIoU, maxArea)
	t.Logf("max share/IoU difference by other PostGIS measures: sphere %.2g, EPSG:27700 %.2g, EPSG:3035 %.2g",
		maxAlt[0], maxAlt[1], maxAlt[2])
}
