package tiles

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/placemap/placemap/internal/store"
)

// TestCellFeaturesWhateverTheOrder: a cell's categories come from the
// store in any order, and a sum of floats depends on its order; the cell's
// point is the same whichever way they came (the sums below differ in
// their last bit summed forwards and backwards).
func TestCellFeaturesWhateverTheOrder(t *testing.T) {
	cells := []store.AssetCell{
		{Col: 1, Row: 2, Category: "library", Count: 1, SumLon: 0.1, SumLat: 53.1},
		{Col: 1, Row: 2, Category: "park", Count: 1, SumLon: 0.2, SumLat: 53.2},
		{Col: 1, Row: 2, Category: "village_hall", Count: 1, SumLon: 0.3, SumLat: 53.3},
		{Col: 0, Row: 0, Category: "library", Count: 2, SumLon: 0.4, SumLat: 106.2},
	}
	var want []byte
	for i := range 2 * len(cells) {
		order := slices.Clone(cells)
		if i >= len(cells) {
			slices.Reverse(order)
		}
		order = append(order[i%len(cells):], order[:i%len(cells)]...)
		got, err := json.Marshal(cellFeatures(order))
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if string(got) != string(want) {
			t.Fatalf("cells in order %d: %s\nwant %s", i, got, want)
		}
	}
}
