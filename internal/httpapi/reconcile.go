package httpapi

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/rfc7946"
	"github.com/placemap/placemap/internal/store"
)

func (s *Server) reconcileRoutes(r chi.Router) {
	r.Get("/crosswalks/{a}/{b}", s.handle(s.getCrosswalk))
	r.Get("/sets/{slug}/indicators", s.handle(s.listIndicators))
	r.Get("/sets/{slug}/indicators/{name}", s.handle(s.getIndicator))
	r.Get("/sets/{slug}/areas/{code}/profile", s.handle(s.getAreaProfile))
	r.Get("/places", s.handle(s.listPlaces))
	r.Get("/places/{slug}", s.handle(s.getPlace))
	r.Get("/places/{slug}/agreement", s.handle(s.getAgreement))
	r.Get("/places/{slug}/suggestions", s.handle(s.getSuggestions))
}

func (s *Server) getCrosswalk(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "format", "weight"); err != nil {
		return err
	}
	a, b := chi.URLParam(r, "a"), chi.URLParam(r, "b")
	format := q.Get("format")
	switch format {
	case "", "json", "csv", "lookup", "geojson":
	default:
		return place.Errorf(place.EINVALID, "format %q: want json, csv, lookup or geojson", place.Excerpt(format))
	}
	sa, err := s.areas.Set(r.Context(), a)
	if err != nil {
		return err
	}
	sb, err := s.areas.Set(r.Context(), b)
	if err != nil {
		return err
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	cw, err := s.reconcile.WeightedCrosswalk(r.Context(), a, b, reconcile.Weight(q.Get("weight")))
	if err != nil {
		return err
	}
	pops, err := s.reconcile.PopulationSets(r.Context())
	if err != nil {
		return err
	}
	rep := reconcile.NewReport(cw, sa.BoundarySet, sb.BoundarySet, pops)
	name := "crosswalk-" + a + "-" + b
	switch format {
	case "csv":
		csvHeaders(w, name+".csv")
		_ = rep.WriteCSV(w)
	case "lookup":
		csvHeaders(w, "lookup-"+a+"-"+b+".csv")
		_ = rep.WriteLookup(w, sa.BoundarySet, sb.BoundarySet)
	case "geojson":
		fc, err := reconcile.Faces(r.Context(), cw)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.geojson"`)
		writeJSONType(w, http.StatusOK, "application/geo+json", fc)
	default:
		writeJSON(w, http.StatusOK, rep)
	}
	return nil
}

func csvHeaders(w http.ResponseWriter, file string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+url.PathEscape(file)+`"`)
	w.WriteHeader(http.StatusOK)
}

func (s *Server) listIndicators(w http.ResponseWriter, r *http.Request) error {
	inds, err := s.reconcile.Indicators(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"indicators": inds})
	return nil
}

// getIndicator answers an indicator's figures on a set: JSON, or with a
// name ending .csv (or format=csv) a CSV download of every area of the set
// with its figure, the same as the Figures view's table.
func (s *Server) getIndicator(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "from", "weight", "per", "format"); err != nil {
		return err
	}
	set, name := chi.URLParam(r, "slug"), chi.URLParam(r, "name")
	format := q.Get("format")
	if base, ok := strings.CutSuffix(name, ".csv"); ok {
		if format != "" && format != "csv" {
			return place.Errorf(place.EINVALID, "format %q: the .csv address is always CSV", place.Excerpt(format))
		}
		name, format = base, "csv"
	}
	switch format {
	case "", "json", "csv":
	default:
		return place.Errorf(place.EINVALID, "format %q: want json or csv", place.Excerpt(format))
	}
	fq := reconcile.FigureQuery{Set: set, Name: name, From: q.Get("from"), Weight: reconcile.Weight(q.Get("weight"))}
	if p := q.Get("per"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n != reconcile.PerResidents {
			return place.Errorf(place.EINVALID, "per %q: want %d (per 10,000 residents)", place.Excerpt(p), reconcile.PerResidents)
		}
		fq.Per = n
	}
	moved := fq.From != "" && fq.From != set
	if moved || fq.Per != 0 {
		if _, err := s.areas.Set(r.Context(), set); err != nil {
			return err
		}
		release, err := s.expensive(r)
		if err != nil {
			return err
		}
		defer release()
	}
	f, err := s.reconcile.Figures(r.Context(), fq)
	if err != nil {
		return err
	}
	names, err := s.areas.AreaNames(r.Context(), set)
	if err != nil {
		return err
	}
	if format == "csv" {
		rows := make([]reconcile.FigureRow, 0, len(names))
		for code, name := range names {
			rows = append(rows, reconcile.FigureRow{Code: code, Name: name})
		}
		reconcile.SortRowsByCode(rows)
		file := set + "-" + f.Name
		if f.Per != 0 {
			file += "-per-" + strconv.Itoa(f.Per)
		}
		csvHeaders(w, file+".csv")
		_ = reconcile.WriteFiguresCSV(w, set, rows, f)
		return nil
	}
	out := map[string]any{"set": set, "indicator": f.Name, "title": f.Title, "kind": f.Kind,
		"from": f.From, "method": f.Method, "source": f.Source, "licence": f.Licence, "values": f.Values, "names": names}
	if f.Per != 0 {
		out["per"], out["per_method"], out["population"] = f.Per, f.PerMethod(), f.Population
	}
	if f.Assets != nil {
		out["assets"] = f.Assets
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listPlaces(w http.ResponseWriter, r *http.Request) error {
	places, err := s.places.Places(r.Context())
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(places))
	for i, p := range places {
		out[i] = map[string]any{"slug": p.Slug, "name": p.Name, "alt_names": nonNil(p.AltNames), "definitions": len(p.Links)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"places": out})
	return nil
}

