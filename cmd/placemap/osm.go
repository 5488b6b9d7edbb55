package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// importOSM imports civic assets, or with --boundaries a boundary set,
// from an OpenStreetMap file.
func importOSM(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import osm", flag.ContinueOnError)
	sc := storeFlags(fs)
	bboxFlag := fs.String("bbox", "", "only objects whose centre lies in minlon,minlat,maxlon,maxlat")
	cats := fs.String("categories", "", "comma-separated category ids to keep (default: every civic category)")
	boundaries := fs.Bool("boundaries", false, "import boundaries (administrative, political, place polygons) as a new set instead of assets")
	adminLevel := fs.Int("admin-level", 0, "with --boundaries: only administrative boundaries of this admin_level")
	maxMB := maxDecompressedFlag(fs)
	set := setFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, bbox, maxDecompressed, err := osmInput(pos, "OSM file (.osm.pbf, .osm, .osm.bz2, .osm.gz or Overpass .json)", *bboxFlag, *maxMB)
	if err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgressBar(stderr)
	opts := importer.OSMOptions{BBox: bbox, Progress: bar.update, MaxDecompressed: maxDecompressed}
	if *boundaries {
		return importOSMBoundaries(ctx, st, file, *set, *adminLevel, opts, bar, stdout)
	}
	if *cats != "" {
		opts.Categories = strings.Split(*cats, ",")
	}
	start := time.Now()
	name := filepath.Base(file)
	res, err := importer.OSMAssets(ctx, st, osm.File(file), name, opts)
	bar.done()
	if err != nil {
		return err
	}
	printOSMAssets(stdout, name, res, time.Since(start))
	return nil
}

// importOSMBoundaries is "import osm --boundaries": the boundaries in file
// (only those of adminLevel, unless 0) become the new set; opts gives the
// file's bounding box, its decompression limit and the progress shown on bar.
func importOSMBoundaries(ctx context.Context, st *store.DB, file string, set place.BoundarySet, adminLevel int, opts importer.OSMOptions, bar *progressBar, stdout io.Writer) error {
	start := time.Now()
	name := filepath.Base(file)
	if set.Slug == "" || set.Title == "" {
		return usageError{"--boundaries needs --slug and --title for the new set"}
	}
	if set.Kind == "" {
		set.Kind = place.Statutory
	}
	res, err := importer.OSMBoundaries(ctx, st, osm.File(file), name, set, adminLevel, opts.BBox, opts.Progress, opts.MaxDecompressed)
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s: %d boundaries from %s, %d asset memberships (%s)\n", set.Slug, res.Areas, name, res.Memberships, time.Since(start).Round(time.Millisecond))
	printNotes(stdout, res)
	return nil
}

// printOSMAssets says what an asset import read from the file called name
// and what it made of it, in took.
func printOSMAssets(stdout io.Writer, name string, res importer.OSMResult, took time.Duration) {
	s := res.Stats
	fmt.Fprintf(stdout, "read %s: %d nodes, %d ways, %d relations in %s\n", name, s.Nodes, s.Ways, s.Relations, took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "imported %d assets, %d memberships:", res.Assets, res.Memberships)
	keys := make([]string, 0, len(res.ByCategory))
	for k := range res.ByCategory {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(stdout, " %s %d", k, res.ByCategory[k])
	}
	fmt.Fprintln(stdout)
	if len(res.Unplaced) > 0 {
		fmt.Fprintf(stdout, "%d objects left out: the extract cuts through them, so they have no geometry (%s)\n", len(res.Unplaced), strings.Join(res.Unplaced[:min(5, len(res.Unplaced))], ", "))
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintf(stdout, "%d relations left out: not areas, and no node or way members to place them by (%s)\n", len(res.Skipped), strings.Join(res.Skipped[:min(5, len(res.Skipped))], ", "))
	}
}

// maxDecompressedFlag adds --max-decompressed-mb to a command that reads
// OSM files.
func maxDecompressedFlag(fs *flag.FlagSet) *int {
	return fs.Int("max-decompressed-mb", envInt("MAX_DECOMPRESSED_MB", osm.DefaultMaxDecompressed>>20),
		"largest size in MiB an OSM file may decompress to (bzip2, gzip, the blocks of a PBF); past it the file is refused as a decompression bomb ($PLACEMAP_MAX_DECOMPRESSED_MB)")
}

// maxDecompressedMB bounds --max-decompressed-mb: 1 TiB is past any OSM
// file, and keeps the bytes within an int64.
const maxDecompressedMB = 1 << 20

