package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"encoding/json"

	"github.com/placemap/placemap/internal/export"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/oruk"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// cmdExport writes data out for other tools: assets, memberships, a
// boundary set or a crosswalk as GeoJSON, CSV, GeoPackage or KML, or what
// OSM lacks as osmChange or JOSM files.
//
//	placemap export assets --format gpkg --out assets.gpkg
//	placemap export set wards-2019 --format kml --out wards.kml
//	placemap export crosswalk lsoa-2011 wards-2019 --format csv --out cw.csv
func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && (args[0] == "osmchange" || args[0] == "josm") {
		return cmdExportOSM(ctx, args, stdout)
	}
	if len(args) > 0 && args[0] == "oruk" {
		return cmdExportORUK(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "site" {
		return cmdExportSite(ctx, args[1:], stdout)
	}
	if len(args) == 0 {
		return usageError{exportWant}
	}
	what := args[0]
	fs := flag.NewFlagSet("export "+what, flag.ContinueOnError)
	sc := storeFlags(fs)
	format := fs.String("format", "", "geojson, csv, gpkg or kml (default: from --out's extension)")
	out := fs.String("out", "", "file to write (required)")
	csvGeom := fs.String("csv-geometry", "wkt", "CSV geometry: wkt (a wkt column) or lonlat (lon and lat columns; a point on an area's surface)")
	weight := fs.String("weight", "area", "crosswalk: area, or population")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out FILE is required"}
	}
	if *format == "" {
		*format = filepath.Ext(*out)
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := exportLayer(ctx, st, what, pos, reconcile.Weight(*weight))
	if err != nil {
		return err
	}
	n, err := writeLayer(ctx, what, *out, f, l, formats.CSVGeometry(*csvGeom))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d features of %s as %s\n", *out, n, l.Title, f)
	if credit := l.Credit(); credit != "" {
		fmt.Fprintf(stdout, "credit: %s\n", credit)
	}
	return nil
}

// exportWant is the usage of "export" for data held (not OSM's or ORUK's).
const exportWant = "want: export assets|memberships|set SLUG|crosswalk A B --format geojson|csv|gpkg|kml --out FILE (or export osmchange|josm|oruk|site)"

// exportLayer is the layer "export WHAT POS..." asks for; weight is the
// crosswalk's.
func exportLayer(ctx context.Context, st *store.DB, what string, pos []string, weight reconcile.Weight) (formats.Layer, error) {
	switch {
	case what == "assets" && len(pos) == 0:
		return export.Assets(ctx, st)
	case what == "memberships" && len(pos) == 0:
		return export.Memberships(ctx, st)
	case what == "set" && len(pos) == 1:
		return export.Set(ctx, st, pos[0])
	case what == "crosswalk" && len(pos) == 2:
		a, err := st.Set(ctx, pos[0])
		if err != nil {
			return formats.Layer{}, err
		}
		b, err := st.Set(ctx, pos[1])
		if err != nil {
			return formats.Layer{}, err
		}
		cw, err := reconcile.NewService(st, 2).WeightedCrosswalk(ctx, a.Slug, b.Slug, weight)
		if err != nil {
			return formats.Layer{}, err
		}
		return export.Crosswalk(cw, a, b), nil
	default:
		return formats.Layer{}, usageError{exportWant}
	}
}

// writeLayer writes l, the layer of "export WHAT", to out as f and says how
// many features it wrote. The file is written beside out and renamed, so a
// failure leaves no half file.
func writeLayer(ctx context.Context, what, out string, f export.Format, l formats.Layer, csvGeom formats.CSVGeometry) (int, error) {
	tmp := out + ".partial"
	file, err := os.Create(tmp)
	if err != nil {
		return 0, err
	}
	n := 0
	counted := l
	counted.Rows = func(yield func(formats.Row) error) error {
		return l.Rows(func(r formats.Row) error { n++; return yield(r) })
	}
	if err := export.Write(ctx, file, f, counted, csvGeom); err != nil {
		file.Close()
		os.Remove(tmp)
		return 0, fmt.Errorf("export %s: %w", what, err)
	}
	if err := file.Close(); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return n, os.Rename(tmp, out)
}

// cmdExportORUK writes every asset as an Open Referral UK service, in one
// page of the ORUK API's GET /services shape: placemap export oruk --out
// services.json.
func cmdExportORUK(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export oruk", flag.ContinueOnError)
	sc := storeFlags(fs)
	out := fs.String("out", "", "file to write (required)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out FILE.json is required"}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	assets, err := store.AllAssets(ctx, st)
	if err != nil {
		return err
	}
	services := make([]oruk.Service, len(assets))
	for i, a := range assets {
		services[i] = oruk.FromAsset(a)
	}
	page := oruk.NewPage(services, 1, max(1, len(services)), len(services))
	b, err := json.MarshalIndent(page, "", " ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d Open Referral UK services\n", *out, len(services))
	return nil
}

// writeFileAtomic writes b beside path and renames it into place.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".partial"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
