// Command placemap maps a neighbourhood's civic assets against every
// definition of "the neighbourhood" and serves them as GeoJSON, vector tiles
// and a web map.
//
//	placemap serve  [--addr 127.0.0.1:8080] [--data DIR]
//	placemap import set FILE --slug S --title T [--kind K] [--code-field F] [--name-field F] [--skip-invalid]
//	placemap import set-from-lookup LOOKUP.csv --units SET --unit-field F --group-field F [--name-field F] --slug S
//	placemap import assets FILE
//	placemap demo   [--data DIR | --db URL]
//	placemap copy   --from DIR_OR_URL --to DIR_OR_URL
//	placemap migrate --db URL
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/placemap/placemap/internal/place"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `placemap: civic assets in every definition of neighbourhood

Usage:
  placemap serve [--addr 127.0.0.1:8080] [--data DIR]     serve the API, tiles and map (loads the Sheffield demo into an empty DIR)
  placemap import set FILE --slug S --title T [--kind K] [--code-field F] [--name-field F] [--skip-invalid]
                            [--series SERIES [--series-title T] [--not-current]]   a new release of a series
  placemap import set-from-lookup LOOKUP.csv --units SET --unit-field F --group-field F [--name-field F] --slug S --title T
  placemap import assets FILE [--category C] [--source S] [--licence L] [--attribution A]
  placemap import drawings FILE.geojson --place SLUG [--name-field F] [--answer-field QUESTION=FIELD]...
                                                          residents' drawings of a place, published as evidence
  placemap demo [--data DIR]                              load the Sheffield demo into an empty DIR
  placemap sets [--data DIR]                              list boundary sets
  placemap import indicator FILE.csv --set S --code-field F [--count COL[=name]]... [--rate COL[=name]]...
  placemap import osm FILE [--bbox W,S,E,N] [--categories library,...] [--max-decompressed-mb 512]
                                                          civic assets from .osm.pbf, .osm(.bz2|.gz), Overpass JSON
  placemap import osm FILE --boundaries --slug S --title T [--admin-level N]
  placemap import basemap FILE [--bbox W,S,E,N] [--max-decompressed-mb 512]
                                                          the street basemap (/tiles/basemap) from an OSM extract
  placemap import postcodes FILE.csv [--skip-invalid] [--licence OGL-UK-3.0] [--source S]
                                                          postcodes (ONSPD/NSPL, OS Code-Point Open or postcode,lon,lat) for /api/postcodes
  placemap import network FILE [--mode walk|cycle] [--max-decompressed-mb 512]
                                                          the walking (or cycling) routing graph from an OSM extract
  placemap access --category C [--status open[,at_risk]] --from SET [--speed-kmh 4.8] [--max-minutes 60] [--mode walk|cycle]
                  [--close ID[,ID]] [--open LON,LAT]... [--by SET]... [--report FILE.json]
                                                          walking time from every area of SET to the nearest asset; a
                                                          baseline writes walk_* indicators, --close/--open a what-if
  placemap user add EMAIL --role admin|moderator|editor|contributor [--scope SET[:CODE]]... [--display-name NAME] [--password-stdin]
  placemap user display-name EMAIL NAME                   how the public sees an account ("" for its role)
  placemap user revoke-tokens EMAIL                       revoke every API token of an account (one leaked)
  placemap conflate osm FILE --report report.csv          pair OSM's civic objects with the assets held
  placemap export osmchange|josm --out FILE [--osm FILE] [--report FILE.json]   what OSM lacks, for review and upload
  placemap export assets|memberships|set SLUG|crosswalk A B --format geojson|csv|gpkg|kml --out FILE
  placemap export site --out DIR [--sets A,B,...] [--min-zoom 0] [--max-zoom 14]
                                                          a static atlas (PMTiles, map, downloads) for any static host
  placemap compare A B [--format csv|lookup|geojson|json] [--weight area|population] [--out FILE]
  placemap propose-set --blocks SET --fit A,B,C [--weights 2,1,1] [--nest-in SET] [--population population --min-pop N --max-pop N]
                      [--seed 1] [--kind community|service] --slug S --title T [--dry-run] [--report FILE.json] [--lookup FILE.csv]
                                                          a set of whole blocks, contiguous and nested, agreeing best with the fit sets
  placemap place add SLUG --name NAME [--alt-name A]... [--link SET:CODE[:confirmed]]... [--suggest]
  placemap place suggest SLUG                             areas of other sets that may define the place, by IoU
  placemap release list                                   series, their releases and the current one
  placemap release add SET --series SERIES [--not-current]   make an existing set the newest release of a series
  placemap release current SERIES SET                     make SET the series' current release
  placemap release changes OLD [NEW] [--table areas|assets] [--format csv|json] [--out FILE]
                                                          what changed between two releases (NEW: the next one)
  placemap release successors SET CODE                    where an area went in later releases
  placemap copy --from DIR_OR_URL --to DIR_OR_URL         copy everything into an empty store
  placemap migrate [--db URL]                             bring the store's schema up to date