// decompressedLimit turns --max-decompressed-mb into bytes.
func decompressedLimit(mb int) (int64, error) {
	if mb < 1 || mb > maxDecompressedMB {
		return 0, usageError{fmt.Sprintf("--max-decompressed-mb %d: want 1 to %d", mb, maxDecompressedMB)}
	}
	return int64(mb) << 20, nil
}

// osmInput reads what the commands that stream an OSM file take: the one
// file named (what it should be says what), which must exist, --bbox and
// --max-decompressed-mb.
func osmInput(pos []string, what, bboxFlag string, maxMB int) (string, *orb.Bound, int64, error) {
	maxDecompressed, err := decompressedLimit(maxMB)
	if err != nil {
		return "", nil, 0, err
	}
	file, err := oneFile(pos, what)
	if err != nil {
		return "", nil, 0, err
	}
	if _, err := os.Stat(file); err != nil {
		return "", nil, 0, err
	}
	bbox, err := parseBBoxFlag(bboxFlag)
	if err != nil {
		return "", nil, 0, err
	}
	return file, bbox, maxDecompressed, nil
}

// parseBBoxFlag reads --bbox minlon,minlat,maxlon,maxlat (nil when empty).
func parseBBoxFlag(s string) (*orb.Bound, error) {
	if s == "" {
		return nil, nil
	}
	var v [4]float64
	if n, err := fmt.Sscanf(strings.ReplaceAll(s, ",", " "), "%g %g %g %g", &v[0], &v[1], &v[2], &v[3]); err != nil || n != 4 {
		return nil, usageError{fmt.Sprintf("--bbox %q: want minlon,minlat,maxlon,maxlat", s)}
	}
	if v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 {
		return nil, usageError{fmt.Sprintf("--bbox %q: want minlon,minlat,maxlon,maxlat within -180..180, -90..90", s)}
	}
	return &orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// progressBar draws bytes and objects read, rate and ETA on a terminal, and
// nothing elsewhere (the summary is printed at the end either way).
type progressBar struct {
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
}

func newProgressBar(w io.Writer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty, start: time.Now()}
}

func (b *progressBar) update(p osm.Progress) {
	if !b.tty || time.Since(b.last) < 200*time.Millisecond {
		return
	}
	b.last = time.Now()
	el := time.Since(b.start).Seconds()
	rate := float64(p.Bytes) / el
	line := fmt.Sprintf("pass %d  %s", p.Pass, mib(p.Bytes))
	if p.Total > 0 {
		eta := "?"
		if rate > 0 {
			eta = (time.Duration(float64(p.Total-p.Bytes)/rate) * time.Second).Round(time.Second).String()
		}
		line += fmt.Sprintf(" / %s (%3.0f%%)", mib(p.Total), 100*float64(p.Bytes)/float64(p.Total))
		line += fmt.Sprintf("  %s/s  %d objects  ETA %s", mib(int64(rate)), p.Objects, eta)
	} else {
		line += fmt.Sprintf("  %s/s  %d objects", mib(int64(rate)), p.Objects)
	}
	fmt.Fprintf(b.w, "\r%-78s", line)
}

