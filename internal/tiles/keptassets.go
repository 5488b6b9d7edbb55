package tiles

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// The assets kept in memory at a version of their tile layer. A national
// store holds a million of them, so they are kept without pointers for the
// collector to follow or a map per asset: a row of numbers each, their ids
// and names in one byte slice, and a grid over their locations (a cell's
// assets one run of the rows) instead of a tree. Only assets that are not
// points keep a geometry of their own.
type keptAssets struct {
	rows  []keptAsset    // by grid cell, then feature id; then the wide ones
	text  []byte         // every asset's id then name
	geoms []orb.Geometry // of the assets that are not points, by keptAsset.geom
	// categories and statuses, by keptAsset.category and .status.
	categories, statuses []string
	catIndex, statIndex  map[string]int
	// The grid: cells of cell degrees from x0, y0, cols × rows of them;
	// the assets whose box's centre lies in cell c (numbered row by row)
	// are rows[starts[c]:starts[c+1]], each within one cell of it. The
	// assets wider or taller than a cell are rows[starts[len-1]:].
	x0, y0, cell float64
	cols, nrows  int
	starts       []int32
}

// keptAsset is one asset: its feature id, its point (or geom's index,
// for one that is not a point), its box as the stores' spatial indexes
// keep it (32-bit floats rounded outward: the same assets meet a tile's
// box), and where its id and name lie in text.
type keptAsset struct {
	fid            int64
	x, y           float64
	box            [4]float32 // min x, min y, max x, max y
	text           uint32
	idLen, nameLen uint16
	category       uint16
	status         uint8
	geom           int32 // -1 for a point
}

// keptAssetBytes is about the memory an asset takes besides its id, name
// and a geometry that is not a point: its row and its share of the grid.
const keptAssetBytes = 64

// errNoKeep stops reading assets that cannot be kept as rows (an id or a
// name longer than a row can say, or more categories): tiles read them from
// the store.
var errNoKeep = errors.New("the assets cannot be kept")

// readAssets reads every asset, errTooBig past limit bytes.
func (x *setShapes) readAssets(ctx context.Context, src SetShapeSource, limit int64) error {
	k := &keptAssets{catIndex: map[string]int{}, statIndex: map[string]int{}}
	x.assets = k
	err := src.EachAssetShape(ctx, func(a store.AssetShape) error {
		if err := k.add(a); err != nil {
			return err
		}
		x.bytes += keptAssetBytes + int64(len(a.ID)+len(a.Name))
		if _, ok := a.Geometry.(orb.Point); !ok {
			x.bytes += geometryBytes(a.Geometry)
		}
		if x.bytes > limit {
			return errTooBig
		}
		return nil
	})
	if err != nil {
		return err
	}
	k.index()
	return nil
}

// add adds an asset's row.
func (k *keptAssets) add(a store.AssetShape) error {
	if len(a.ID) > math.MaxUint16 || len(a.Name) > math.MaxUint16 || len(k.text)+len(a.ID)+len(a.Name) > math.MaxUint32 {
		return errNoKeep
	}
	cat, ok := intern(&k.categories, k.catIndex, a.Category, math.MaxUint16)
	status, ok2 := intern(&k.statuses, k.statIndex, string(a.Status), math.MaxUint8)
	if !ok || !ok2 {
		return errNoKeep
	}
	b := a.Geometry.Bound()
	row := keptAsset{fid: a.FID, text: uint32(len(k.text)), idLen: uint16(len(a.ID)), nameLen: uint16(len(a.Name)),
		category: uint16(cat), status: uint8(status), geom: -1,
		box: [4]float32{float32(down32(b.Min[0])), float32(down32(b.Min[1])), float32(up32(b.Max[0])), float32(up32(b.Max[1]))}}
	if p, ok := a.Geometry.(orb.Point); ok {
		row.x, row.y = p[0], p[1]
	} else {
		row.geom = int32(len(k.geoms))
		k.geoms = append(k.geoms, a.Geometry)
	}
	k.text = append(append(k.text, a.ID...), a.Name...)
	k.rows = append(k.rows, row)
	return nil
}

// intern returns s's index in list, adding it if there is room below most.
func intern(list *[]string, index map[string]int, s string, most int) (int, bool) {
	if i, ok := index[s]; ok {
		return i, true
	}
	if len(*list) > most {
		return 0, false
	}
	index[s] = len(*list)
	*list = append(*list, s)
	return len(*list) - 1, true
}

