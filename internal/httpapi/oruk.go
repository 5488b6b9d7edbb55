package httpapi

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/oruk"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// orukRoutes serve the assets as Open Referral UK services, in the shapes
// of the ORUK API's GET /services and GET /services/{id}.
func (s *Server) orukRoutes(r chi.Router) {
	r.Get("/oruk/services", s.handle(s.orukServices))
	r.Get("/oruk/services/{id}", s.handle(s.orukService))
}

func (s *Server) orukServices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "page", "per_page"); err != nil {
		return err
	}
	number, size := 1, 50
	for _, p := range []struct {
		name string
		v    *int
		max  int
	}{{"page", &number, 1 << 30}, {"per_page", &size, 1000}} {
		if t := q.Get(p.name); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 1 || n > p.max {
				return place.Errorf(place.EINVALID, "%s %q: want a whole number from 1 to %d", p.name, place.Excerpt(t), p.max)
			}
			*p.v = n
		}
	}
	page, err := s.assets.Assets(r.Context(), store.AssetQuery{Limit: size, Offset: (number - 1) * size})
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

func (s *Server) orukService(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	a, err := s.assets.Asset(r.Context(), id)
	if place.ErrorCode(err) == place.ENOTFOUND {
		// A service id made from a non-UUID asset id: look it up.
		all, aerr := store.AllAssets(r.Context(), s.assets)
		if aerr != nil {
			return aerr
		}
		for _, c := range all {
			if oruk.FromAsset(c).ID == id {
				a, err = c, nil
				break
			}
		}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, oruk.FromAsset(a))
	return nil
}
