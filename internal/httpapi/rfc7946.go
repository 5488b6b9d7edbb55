package httpapi

import (
	"bytes"
	"encoding/json"

	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/rfc7946"
)

// rfc7946Record winds the geometry of a stored revision record as RFC 7946
// says. Records made now are wound when made (store.NewAssetRecord,
// NewAreaRecord); records kept from before are wound here as they are
// served. A record without a geometry, or one already wound right, is
// returned as stored, byte for byte.
func rfc7946Record(data json.RawMessage) json.RawMessage {
	if !bytes.Contains(data, []byte(`"Polygon"`)) && !bytes.Contains(data, []byte(`"MultiPolygon"`)) {
		return data
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(data, &rec); err != nil || rec["geometry"] == nil {
		return data
	}
	var g geojson.Geometry
	if err := g.UnmarshalJSON(rec["geometry"]); err != nil || g.Coordinates == nil {
		return data
	}
	wound, err := geojson.NewGeometry(rfc7946.Orient(g.Coordinates)).MarshalJSON()
	if err != nil {
		return data
	}
	again, _ := geojson.NewGeometry(g.Coordinates).MarshalJSON()
	if bytes.Equal(wound, again) {
		return data
	}
	rec["geometry"] = wound
	out, err := json.Marshal(rec)
	if err != nil {
		return data
	}
	return out
}