// index lays the rows out on a grid of about four assets a cell (no more
// cells than four per asset, however the assets lie).
func (k *keptAssets) index() {
	k.catIndex, k.statIndex = nil, nil // only add needs them
	k.rows = slices.Clip(k.rows)
	slices.SortFunc(k.rows, func(a, b keptAsset) int { return cmp.Compare(a.fid, b.fid) })
	n := len(k.rows)
	if n == 0 {
		k.cols, k.nrows, k.cell, k.starts = 1, 1, 1, []int32{0, 0}
		return
	}
	ext := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i := range k.rows {
		ext = ext.Extend(k.rows[i].centre())
	}
	w, h := max(ext.Max[0]-ext.Min[0], 1e-7), max(ext.Max[1]-ext.Min[1], 1e-7)
	k.x0, k.y0 = ext.Min[0], ext.Min[1]
	k.cell = math.Sqrt(w * h / max(float64(n)/4, 1))
	for {
		k.cols, k.nrows = int(w/k.cell)+1, int(h/k.cell)+1
		if k.cols*k.nrows <= 4*n+16 {
			break
		}
		k.cell *= 2
	}
	cells := k.cols * k.nrows
	of := make([]int32, n) // each row's cell; cells for the wide ones
	counts := make([]int32, cells+2)
	for i := range k.rows {
		of[i] = int32(k.cellOf(&k.rows[i]))
		counts[of[i]+1]++
	}
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	k.starts = slices.Clone(counts[:cells+1])
	laid := make([]keptAsset, n)
	for i := range k.rows { // in feature id order, so each cell's run is too
		laid[counts[of[i]]] = k.rows[i]
		counts[of[i]]++
	}
	k.rows = laid
}

// centre is the centre of the row's box.
func (a *keptAsset) centre() orb.Point {
	return orb.Point{(float64(a.box[0]) + float64(a.box[2])) / 2, (float64(a.box[1]) + float64(a.box[3])) / 2}
}

// cellOf is the cell whose run a row goes in: that of its box's centre,
// or past the last for a row wider or taller than a cell.
func (k *keptAssets) cellOf(a *keptAsset) int {
	if float64(a.box[2])-float64(a.box[0]) > k.cell || float64(a.box[3])-float64(a.box[1]) > k.cell {
		return k.cols * k.nrows
	}
	c := a.centre()
	col := min(max(int((c[0]-k.x0)/k.cell), 0), k.cols-1)
	row := min(max(int((c[1]-k.y0)/k.cell), 0), k.nrows-1)
	return row*k.cols + col
}

// each calls fn with the index of every row whose box meets b, until fn
// returns false.
func (k *keptAssets) each(b orb.Bound, fn func(i int) bool) {
	meets := func(a *keptAsset) bool {
		return float64(a.box[0]) <= b.Max[0] && float64(a.box[2]) >= b.Min[0] && float64(a.box[1]) <= b.Max[1] && float64(a.box[3]) >= b.Min[1]
	}
	// A row lies within one cell of its centre's.
	c0, c1 := k.span(b.Min[0], b.Max[0], k.x0, k.cols)
	r0, r1 := k.span(b.Min[1], b.Max[1], k.y0, k.nrows)
	for r := r0; r <= r1; r++ {
		for i := k.starts[r*k.cols+c0]; i < k.starts[r*k.cols+c1+1]; i++ {
			if meets(&k.rows[i]) && !fn(int(i)) {
				return
			}
		}
	}
	for i := int(k.starts[len(k.starts)-1]); i < len(k.rows); i++ {
		if meets(&k.rows[i]) && !fn(i) {
			return
		}
	}
}

// span is the cells from lo to hi along one axis, one more each side.
func (k *keptAssets) span(lo, hi, origin float64, n int) (int, int) {
	a := math.Floor((lo-origin)/k.cell) - 1
	b := math.Floor((hi-origin)/k.cell) + 1
	return int(min(max(a, 0), float64(n-1))), int(min(max(b, 0), float64(n-1)))
}

// count counts the assets whose box meets b, up to most+1.
func (k *keptAssets) count(b orb.Bound, most int) int {
	n := 0
	k.each(b, func(int) bool { n++; return n <= most })
	return n
}

// features are the tile features of the assets in box, as the store's
// Assets answers a box, in feature id order; ok is false when there are
// more than limit (the store answers with the first by name: the tile
// reads it).
func (k *keptAssets) features(box orb.Bound, limit int) (fc *geojson.FeatureCollection, ok bool) {
	var hits []int
	k.each(box, func(i int) bool { hits = append(hits, i); return len(hits) <= limit })
	if len(hits) > limit {
		return nil, false
	}
	slices.SortFunc(hits, func(i, j int) int { return cmp.Compare(k.rows[i].fid, k.rows[j].fid) })
	fc = geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, len(hits))
	for _, i := range hits {
		fc.Append(assetFeature(k.asset(&k.rows[i])))
	}
	return fc, true
}

// asset is a row as the asset's tile fields.
func (k *keptAssets) asset(a *keptAsset) place.Asset {
	id := k.text[a.text : a.text+uint32(a.idLen)]
	name := k.text[a.text+uint32(a.idLen) : a.text+uint32(a.idLen)+uint32(a.nameLen)]
	out := place.Asset{FID: a.fid, ID: string(id), Name: string(name), Category: k.categories[a.category],
		Status: place.Status(k.statuses[a.status]), Geometry: orb.Point{a.x, a.y}}
	if a.geom >= 0 {
		out.Geometry = k.geoms[a.geom]
	}
	return out
}

// geometryBytes is about the memory a geometry takes.
func geometryBytes(g orb.Geometry) int64 {
	switch g := g.(type) {
	case orb.Polygon:
		return shapeBytes(orb.MultiPolygon{g})
	case orb.MultiPolygon:
		return shapeBytes(g)
	}
	return 64
}