Every command works on the GeoPackage in --data DIR (default ./data, or $PLACEMAP_DATA),
or on PostGIS with --db postgres://... (or $PLACEMAP_DATABASE_URL).
Run "placemap COMMAND -h" for a command's flags.
`

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	log, err := newLogger(stderr, envOr("LOG_FORMAT", "text"), envOr("LOG_LEVEL", "info"))
	if err != nil {
		fmt.Fprintf(stderr, "placemap: %v\n", err)
		return exitUsage
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "import":
		err = cmdImport(ctx, args[1:], stdout, log)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdout, log)
	case "sets":
		err = cmdSets(ctx, args[1:], stdout, log)
	case "release":
		err = cmdRelease(ctx, args[1:], stdout, log)
	case "copy":
		err = cmdCopy(ctx, args[1:], stdout, log)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout, log)
	case "user":
		err = cmdUser(ctx, args[1:], os.Stdin, stdout)
	case "conflate":
		err = cmdConflate(ctx, args[1:], stdout)
	case "export":
		err = cmdExport(ctx, args[1:], stdout)
	case "compare":
		err = cmdCompare(ctx, args[1:], stdout, log)
	case "place":
		err = cmdPlace(ctx, args[1:], stdout, log)
	case "propose-set":
		err = cmdProposeSet(ctx, args[1:], stdout, log)
	case "access":
		err = cmdAccess(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "placemap: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	status := exitStatus(err)
	switch {
	case status == exitUsage:
		fmt.Fprintf(stderr, "placemap %s: %v\n", args[0], err)
	case status != exitOK:
		fmt.Fprintf(stderr, "placemap %s: %s\n", args[0], describe(err))
	}
	return status
}

// Exit statuses. A script can tell a wrong command line, a missing thing, a
// taken name and a store that is down (worth trying again) apart; input
// refused by a rule or a limit, and any other failure, exit 1, as SECURITY.md
// documents for refused files.
const (
	exitOK          = 0
	exitFailed      = 1 // place.EINVALID, place.ETOOLARGE, place.EINTERNAL: the message says what
	exitUsage       = 2 // flags or arguments the command does not take
	exitNotFound    = 3 // place.ENOTFOUND
	exitConflict    = 4 // place.ECONFLICT
	exitForbidden   = 5 // place.EFORBIDDEN
	exitUnavailable = 6 // place.EUNAVAILABLE
)

// exitStatus maps what a command returned to the process's exit status: the
// one place where error codes become exit statuses, as httpapi's status is
// for HTTP. Help asked for (-h) is not a failure.
func exitStatus(err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	}
	switch place.ErrorCode(err) {
	case place.ENOTFOUND:
		return exitNotFound
	case place.ECONFLICT:
		return exitConflict
	case place.EFORBIDDEN:
		return exitForbidden
	case place.EUNAVAILABLE:
		return exitUnavailable
	}
	return exitFailed
}

// describe renders an error for a person: place errors as their message,
// anything else in full (the CLI user is the operator).
func describe(err error) string {
	if code := place.ErrorCode(err); code != place.EINTERNAL {
		return err.Error() + " [" + code + "]"
	}
	return err.Error()
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// newLogger makes the log: text or JSON lines (one object per line, for
// log collectors) on w, at level debug, info, warn or error.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}

// envOr returns $PLACEMAP_name or def.
func envOr(name, def string) string {
	if v := os.Getenv("PLACEMAP_" + name); v != "" {
		return v
	}
	return def
}

// parse parses flags that may come before or after positional arguments
// ("import set FILE --slug S" and "import set --slug S FILE" both work).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	help := fs.Output() // a command may send help to its own stdout
	if help == os.Stderr {
		help = os.Stdout
	}
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(help)
				if fs.Usage != nil {
					fs.Usage()
				} else {
					fs.PrintDefaults()
				}
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
