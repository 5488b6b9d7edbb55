package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
)

func (s *Server) osmRoutes(r chi.Router) {
	r.Get("/export/osmchange", s.handle(s.exportOSM))
	r.Get("/export/josm", s.handle(s.exportOSM))
	s.exportRoutes(r)
	s.orukRoutes(r)
}

// exportOSM offers what OSM lacks, as osmChange or a JOSM file: the assets
// osm.Offerable lets go (no OSM counterpart in the last conflation over
// them, or offered on review; OSM-derived assets edited here), their tags
// written through the tag table. The blocked ones are counted in
// X-Placemap-Blocked, those left out undecided in X-Placemap-Left-Out;
// ?report=json answers with the report instead of the file: what the file
// holds, what is blocked and left out and why, and the keys not mapped.
func (s *Server) exportOSM(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "report"); err != nil {
		return err
	}
	report := q.Has("report")
	if report && q.Get("report") != "json" {
		return place.Errorf(place.EINVALID, "report: want report=json, or no report for the file")
	}
	c, err := importer.Contribution(r.Context(), s.review(), nil)
	if err != nil {
		return err
	}
	format := "osmchange"
	write, ctype, file := osm.WriteOsmChange, "application/xml", "placemap.osc"
	if strings.HasSuffix(r.URL.Path, "/josm") {
		format, write, file = "josm", osm.WriteJOSM, "placemap.osm"
	}
	w.Header().Set("X-Placemap-Blocked", strconv.Itoa(len(c.Blocked)))
	w.Header().Set("X-Placemap-Left-Out", strconv.Itoa(len(c.LeftOut)))
	if report {
		writeJSON(w, http.StatusOK, osm.NewReport(c, format, file))
		return nil
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.WriteHeader(http.StatusOK)
	_ = write(w, c)
	return nil
}
