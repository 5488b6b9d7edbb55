package atlas

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"html/template"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/pmtiles"
)

//go:embed about.html.tmpl
var templates embed.FS

var aboutPage = template.Must(template.ParseFS(templates, "about.html.tmpl"))

// legendEntry is one line of the map's legend.
type legendEntry struct {
	Layer  string `json:"layer"`
	Title  string `json:"title"`
	Colour string `json:"colour"`
}

func legend(layers []layer) []legendEntry {
	var out []legendEntry
	for _, l := range layers {
		if l.set != nil {
			out = append(out, legendEntry{l.name, l.set.Title, l.colour})
		}
	}
	return append(out, legendEntry{"assets", "Assets", "#333333"})
}

// pages writes style.json and about.html: the attributions and licences of
// every set and of the assets' sources, the software's, and the downloads.
func (s *site) pages(ctx context.Context, st Source, layers []layer, pm *pmtiles.Writer) error {
	b, err := json.MarshalIndent(style(layers, [2]float64{pm.Center[0], pm.Center[1]}, pm.CenterZoom), "", " ")
	if err != nil {
		return err
	}
	if err := s.write("style.json", append(b, '\n')); err != nil {
		return err
	}
	stats, err := st.AssetStats(ctx)
	if err != nil {
		return err
	}
	var sets []place.SetSummary
	for _, l := range layers {
		if l.set != nil {
			sets = append(sets, *l.set)
		}
	}
	var buf bytes.Buffer
	err = aboutPage.Execute(&buf, map[string]any{
		"Sets": sets, "Assets": stats, "Downloads": downloadsOf(layers),
	})
	if err != nil {
		return err
	}
	return s.write("about.html", buf.Bytes())
}
