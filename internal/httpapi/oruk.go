package httpapi

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/oruk"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// orukRoutes serve the assets as Open Referral UK, in the shapes of the
// profile's OpenAPI: GET / (what the API is), the services, placemap's
// categories as a taxonomy and its terms, and each asset's service at its
// location. Open to pages of any origin, as the UK profile's compliance
// rules ask (Access-Control-Allow-Origin: *): it is public, read-only and
// sent without credentials.
func (s *Server) orukRoutes(r chi.Router) {
	r = r.With(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			next.ServeHTTP(w, r)
		})
	})
	r.Get("/oruk", s.handle(s.orukRoot))
	r.Get("/oruk/", s.handle(s.orukRoot))
	r.Get("/oruk/openapi.json", s.handle(s.orukOpenAPI))
	r.Get("/oruk/services", s.handle(s.orukServices))
	r.Get("/oruk/services/{id}", s.handle(s.orukService))
	r.Get("/oruk/taxonomies", s.handle(s.orukTaxonomies))
	r.Get("/oruk/taxonomies/{id}", s.handle(s.orukTaxonomy))
	r.Get("/oruk/taxonomy_terms", s.handle(s.orukTerms))
	r.Get("/oruk/taxonomy_terms/{id}", s.handle(s.orukTerm))
	r.Get("/oruk/service_at_locations", s.handle(s.orukLocatedServices))
	r.Get("/oruk/service_at_locations/{id}", s.handle(s.orukLocatedService))
}

func (s *Server) orukBase(r *http.Request) string { return s.baseURL(r) + "/api/oruk" }

func (s *Server) orukRoot(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, oruk.NewRoot(s.orukBase(r)))
	return nil
}

func (s *Server) orukOpenAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := oruk.OpenAPI(s.orukBase(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}

// orukPaging reads page and per_page, refusing any parameter but those and
// the others named.
func orukPaging(r *http.Request, others ...string) (number, size int, err error) {
	q := r.URL.Query()
	if err := allowParams(q, append([]string{"page", "per_page"}, others...)...); err != nil {
		return 0, 0, err
	}
	number, size = 1, 50
	for _, p := range []struct {
		name string
		v    *int
		max  int
	}{{"page", &number, 1 << 30}, {"per_page", &size, 1000}} {
		if t := q.Get(p.name); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 1 || n > p.max {
				return 0, 0, place.Errorf(place.EINVALID, "%s %q: want a whole number from 1 to %d", p.name, place.Excerpt(t), p.max)
			}
			*p.v = n
		}
	}
	return number, size, nil
}

// orukAssetQuery reads the filters of the service lists: search (in the
// name), taxonomy_term_id (one of placemap's categories) and taxonomy_id
// (placemap's one taxonomy).
func orukAssetQuery(r *http.Request) (number, size int, aq store.AssetQuery, err error) {
	number, size, err = orukPaging(r, "search", "taxonomy_term_id", "taxonomy_id")
	if err != nil {
		return 0, 0, aq, err
	}
	q := r.URL.Query()
	aq = store.AssetQuery{Q: q.Get("search"), Limit: size, Offset: (number - 1) * size}
	if t := q.Get("taxonomy_term_id"); t != "" {
		cat, ok := oruk.CategoryOfTerm(t)
		if !ok {
			return 0, 0, aq, place.Errorf(place.EINVALID, "taxonomy_term_id %q: no such taxonomy term (see /api/oruk/taxonomy_terms)", place.Excerpt(t))
		}
		aq.Category = cat
	}
	if t := q.Get("taxonomy_id"); t != "" && t != oruk.TaxonomyID {
		return 0, 0, aq, place.Errorf(place.EINVALID, "taxonomy_id %q: no such taxonomy (see /api/oruk/taxonomies)", place.Excerpt(t))
	}
	return number, size, aq, nil
}

// orukAssets is the page of assets an ORUK list asks for, with the page's
// number and size.
func (s *Server) orukAssets(r *http.Request) (page store.AssetPage, number, size int, err error) {
	number, size, aq, err := orukAssetQuery(r)
	if err != nil {
		return page, 0, 0, err
	}
	page, err = s.assets.Assets(r.Context(), aq)
	return page, number, size, err
}

func (s *Server) orukServices(w http.ResponseWriter, r *http.Request) error {
	page, number, size, err := s.orukAssets(r)
	if err != nil {
		return err
	}
	services := make([]oruk.Service, len(page.Assets))
	for i, a := range page.Assets {
		services[i] = oruk.FromAsset(a)
	}
	writeJSON(w, http.StatusOK, oruk.NewPage(services, number, size, page.Matched))
	return nil
}

// orukFind finds the asset whose ORUK id of a kind (oid: its service's,
// its service at location's) is id.
func (s *Server) orukFind(r *http.Request, id string, oid func(place.Asset) string) (place.Asset, error) {
	all, err := store.AllAssets(r.Context(), s.assets)
	if err != nil {
		return place.Asset{}, err
	}
	for _, c := range all {
		if oid(c) == id {
			return c, nil
		}
	}
	return place.Asset{}, place.Errorf(place.ENOTFOUND, "no such id %q", place.Excerpt(id))
}

func (s *Server) orukService(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	a, err := s.assets.Asset(r.Context(), id)
	if place.ErrorCode(err) == place.ENOTFOUND {
		// A service id made from a non-UUID asset id: look it up.
		a, err = s.orukFind(r, id, func(a place.Asset) string { return oruk.FromAsset(a).ID })
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, oruk.FromAsset(a))
	return nil
}

func (s *Server) orukLocatedServices(w http.ResponseWriter, r *http.Request) error {
	page, number, size, err := s.orukAssets(r)
	if err != nil {
		return err
	}
	located := make([]oruk.LocatedService, len(page.Assets))
	for i, a := range page.Assets {
		located[i] = oruk.Located(a)
	}
	writeJSON(w, http.StatusOK, oruk.List[oruk.LocatedService]{PageInfo: oruk.NewPageInfo(number, size, len(located), page.Matched), Contents: located})
	return nil
}

func (s *Server) orukLocatedService(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	// Service at location ids are never asset ids: look through them all.
	a, err := s.orukFind(r, id, func(a place.Asset) string { return oruk.Located(a).ID })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, oruk.Located(a))
	return nil
}

func (s *Server) orukTaxonomies(w http.ResponseWriter, r *http.Request) error {
	number, size, err := orukPaging(r)
	if err != nil {
		return err
	}
	t := oruk.Categories()
	t.TaxonomyTerms = nil
	writeJSON(w, http.StatusOK, oruk.NewList([]oruk.Taxonomy{t}, number, size))
	return nil
}

func (s *Server) orukTaxonomy(w http.ResponseWriter, r *http.Request) error {
	if id := chi.URLParam(r, "id"); id != oruk.TaxonomyID {
		return place.Errorf(place.ENOTFOUND, "no taxonomy %q", place.Excerpt(id))
	}
	writeJSON(w, http.StatusOK, oruk.Categories())
	return nil
}

func (s *Server) orukTerms(w http.ResponseWriter, r *http.Request) error {
	number, size, err := orukPaging(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, oruk.NewList(oruk.Terms(), number, size))
	return nil
}

func (s *Server) orukTerm(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	for _, t := range oruk.Terms() {
		if t.ID == id {
			writeJSON(w, http.StatusOK, t)
			return nil
		}
	}
	return place.Errorf(place.ENOTFOUND, "no taxonomy term %q", place.Excerpt(id))
}