func (s *Server) getPlace(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.places.Place(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	var areas []place.Area
	defs := make([]map[string]any, len(p.Links))
	for i, l := range p.Links {
		set, err := s.areas.Set(ctx, l.Set)
		if err != nil {
			return err
		}
		a, err := s.areas.Area(ctx, l.Set, l.Code)
		if err != nil {
			return err
		}
		areas = append(areas, a)
		page, err := s.assets.Assets(ctx, store.AssetQuery{InSet: l.Set, InCode: l.Code, Limit: maxAssetPage})
		if err != nil {
			return err
		}
		assets := make([]map[string]any, len(page.Assets))
		for k, as := range page.Assets {
			assets[k] = map[string]any{"id": as.ID, "name": as.Name, "category": as.Category, "status": as.Status}
		}
		inds, err := s.reconcile.Indicators(ctx, l.Set)
		if err != nil {
			return err
		}
		values := map[string]float64{}
		for _, ind := range inds {
			_, v, err := s.reconcile.Values(ctx, l.Set, ind.Name)
			if err != nil {
				return err
			}
			if x, ok := v[l.Code]; ok {
				values[ind.Name] = x
			}
		}
		defs[i] = map[string]any{"set": l.Set, "set_title": set.Title, "code": l.Code, "name": a.Name, "confirmed": l.Confirmed,
			"note": l.Note, "review": l.Review, "assets": assets, "indicators": values}
	}
	ious, err := reconcile.IoUs(areas)
	if err != nil {
		return err
	}
	for i := range defs {
		if len(areas) > 1 {
			defs[i]["iou"] = ious[i]
		} else {
			defs[i]["iou"] = nil
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"slug": p.Slug, "name": p.Name, "alt_names": nonNil(p.AltNames), "definitions": defs})
	return nil
}

func (s *Server) getSuggestions(w http.ResponseWriter, r *http.Request) error {
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	sug, err := s.reconcile.Suggest(r.Context(), chi.URLParam(r, "slug"), 3)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"suggestions": sug,
		"method": "areas of sets the place has no definition in, by IoU with its first definition, three per set"})
	return nil
}

// writeThreshold answers the ground that at least share of n overlaid
// outlines (what names them) cover, as one GeoJSON Feature.
func writeThreshold(w http.ResponseWriter, faces []reconcile.Face, n int, share float64, what string) error {
	mp, area, err := reconcile.Threshold(faces, max(n, 1), share)
	if err != nil {
		return err
	}
	ft := geojson.NewFeature(rfc7946.Orient(mp))
	ft.Properties = geojson.Properties{"threshold": share, "of": n, "area_m2": area,
		"meaning": "ground that at least this share of " + what + " cover"}
	writeJSONType(w, http.StatusOK, "application/geo+json", ft)
	return nil
}

func (s *Server) getAgreement(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "threshold"); err != nil {
		return err
	}
	threshold, err := parseThreshold(q)
	if err != nil {
		return err
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	pa, err := s.reconcile.Agreement(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	n := len(pa.Definitions)
	if threshold > 0 {
		return writeThreshold(w, pa.Faces, n, threshold, "the place's definitions")
	}
	fc := geojson.NewFeatureCollection()
	byClass := map[string]float64{"core": 0, "contested": 0, "fringe": 0}
	assetsBy := map[string][]map[string]any{"core": {}, "contested": {}, "fringe": {}}
	for i, face := range pa.Faces {
		class := reconcile.FaceClass(len(face.Members), n)
		members := make([]string, len(face.Members))
		for k, m := range face.Members {
			members[k] = pa.Definitions[m].Set + ":" + pa.Definitions[m].Code
		}
		assets := []map[string]any{}
		for _, a := range pa.Assets[i] {
			ref := map[string]any{"id": a.ID, "name": a.Name}
			assets = append(assets, ref)
			assetsBy[class] = append(assetsBy[class], ref)
		}
		ft := geojson.NewFeature(rfc7946.Orient(face.MP))
		ft.Properties = geojson.Properties{"count": len(face.Members), "of": n, "share": float64(len(face.Members)) / float64(n),
			"class": class, "area_m2": face.AreaM2, "definitions": members, "assets": assets}
		fc.Append(ft)
		byClass[class] += face.AreaM2
	}
	for _, list := range assetsBy {
		sort.Slice(list, func(i, j int) bool { return list[i]["name"].(string) < list[j]["name"].(string) })
	}
	fc.ExtraMembers = geojson.Properties{"summary": map[string]any{"definitions": n, "core_m2": byClass["core"],
		"contested_m2": byClass["contested"], "fringe_m2": byClass["fringe"], "assets": assetsBy,
		"min_face_m2": reconcile.MinFaceM2}}
	writeJSONType(w, http.StatusOK, "application/geo+json", fc)
	return nil
}