func (b *progressBar) done() {
	if b.tty {
		fmt.Fprintf(b.w, "\r%-78s\r", "")
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// cmdConflate pairs an OSM file's civic objects with the assets held and
// writes a report for a person to review, or keeps the proposals for
// review in the API and map: placemap conflate osm FILE --report
// report.csv [--review].
func cmdConflate(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "osm" {
		return usageError{"want: conflate osm FILE --report report.csv [--review]"}
	}
	fs := flag.NewFlagSet("conflate osm", flag.ContinueOnError)
	sc := storeFlags(fs)
	report := fs.String("report", "", "write the review list as CSV to this file")
	review := fs.Bool("review", false, "keep the proposals in the store, for people to accept or reject one by one in the map (replaces pending ones of earlier runs)")
	maxMB := maxDecompressedFlag(fs)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	maxDecompressed, err := decompressedLimit(*maxMB)
	if err != nil {
		return err
	}
	file, err := oneFile(pos, "OSM file")
	if err != nil {
		return err
	}
	if *report == "" && !*review {
		return usageError{"say where the review list goes: --report FILE.csv, --review (kept for the map), or both"}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := importer.ConflateFile(ctx, st, osm.File(file), filepath.Base(file), maxDecompressed)
	if err != nil {
		return err
	}
	counts := map[osm.Outcome]int{}
	for _, m := range c.Matches {
		counts[m.Outcome]++
	}
	fmt.Fprintf(stdout, "conflated %s: %d matched, %d only in OSM, %d only here, %d ambiguous\n",
		filepath.Base(file), counts[osm.Matched], counts[osm.OnlyOSM], counts[osm.OnlyLocal], counts[osm.Ambiguous])
	cv := importer.CoverageOf(c, c.Local, len(c.Outside))
	if cv.Warning != "" {
		fmt.Fprintf(stdout, "warning: %s\n", cv.Warning)
	}
	if *report != "" {
		f, err := os.Create(*report)
		if err != nil {
			return err
		}
		if err := importer.WriteConflationCSV(f, c.Matches); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "review list in %s\n", *report)
	}
	if *review {
		rv, err := importer.KeepForReview(ctx, st, c, importer.Scope{})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "kept %d proposals for review (run %s): %d matched, %d only in OSM, %d only here, %d ambiguous; "+
			"%d agree already, %d were decided before. Review them in the map (OSM review) or at /api/conflations/proposals\n",
			rv.Proposals, rv.Run, rv.ByOutcome[place.OutcomeMatched], rv.ByOutcome[place.OutcomeOnlyOSM], rv.ByOutcome[place.OutcomeOnlyLocal],
			rv.ByOutcome[place.OutcomeAmbiguous], rv.Agreed, rv.DecidedBefore)
	}
	return nil
}

// cmdExportOSM writes what OSM lacks: placemap export osmchange|josm --out
// FILE [--osm FILE] [--report FILE.json].
func cmdExportOSM(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "osmchange" && args[0] != "josm") {
		return usageError{"want: export osmchange --out FILE.osc, or export josm --out FILE.osm"}
	}
	fs := flag.NewFlagSet("export "+args[0], flag.ContinueOnError)
	sc := storeFlags(fs)
	out := fs.String("out", "", "file to write (required)")
	osmFile := fs.String("osm", "", "an OSM extract of the area, conflated now (not kept): it speaks for the assets it covers instead of the last conflation kept")
	reportFile := fs.String("report", "", "also write the export's report as JSON to this file: what the file holds, what is blocked or left out and why, keys not mapped")
	maxMB := maxDecompressedFlag(fs)
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	maxDecompressed, err := decompressedLimit(*maxMB)
	if err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var fresh *importer.Conflation
	if *osmFile != "" {
		c, err := importer.ConflateFile(ctx, st, osm.File(*osmFile), filepath.Base(*osmFile), maxDecompressed)
		if err != nil {
			return err
		}
		if cv := importer.CoverageOf(c, c.Local, len(c.Outside)); cv.Warning != "" {
			fmt.Fprintf(stdout, "warning: %s\n", cv.Warning)
		}
		fresh = &c
	}
	c, err := importer.Contribution(ctx, st, fresh)
	if err != nil {
		return err
	}
	write := osm.WriteOsmChange
	if args[0] == "josm" {
		write = osm.WriteJOSM
	}
	if err := writeFile(*out, func(w io.Writer) error { return write(w, c) }); err != nil {
		return err
	}
	if *reportFile != "" {
		rep := osm.NewReport(c, args[0], filepath.Base(*out))
		if err := writeFile(*reportFile, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s: %d objects to create, %d to modify; %d assets offered, %d blocked, %d left out, %d in OSM already\n",
		*out, len(c.Create), len(c.Modify), len(c.Offered), len(c.Blocked), len(c.LeftOut), c.InOSM)
	for _, b := range c.Blocked {
		fmt.Fprintf(stdout, "  blocked %s (%s): %s\n", b.Asset.Name, b.Asset.ID, b.Reason)
	}
	for _, b := range c.LeftOut {
		fmt.Fprintf(stdout, "  left out %s (%s): %s\n", b.Asset.Name, b.Asset.ID, b.Reason)
	}
	for _, k := range c.Unmapped {
		fmt.Fprintf(stdout, "  not written (no OSM key in the tag table): %s, on %d offered assets\n", k.Key, len(k.Assets))
	}
	if len(c.Sources) > 0 {
		fmt.Fprintf(stdout, "attribute in the changeset's source tag: %s\n", strings.Join(c.Sources, "; "))
	}
	if *reportFile != "" {
		fmt.Fprintf(stdout, "report in %s\n", *reportFile)
	}
	return nil
}

// writeFile writes a file whole, or removes what it began on error.
func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}
