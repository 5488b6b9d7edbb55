// Package export turns what the store holds into layers for files people
// open in the tools they already use: assets, a boundary set, memberships
// and crosswalks, as GeoJSON, CSV, GeoPackage or KML, each carrying the
// attribution and licence of every source.
package export

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/formats/geopackage"
	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// Format is a file format an export is written in.
type Format string

// The formats.
const (
	GeoJSON    Format = "geojson"
	CSV        Format = "csv"
	GeoPackage Format = "gpkg"
	KML        Format = "kml"
)

// ParseFormat reads a format name (also "json" for GeoJSON).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimPrefix(s, "."))); f {
	case GeoJSON, CSV, GeoPackage, KML:
		return f, nil
	case "json":
		return GeoJSON, nil
	}
	return "", place.Errorf(place.EINVALID, "format %q: want geojson, csv, gpkg or kml", s)
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	switch f {
	case GeoJSON:
		return "application/geo+json"
	case CSV:
		return "text/csv; charset=utf-8"
	case GeoPackage:
		return "application/geopackage+sqlite3"
	case KML:
		return "application/vnd.google-earth.kml+xml"
	}
	return "application/octet-stream"
}

// Reader is what exports read.
type Reader interface {
	store.AssetLister
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Sets(ctx context.Context) ([]place.SetSummary, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	Memberships(ctx context.Context, assetID string) ([]place.Membership, error)
}

// Write writes a layer in a format. A GeoPackage is built in a temporary
// file (SQLite needs a file) and then copied to w.
func Write(ctx context.Context, w io.Writer, f Format, l formats.Layer, csvGeometry formats.CSVGeometry) error {
	switch f {
	case GeoJSON:
		return formats.WriteGeoJSON(w, l)
	case CSV:
		return formats.WriteCSV(w, l, csvGeometry)
	case KML:
		return formats.WriteKML(w, l)
	case GeoPackage:
		return WriteGeoPackage(ctx, w, l)
	}
	return place.Errorf(place.EINVALID, "format %q", f)
}

// WriteGeoPackage writes a layer as a GeoPackage to w.
func WriteGeoPackage(ctx context.Context, w io.Writer, l formats.Layer) error {
	dir, err := os.MkdirTemp("", "placemap-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := dir + "/" + l.Name + ".gpkg"
	if err := geopackage.WriteLayers(ctx, path, l); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

var assetColumns = []formats.Column{
	{Name: "name", Type: formats.Text}, {Name: "category", Type: formats.Text}, {Name: "status", Type: formats.Text},
	{Name: "address", Type: formats.Text}, {Name: "postcode", Type: formats.Text}, {Name: "opening_hours", Type: formats.Text},
	{Name: "phone", Type: formats.Text}, {Name: "email", Type: formats.Text}, {Name: "website", Type: formats.Text},
	{Name: "operator", Type: formats.Text}, {Name: "tags", Type: formats.Text}, {Name: "source", Type: formats.Text},
	{Name: "source_id", Type: formats.Text}, {Name: "licence", Type: formats.Text}, {Name: "attribution", Type: formats.Text},
	{Name: "last_reviewed", Type: formats.Text}, {Name: "updated_at", Type: formats.Text}, {Name: "version", Type: formats.Integer},
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func assetValues(a place.Asset) []any {
	var tags any
	if len(a.Tags) > 0 {
		b, _ := json.Marshal(a.Tags)
		tags = string(b)
	}
	var reviewed any
	if !a.LastReviewed.IsZero() {
		reviewed = a.LastReviewed.UTC().Format(time.RFC3339)
	}
	return []any{a.Name, a.Category, string(a.Status), orNil(a.Address), orNil(a.Postcode), orNil(a.OpeningHours),
		orNil(a.Phone), orNil(a.Email), orNil(a.Website), orNil(a.Operator), tags, orNil(a.Source), orNil(a.SourceID),
		orNil(a.Licence), orNil(a.Attribution), reviewed, a.UpdatedAt.UTC().Format(time.RFC3339), a.Version}
}

// eachAsset calls fn for every asset, a page at a time.
func eachAsset(ctx context.Context, st store.AssetLister, fn func(place.Asset) error) error {
	for offset := 0; ; {
		page, err := st.Assets(ctx, store.AssetQuery{Limit: store.MaxPage, Offset: offset, NoCount: true})
		if err != nil {
			return err
		}
		for _, a := range page.Assets {
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(page.Assets) < store.MaxPage {
			return nil
		}
		offset += len(page.Assets)
	}
}

// assetSources lists the distinct attributions and licences of the assets.
func assetSources(ctx context.Context, st Reader) ([]formats.Source, error) {
	seen := map[formats.Source]bool{}
	var out []formats.Source
	err := eachAsset(ctx, st, func(a place.Asset) error {
		s := formats.Source{Title: a.Source, Attribution: a.Attribution, Licence: a.Licence}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b formats.Source) int {
		return strings.Compare(a.Title+a.Attribution+a.Licence, b.Title+b.Attribution+b.Licence)
	})
	return out, err
}

// Assets is every asset: points, or polygons for sites.
func Assets(ctx context.Context, st Reader) (formats.Layer, error) {
	sources, err := assetSources(ctx, st)
	if err != nil {
		return formats.Layer{}, err
	}
	return formats.Layer{Name: "assets", Title: "Assets", GeometryType: "Geometry", Columns: assetColumns, Sources: sources,
		Description: "Civic assets: libraries, community centres, halls, parks and more.",
		Rows: func(yield func(formats.Row) error) error {
			return eachAsset(ctx, st, func(a place.Asset) error {
				return yield(formats.Row{ID: a.ID, Geometry: a.Geometry, Values: assetValues(a)})
			})
		}}, nil
}

func setSource(ss place.SetSummary) formats.Source {
	return formats.Source{Title: ss.Title, Attribution: ss.Attribution, Licence: ss.Licence}
}

// Set is the areas of one boundary set.
func Set(ctx context.Context, st Reader, slug string) (formats.Layer, error) {
	ss, err := st.Set(ctx, slug)
	if err != nil {
		return formats.Layer{}, err
	}
	cols := []formats.Column{{Name: "code", Type: formats.Text}, {Name: "name", Type: formats.Text}, {Name: "set", Type: formats.Text},
		{Name: "properties", Type: formats.Text}, {Name: "licence", Type: formats.Text}, {Name: "attribution", Type: formats.Text}}
	return formats.Layer{Name: ss.Slug, Title: ss.Title, Description: ss.Description, GeometryType: "MultiPolygon", Columns: cols,
		Sources: []formats.Source{setSource(ss)},
		Rows: func(yield func(formats.Row) error) error {
			for offset := 0; ; {
				areas, err := st.Areas(ctx, slug, store.AreaQuery{Limit: store.MaxPage, Offset: offset})
				if err != nil {
					return err
				}
				for _, a := range areas {
					var props any
					if len(a.Properties) > 0 {
						b, _ := json.Marshal(a.Properties)
						props = string(b)
					}
					row := formats.Row{ID: a.Code, Geometry: a.Geometry,
						Values: []any{a.Code, a.Name, a.Set, props, orNil(ss.Licence), orNil(ss.Attribution)}}
					if err := yield(row); err != nil {
						return err
					}
				}
				if len(areas) < store.MaxPage {
					return nil
				}
				offset += len(areas)
			}
		}}, nil
}

// Memberships is the area of every set each asset lies in: a row per asset
// and set, at the asset's location.
func Memberships(ctx context.Context, st Reader) (formats.Layer, error) {
	sources, err := assetSources(ctx, st)
	if err != nil {
		return formats.Layer{}, err
	}
	sets, err := st.Sets(ctx)
	if err != nil {
		return formats.Layer{}, err
	}
	setCredit := map[string]string{}
	for _, ss := range sets {
		sources = append(sources, setSource(ss))
		setCredit[ss.Slug] = formats.Layer{Sources: []formats.Source{setSource(ss)}}.Credit()
	}
	cols := []formats.Column{{Name: "asset_id", Type: formats.Text}, {Name: "asset_name", Type: formats.Text},
		{Name: "category", Type: formats.Text}, {Name: "set", Type: formats.Text}, {Name: "code", Type: formats.Text},
		{Name: "area_name", Type: formats.Text}, {Name: "attribution", Type: formats.Text}}
	return formats.Layer{Name: "memberships", Title: "Memberships", GeometryType: "Point", Columns: cols, Sources: sources,
		Description: "The area of every boundary set each asset lies in.",
		Rows: func(yield func(formats.Row) error) error {
			return eachAsset(ctx, st, func(a place.Asset) error {
				ms, err := st.Memberships(ctx, a.ID)
				if err != nil {
					return err
				}
				pt := pgeo.PointOnSurface(a.Geometry)
				assetCredit := formats.Layer{Sources: []formats.Source{{Title: a.Source, Attribution: a.Attribution, Licence: a.Licence}}}.Credit()
				for _, m := range ms {
					credit := strings.Trim(assetCredit+"; "+setCredit[m.Set], "; ")
					row := formats.Row{ID: a.ID + "/" + m.Set, Geometry: pt, Values: []any{a.ID, a.Name, a.Category, m.Set, m.Code, m.Name, credit}}
					if err := yield(row); err != nil {
						return err
					}
				}
				return nil
			})
		}}, nil
}

// Crosswalk is the overlay of two sets: each overlapping pair's shared
// ground with its shares, from a crosswalk computed by reconcile.
func Crosswalk(w *reconcile.Weighted, a, b place.SetSummary) formats.Layer {
	cols := []formats.Column{{Name: "a_code", Type: formats.Text}, {Name: "a_name", Type: formats.Text},
		{Name: "b_code", Type: formats.Text}, {Name: "b_name", Type: formats.Text}, {Name: "inter_m2", Type: formats.Real},
		{Name: "share_a_in_b", Type: formats.Real}, {Name: "share_b_in_a", Type: formats.Real}, {Name: "iou", Type: formats.Real},
		{Name: "class", Type: formats.Text}, {Name: "attribution", Type: formats.Text}}
	credit := formats.Layer{Sources: []formats.Source{setSource(a), setSource(b)}}.Credit()
	return formats.Layer{Name: "crosswalk-" + a.Slug + "-" + b.Slug, Title: a.Title + " × " + b.Title, GeometryType: "MultiPolygon",
		Description: "Where the areas of " + a.Title + " and " + b.Title + " overlap, with the share of each in the other.",
		Columns:     cols, Sources: []formats.Source{setSource(a), setSource(b)},
		Rows: func(yield func(formats.Row) error) error {
			faces, err := w.FacesOf(context.Background(), w.Pairs)
			if err != nil {
				return err
			}
			for k, p := range w.Pairs {
				row := formats.Row{ID: w.A[p.A].Code + "/" + w.B[p.B].Code, Geometry: faces[k],
					Values: []any{w.A[p.A].Code, w.A[p.A].Name, w.B[p.B].Code, w.B[p.B].Name, p.InterM2, p.ShareAInB, p.ShareBInA, p.IoU, string(p.Class), credit}}
				if err := yield(row); err != nil {
					return err
				}
			}
			return nil
		}}
}
