// Command nationgen writes a synthetic national-scale data set for the
// scale benchmarks: copies of the real Sheffield output areas, LSOAs,
// wards (2013 and 2019) and community neighbourhoods laid out on a grid,
// each copy's codes and names made unique, and about a million assets —
// the real Sheffield libraries and Delaware's OpenStreetMap civic objects
// (mapped onto each copy), replicated with small offsets. It is
// deterministic from -seed. The data is synthetic: real shapes, real
// points, in made-up places.
//
//	nationgen -out DIR [-copies 105] [-assets-per-copy 9500] [-seed 1]
//
// With 105 copies: 190,785 OAs, 36,225 LSOAs, 2,940 wards of each release,
// 15,435 community neighbourhoods and 997,500 assets, in DIR/oa.geojson,
// lsoa.geojson, wards-2013.geojson, wards-2019.geojson,
// community.geojson and assets.csv.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/paulmach/orb"

	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/osm"
)

// The grid: copies side by side, 15 to a row, each Sheffield's extent
// (0.48° × 0.20°) plus a gap.
const (
	perRow = 15
	stepX  = 0.50
	stepY  = 0.22
)

type source struct {
	file, out, codeField, nameField string
}

func main() {
	root := flag.String("root", ".", "the placemap repository (for geodata/)")
	outDir := flag.String("out", "", "directory to write to (required)")
	copies := flag.Int("copies", 105, "copies of Sheffield")
	perCopy := flag.Int("assets-per-copy", 9500, "assets in each copy")
	seed := flag.Uint64("seed", 1, "seed of the offsets")
	flag.Parse()
	if *outDir == "" {
		fmt.Fprintln(os.Stderr, "nationgen: -out DIR is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fail(err)
	}
	sets := []source{
		{"geodata/sheffield/ons/statistical__eng__oa_by_lad__E08000019.json", "oa.geojson", "OA11CD", ""},
		{"geodata/sheffield/ons/statistical__eng__lsoa_by_lad__E08000019.json", "lsoa.geojson", "LSOA11CD", "LSOA11NM"},
		{"geodata/sheffield/ons/electoral__eng__wards_by_lad__E08000019.json", "wards-2013.geojson", "WD13CD", "WD13NM"},
		{"geodata/sheffield/ons-2019/sheffield_wards_2019.geojson", "wards-2019.geojson", "WD19CD", "WD19NM"},
		{"geodata/sheffield/community/data_neighbourhoods.geojson", "community.geojson", "code", "name"},
	}
	for _, s := range sets {
		n, err := writeSet(filepath.Join(*root, s.file), filepath.Join(*outDir, s.out), s, *copies)
		if err != nil {
			fail(err)
		}
		fmt.Printf("%s: %d areas\n", s.out, n)
	}
	n, err := writeAssets(*root, filepath.Join(*outDir, "assets.csv"), *copies, *perCopy, *seed)
	if err != nil {
		fail(err)
	}
	fmt.Printf("assets.csv: %d assets\n", n)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "nationgen:", err)
	os.Exit(1)
}

func offset(copy int) (dx, dy float64) {
	return float64(copy%perRow) * stepX, float64(copy/perRow) * stepY
}

// shift moves every coordinate of a GeoJSON geometry's coordinates.
func shift(c any, dx, dy float64) any {
	switch v := c.(type) {
	case []any:
		if len(v) >= 2 {
			if x, ok := v[0].(float64); ok {
				if y, ok := v[1].(float64); ok {
					return []any{round7(x + dx), round7(y + dy)}
				}
			}
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = shift(e, dx, dy)
		}
		return out
	}
	return c
}

func round7(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 7, 64), 64)
	return v
}

func writeSet(in, out string, s source, copies int) (int, error) {
	b, err := os.ReadFile(in)
	if err != nil {
		return 0, err
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type        string `json:"type"`
				Coordinates any    `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return 0, fmt.Errorf("%s: %w", in, err)
	}
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	for c := 0; c < copies; c++ {
		dx, dy := offset(c)
		for i, ft := range fc.Features {
			props := map[string]any{}
			code := fmt.Sprint(ft.Properties[s.codeField])
			if s.codeField == "code" { // community areas carry names only
				code = fmt.Sprintf("n%03d", i)
			}
			props[s.codeField] = fmt.Sprintf("%s-%03d", code, c)
			if s.nameField != "" {
				props[s.nameField] = fmt.Sprintf("%v %d", ft.Properties[s.nameField], c)
			}
			feat := map[string]any{"type": "Feature", "properties": props,
				"geometry": map[string]any{"type": ft.Geometry.Type, "coordinates": shift(ft.Geometry.Coordinates, dx, dy)}}
			b, err := json.Marshal(feat)
			if err != nil {
				return n, err
			}
			if n > 0 {
				w.WriteByte(',')
			}
			w.WriteByte('\n')
			w.Write(b)
			n++
		}
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		return n, err
	}
	return n, f.Close()
}

type point struct {
	p        orb.Point
	category string
}

// basePoints are the Sheffield libraries and Delaware's civic objects
// mapped from Delaware's extent onto Sheffield's.
func basePoints(root string) ([]point, error) {
	var out []point
	b, err := os.ReadFile(filepath.Join(root, "geodata/libraries/sheffield_libraries.geojson"))
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []struct {
			Geometry struct{ Coordinates []float64 } `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, err
	}
	for _, f := range fc.Features {
		out = append(out, point{orb.Point{f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]}, "library"})
	}
	var civic []point
	var bound orb.Bound
	_, err = osm.Read(context.Background(), osm.File(filepath.Join(root, "geodata/osm/delaware-latest.osm.pbf")), "delaware", osm.Options{Sites: true},
		func(o osm.Object) error {
			if o.Geometry == nil {
				return nil
			}
			a, ok := osm.ToAsset(o, "", "", "")
			if !ok {
				return nil
			}
			p := pgeo.PointOnSurface(a.Geometry)
			if len(civic) == 0 {
				bound = p.Bound()
			}
			bound = bound.Extend(p)
			civic = append(civic, point{p, a.Category})
			return nil
		})
	if err != nil {
		return nil, err
	}
	// Delaware → Sheffield (-1.80..-1.32, 53.30..53.50).
	for _, c := range civic {
		x := -1.80 + (c.p[0]-bound.Min[0])/(bound.Max[0]-bound.Min[0])*0.48
		y := 53.30 + (c.p[1]-bound.Min[1])/(bound.Max[1]-bound.Min[1])*0.20
		out = append(out, point{orb.Point{x, y}, c.category})
	}
	return out, nil
}

func writeAssets(root, out string, copies, perCopy int, seed uint64) (int, error) {
	base, err := basePoints(root)
	if err != nil {
		return 0, err
	}
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("id,name,lon,lat,category,licence\n")
	rng := rand.New(rand.NewPCG(seed, 2026))
	n := 0
	for c := 0; c < copies; c++ {
		dx, dy := offset(c)
		for i := 0; i < perCopy; i++ {
			b := base[i%len(base)]
			// Replicas scatter within about 300 m of the real point.
			jx, jy := 0.0, 0.0
			if i >= len(base) {
				jx, jy = (rng.Float64()-0.5)*0.009, (rng.Float64()-0.5)*0.0054
			}
			fmt.Fprintf(w, "syn-%d-%d,%s %d-%d,%.6f,%.6f,%s,CC0-1.0\n", c, i, b.category, c, i, b.p[0]+dx+jx, b.p[1]+dy+jy, b.category)
			n++
		}
	}
	if err := w.Flush(); err != nil {
		return n, err
	}
	return n, f.Close()
}
