package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/rfc7946"
)

// How the store keeps records as JSON: revisions, and what a suggestion
// proposes. Both dialects keep the same JSON.

// Revision is one immutable change: who made it, when, why, and the
// record as it stood after it (for a deletion, the last state).
type Revision struct {
	Seq       int64           `json:"seq"` // orders every change in the store
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	Action    string          `json:"action"` // create, update, delete, import, save
	Author    string          `json:"author"`
	Comment   string          `json:"comment,omitempty"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

// AssetRecord is the form an asset takes in a revision: every field and
// its geometry as GeoJSON, so a revision can be restored.
type AssetRecord struct {
	place.Asset
	Geometry json.RawMessage `json:"geometry"`
}

// NewAssetRecord makes an asset's revision record.
func NewAssetRecord(a place.Asset) (AssetRecord, error) {
	g, err := geojson.NewGeometry(rfc7946.Orient(a.Geometry)).MarshalJSON()
	if err != nil {
		return AssetRecord{}, fmt.Errorf("asset %s: geometry: %w", a.ID, err)
	}
	return AssetRecord{Asset: a, Geometry: g}, nil
}

// AssetOf reads the asset back from a revision record.
func (r AssetRecord) AssetOf() (place.Asset, error) {
	a := r.Asset
	var g geojson.Geometry
	if err := g.UnmarshalJSON(r.Geometry); err != nil {
		return a, fmt.Errorf("revision of asset %s: geometry: %w", a.ID, err)
	}
	a.Geometry = g.Geometry()
	return a, nil
}

// AreaRecord is an area as a revision keeps it.
type AreaRecord struct {
	Set        string          `json:"set"`
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Version    int64           `json:"version"`
	Properties map[string]any  `json:"properties,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
}

// NewAreaRecord makes an area's revision record.
func NewAreaRecord(a place.Area, version int64) AreaRecord {
	g, _ := geojson.NewGeometry(rfc7946.Orient(a.Geometry)).MarshalJSON()
	return AreaRecord{Set: a.Set, Code: a.Code, Name: a.Name, Version: version, Properties: a.Properties, Geometry: g}
}

// drawingRecord is how stores keep an area suggestion's drawing.
type drawingRecord struct {
	Area    AreaRecord     `json:"area"`
	Place   string         `json:"place,omitempty"`
	Drawing string         `json:"drawing,omitempty"`
	Answers []place.Answer `json:"answers,omitempty"`
}

// suggestionRecord is how stores keep what an asset suggestion proposes,
// with the asset it was based on.
type suggestionRecord struct {
	AssetRecord
	Base *AssetRecord `json:"base,omitempty"`
}

// suggestionData checks a suggestion and returns it with the JSON record
// of what it proposes (the asset as a revision keeps it, with the asset it
// was based on; or the drawing), as every store keeps it.
func suggestionData(sg place.Suggestion) (place.Suggestion, []byte, error) {
	if err := place.CheckSuggestion(&sg); err != nil {
		return sg, nil, err
	}
	if sg.Kind == place.AreaDrawing {
		if err := checkOutline(sg.Area.Geometry); err != nil {
			return sg, nil, err
		}
		data, err := json.Marshal(drawingRecord{Area: NewAreaRecord(*sg.Area, 0), Place: sg.Place, Drawing: sg.Drawing, Answers: sg.Answers})
		return sg, data, err
	}
	rec, err := NewAssetRecord(sg.Proposed)
	if err != nil {
		return sg, nil, err
	}
	out := suggestionRecord{AssetRecord: rec}
	if sg.Base != nil {
		base, err := NewAssetRecord(*sg.Base)
		if err != nil {
			return sg, nil, err
		}
		out.Base = &base
	}
	data, err := json.Marshal(out)
	return sg, data, err
}

// readSuggestionData fills sg (its Kind read already) from the JSON
// suggestionData made.
func readSuggestionData(sg *place.Suggestion, data []byte) error {
	if sg.Kind == place.AreaDrawing {
		var rec drawingRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return fmt.Errorf("suggestion %s: %w", sg.ID, err)
		}
		var g geojson.Geometry
		if err := g.UnmarshalJSON(rec.Area.Geometry); err != nil {
			return fmt.Errorf("suggestion %s: geometry: %w", sg.ID, err)
		}
		mp, ok := g.Geometry().(orb.MultiPolygon)
		if !ok {
			return fmt.Errorf("suggestion %s: the drawing is a %s, not a MultiPolygon", sg.ID, g.Type)
		}
		sg.Area = &place.Area{Set: rec.Area.Set, Code: rec.Area.Code, Name: rec.Area.Name, Properties: rec.Area.Properties, Geometry: mp}
		sg.Place, sg.Drawing, sg.Answers = rec.Place, rec.Drawing, rec.Answers
		return nil
	}
	var rec suggestionRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("suggestion %s: %w", sg.ID, err)
	}
	var err error
	if sg.Proposed, err = rec.AssetOf(); err != nil {
		return err
	}
	if rec.Base != nil {
		base, err := rec.Base.AssetOf()
		if err != nil {
			return fmt.Errorf("suggestion %s: base: %w", sg.ID, err)
		}
		sg.Base, sg.BaseVersion = &base, base.Version
	}
	return nil
}
