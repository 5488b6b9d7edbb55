package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/osm"
)

func (s *Server) osmRoutes(r chi.Router) {
	r.Get("/export/osmchange", s.exportOSM)
	r.Get("/export/josm", s.exportOSM)
	s.exportRoutes(r)
	s.orukRoutes(r)
}

// exportOSM offers what OSM lacks, as osmChange or a JOSM file: assets not
// from OSM whose licence allows it, and OSM-derived assets edited here.
// The blocked ones, and why, are listed in X-Placemap-Blocked.
func (s *Server) exportOSM(w http.ResponseWriter, r *http.Request) {
	if err := allowParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := importer.Contribution(r.Context(), s.store, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	write, ctype, file := osm.WriteOsmChange, "application/xml", "placemap.osc"
	if strings.HasSuffix(r.URL.Path, "/josm") {
		write, file = osm.WriteJOSM, "placemap.osm"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("X-Placemap-Blocked", strconv.Itoa(len(c.Blocked)))
	w.WriteHeader(http.StatusOK)
	_ = write(w, c)
}
