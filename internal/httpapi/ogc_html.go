package httpapi

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"

	"github.com/paulmach/orb/geojson"
)

// The OGC API's HTML pages: plain, readable, every value escaped by
// html/template.
var ogcPages = template.Must(template.New("ogc").Funcs(template.FuncMap{
	"columns": ogcColumns,
	"cell":    ogcCell,
	"esc":     url.PathEscape,
	"fid":     func(f *geojson.Feature) string { return fmt.Sprint(f.ID) },
	"list":    func(f *geojson.Feature) []*geojson.Feature { return []*geojson.Feature{f} },
}).Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1d2939}
a{color:#0b5cad}a:focus{outline:3px solid #f79009;outline-offset:2px}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #d0d5dd;padding:.3rem .4rem;text-align:left;vertical-align:top}
nav ol{list-style:none;padding:0;display:flex;gap:.5rem;flex-wrap:wrap}nav li+li:before{content:"/ ";color:#667085}
.links li{margin:.2rem 0}code{background:#f2f4f7;padding:0 .2rem}
</style></head><body>{{end}}
{{define "nav"}}<nav aria-label="Breadcrumb"><ol><li><a href="{{.}}">OGC API</a></li><li><a href="{{.}}/collections?f=html">Collections</a></li><li><a href="{{.}}/conformance?f=html">Conformance</a></li><li><a href="{{.}}/api?f=html">API</a></li></ol></nav>{{end}}
{{define "links"}}<h2>Links</h2><ul class="links">{{range .}}<li><a href="{{.Href}}" rel="{{.Rel}}">{{if .Title}}{{.Title}}{{else}}{{.Href}}{{end}}</a> <code>{{.Rel}}</code>{{if .Type}} <code>{{.Type}}</code>{{end}}</li>{{end}}</ul>{{end}}

{{define "landing"}}{{template "head" .page.title}}{{template "nav" .base}}<main>
<h1>{{.page.title}}</h1><p>{{.page.description}}</p>{{template "links" .page.links}}</main></body></html>{{end}}

{{define "conformance"}}{{template "head" "Conformance"}}{{template "nav" .base}}<main>
<h1>Conformance classes</h1><ul>{{range .page.conformsTo}}<li><a href="{{.}}">{{.}}</a></li>{{end}}</ul></main></body></html>{{end}}

{{define "collections"}}{{template "head" "Collections"}}{{template "nav" .base}}<main>
<h1>Collections</h1><table><caption>Every collection, with its number of features</caption>
<thead><tr><th scope="col">Collection</th><th scope="col">Description</th><th scope="col">Features</th></tr></thead><tbody>
{{range .page.collections}}<tr><td><a href="{{$.base}}/collections/{{esc .id}}?f=html">{{.title}}</a> <code>{{.id}}</code></td><td>{{.description}}</td><td>{{.numberOfFeatures}}</td></tr>{{end}}
</tbody></table></main></body></html>{{end}}

{{define "collection"}}{{template "head" .page.title}}{{template "nav" .base}}<main>
<h1>{{.page.title}}</h1><p>{{.page.description}}</p><p>{{.page.numberOfFeatures}} features.{{if .page.attribution}} Source: {{.page.attribution}}.{{end}}</p>
<p><a href="{{.base}}/collections/{{esc .page.id}}/items?f=html">Browse the features</a></p>{{template "links" .page.links}}</main></body></html>{{end}}

{{define "items"}}{{template "head" .page.title}}{{template "nav" .base}}<main>
<h1>{{.page.title}}</h1><p>Features {{.from}}–{{.to}} of {{.page.page.numberMatched}}.</p>
{{$cols := columns .page.features}}<table><caption>Features of {{.page.title}}</caption><thead><tr><th scope="col">id</th>{{range $cols}}<th scope="col">{{.}}</th>{{end}}</tr></thead><tbody>
{{range .page.features}}{{$f := .}}<tr><td><a href="{{$.base}}/collections/{{esc $.page.id}}/items/{{esc (fid $f)}}?f=html">{{fid $f}}</a></td>{{range $cols}}<td>{{cell $f .}}</td>{{end}}</tr>{{end}}
</tbody></table>{{template "links" .page.page.links}}</main></body></html>{{end}}

{{define "item"}}{{template "head" .page.title}}{{template "nav" .base}}<main>
<h1>{{.page.title}}</h1>{{if .page.replaced}}<p class="replaced" role="note"><strong>Replaced.</strong> {{.page.replaced}}</p>{{end}}<table><caption>Properties</caption><tbody>
{{$f := .page.feature}}{{range columns (list $f)}}<tr><th scope="row">{{.}}</th><td>{{cell $f .}}</td></tr>{{end}}
<tr><th scope="row">geometry</th><td>{{$f.Geometry.GeoJSONType}}</td></tr></tbody></table>{{template "links" .page.links}}</main></body></html>{{end}}
`))

// ogcColumns lists the property keys of features, sorted, "name" first.
func ogcColumns(fs []*geojson.Feature) []string {
	seen := map[string]bool{}
	for _, f := range fs {
		for k := range f.Properties {
			seen[k] = true
		}
	}
	var out []string
	for k := range seen {
		if k != "name" && k != "id" { // the id has its own column
			out = append(out, k)
		}
	}
	sort.Strings(out)
	if seen["name"] {
		out = append([]string{"name"}, out...)
	}
	return out
}

func ogcCell(f *geojson.Feature, key string) string {
	v, ok := f.Properties[key]
	if !ok || v == nil {
		return ""
	}
	switch t := v.(type) {
	case string:
		return t
	case fmt.Stringer:
		return t.String()
	case map[string]any, []any, map[string]string:
		b, _ := json.Marshal(t)
		return string(b)
	}
	return fmt.Sprint(v)
}

// ogcHTML renders one of the OGC pages.
func (s *Server) ogcHTML(w http.ResponseWriter, r *http.Request, name string, page map[string]any) {
	data := map[string]any{"base": s.ogcBase(r), "page": page}
	if name == "items" {
		feats, _ := page["features"].([]*geojson.Feature)
		off, _ := page["offset"].(int)
		data["from"], data["to"] = off+1, off+len(feats)
		if len(feats) == 0 {
			data["from"] = 0
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if err := ogcPages.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("ogc page", "page", name, "err", err)
	}
}
