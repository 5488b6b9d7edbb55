package httpapi

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/export"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
)

// exportRoutes: downloads of assets, memberships, a boundary set or a
// crosswalk as GeoJSON, CSV, GeoPackage or KML, each carrying every
// source's attribution and licence. The file name says the format:
// /api/export/assets.gpkg, /api/export/sets/wards-2019.kml,
// /api/export/crosswalks/lsoa-2011/wards-2019.csv.
func (s *Server) exportRoutes(r chi.Router) {
	r.Get("/export/{file}", s.handle(s.exportFile))
	r.Get("/export/sets/{file}", s.handle(s.exportFile))
	r.Get("/export/crosswalks/{a}/{file}", s.handle(s.exportFile))
}

// splitFile reads "name.ext" into the name and the format.
func splitFile(file string) (string, export.Format, error) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return "", "", place.Errorf(place.ENOTFOUND, "%q: name the format by extension: .geojson, .csv, .gpkg or .kml", file)
	}
	f, err := export.ParseFormat(file[i+1:])
	if err != nil {
		return "", "", place.Errorf(place.ENOTFOUND, "%q: %s", file, place.ErrorMessage(err))
	}
	return file[:i], f, nil
}

func (s *Server) exportFile(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "csv_geometry", "weight"); err != nil {
		return err
	}
	name, f, err := splitFile(chi.URLParam(r, "file"))
	if err != nil {
		return err
	}
	csvGeom := formats.CSVGeometry(q.Get("csv_geometry"))
	switch csvGeom {
	case "", formats.CSVWKT, formats.CSVLonLat:
	default:
		return place.Errorf(place.EINVALID, "csv_geometry %q: want wkt or lonlat", place.Excerpt(string(csvGeom)))
	}
	ctx := r.Context()
	var l formats.Layer
	path := r.URL.Path
	heavy := f == export.GeoPackage
	switch {
	case strings.Contains(path, "/export/crosswalks/"):
		heavy = true
	case strings.Contains(path, "/export/sets/"):
	case name == "assets" || name == "memberships":
	default:
		return place.Errorf(place.ENOTFOUND, "no export %q: assets, memberships, sets/SLUG or crosswalks/A/B", name)
	}
	if heavy {
		release, err := s.expensive(r)
		if err != nil {
			return err
		}
		defer release()
	}
	switch {
	case strings.Contains(path, "/export/crosswalks/"):
		a, err := s.areas.Set(ctx, chi.URLParam(r, "a"))
		if err != nil {
			return err
		}
		b, err := s.areas.Set(ctx, name)
		if err != nil {
			return err
		}
		cw, err := s.reconcile.WeightedCrosswalk(ctx, a.Slug, b.Slug, reconcile.Weight(q.Get("weight")))
		if err != nil {
			return err
		}
		l = export.Crosswalk(cw, a, b)
	case strings.Contains(path, "/export/sets/"):
		l, err = export.Set(ctx, s.catalog(), name)
	case name == "assets":
		l, err = export.Assets(ctx, s.catalog())
	default:
		l, err = export.Memberships(ctx, s.catalog())
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+l.Name+"."+string(f)+`"`)
	if credit := l.Credit(); credit != "" {
		w.Header().Set("X-Placemap-Attribution", strings.ToValidUTF8(headerSafe(credit), ""))
	}
	w.WriteHeader(http.StatusOK)
	if err := export.Write(ctx, w, f, l, csvGeom); err != nil {
		// The status is sent: the truncated body is all that can tell.
		s.log.Error("export", "path", path, "err", err)
	}
	return nil
}

// headerSafe keeps a header value to printable ASCII, and short.
func headerSafe(s string) string {
	b := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '©':
			b = append(b, '(', 'c', ')')
		case r >= 0x20 && r < 0x7f:
			b = append(b, r)
		}
	}
	if len(b) > 1000 {
		b = append(b[:997], '.', '.', '.')
	}
	return string(b)
}
