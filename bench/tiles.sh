#!/usr/bin/env bash
# Tile speed, every engine over the same tiles in one run:
#   over HTTP   placemap on the GeoPackage, uncached (--tile-cache-mb 0) and cached;
#               placemap on PostGIS, uncached and cached; pg_tileserv on the same rows,
#               set up as its users do (a table per layer loaded by ogr2ogr, each with
#               its own GiST index) and over views of placemap's shared areas table;
#               and a static file server sending the same tile bytes from files
#               (the most a cached tile can be served at here);
#   in-process  placemap's Go encoder reading each store; PostGIS ST_AsMVT in SQL.
# Prints tiles/s, p50 and p99 per layer (LSOA, OA, assets) and zoom (z10-z16).
# "Uncached" is placemap as served by default with its tile cache off: it
# draws each tile anew from the sets' shapes it keeps in memory at their
# version (--shape-cache-mb). PLACEMAP_BENCH_STORE_READS=1 adds placemap
# with those off too (--shape-cache-mb 0: every tile reads the store).
#
#   bench/tiles.sh [tilebench flags, e.g. -c 16 -tiles 80 -zooms 12-14 -min-time 2s]
#
# PostGIS rows need PostgreSQL with PostGIS at $PLACEMAP_BENCH_PG (default
# postgres://postgres@127.0.0.1:5432/postgres); a scratch database is made and
# dropped. pg_tileserv rows need $PLACEMAP_BENCH_PG_TILESERV: the path of a
# pg_tileserv binary you built yourself (placemap does not ship or build it).
#
# Other data than the Sheffield demo: $PLACEMAP_BENCH_DATA names a placemap
# data directory to serve (e.g. bench/nation.sh's national set), and
# $PLACEMAP_BENCH_DB a PostGIS database already holding a copy of it
# (`placemap copy --from DIR --to URL`; copying a national set takes a
# while, so it is not redone per run, and the database is kept). Pass
# -bbox and -zooms to match, e.g. for the national set:
#   PLACEMAP_BENCH_DATA=/tmp/nation PLACEMAP_BENCH_DB=postgres://…/nation \
#     bench/tiles.sh -bbox -1.80,53.30,5.70,54.84 -zooms 8-16 -c 16
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

go build -o "$work/placemap" ./cmd/placemap
go build -o "$work/tilebench" ./bench/tilebench
data="${PLACEMAP_BENCH_DATA:-$work/data}"
if [ -z "${PLACEMAP_BENCH_DATA:-}" ]; then
	"$work/placemap" demo --data "$data" 2>/dev/null >/dev/null
fi

# Memory for the sets' shapes each server keeps ($PLACEMAP_BENCH_SHAPE_MB,
# serve's default 256; the national set wants more).
shapes="${PLACEMAP_BENCH_SHAPE_MB:-256}"

# PLACEMAP_BENCH_HTTP_ONLY=1 leaves out the in-process engines (placemap's
# encoder on each store, ST_AsMVT): only what a map client sees.
inproc=${PLACEMAP_BENCH_HTTP_ONLY:-}
engines=(
	-http "placemap HTTP, GeoPackage, uncached=http://127.0.0.1:18081/tiles/{layer}/{z}/{x}/{y}.mvt"
	-http-warm "placemap HTTP, GeoPackage, cached=http://127.0.0.1:18082/tiles/{layer}/{z}/{x}/{y}.mvt"
	# The physical limit of a cached tile here: Go's file server, in a
	# process of its own, sending the same bytes from files (gzipped ones
	# beside them), fetched once from placemap.
	-static "static files, same tile bytes=http://127.0.0.1:18082/tiles/{layer}/{z}/{x}/{y}.mvt"
)
[ -z "$inproc" ] && engines+=(-inproc-gpkg "$data")
# The aims of issue 21, printed per row from this run's figures: uncached
# tiles at least 2x pg_tileserv (in its users' own setup), cached ones at
# least 20x pg_tileserv or 80% of the static file server's figure.
pgts="pg_tileserv HTTP, PostGIS, a table per layer"
static="static files, same tile bytes"
ratios=(-ratio "placemap HTTP, GeoPackage, cached/$static>=0.8")
"$work/placemap" serve --no-demo --data "$data" --addr 127.0.0.1:18081 --tile-cache-mb 0 --shape-cache-mb "$shapes" >/dev/null 2>&1 & pids+=($!)
"$work/placemap" serve --no-demo --data "$data" --addr 127.0.0.1:18082 --tile-cache-mb "${PLACEMAP_BENCH_CACHE_MB:-256}" --shape-cache-mb "$shapes" >/dev/null 2>&1 & pids+=($!)
wait_ready http://127.0.0.1:18081/readyz
wait_ready http://127.0.0.1:18082/readyz
wait_shapes http://127.0.0.1:18081
wait_shapes http://127.0.0.1:18082
reads=${PLACEMAP_BENCH_STORE_READS:-}
if [ -n "$reads" ]; then
	"$work/placemap" serve --no-demo --data "$data" --addr 127.0.0.1:18086 --tile-cache-mb 0 --shape-cache-mb 0 >/dev/null 2>&1 & pids+=($!)
	wait_ready http://127.0.0.1:18086/readyz
	engines+=(-http "placemap HTTP, GeoPackage, uncached, store reads=http://127.0.0.1:18086/tiles/{layer}/{z}/{x}/{y}.mvt")
fi

if psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	if [ -n "${PLACEMAP_BENCH_DB:-}" ]; then
		url="$PLACEMAP_BENCH_DB"
	else
		db="placemap_bench_$$"
		psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
		url="${admin%/*}/$db"
		"$work/placemap" copy --from "$data" --to "$url" 2>/dev/null
	fi
	psql -q "$url" -c 'ANALYZE' >/dev/null
	"$work/placemap" serve --db "$url" --addr 127.0.0.1:18083 --tile-cache-mb 0 --shape-cache-mb "$shapes" >/dev/null 2>&1 & pids+=($!)
	"$work/placemap" serve --db "$url" --addr 127.0.0.1:18084 --tile-cache-mb "${PLACEMAP_BENCH_CACHE_MB:-256}" --shape-cache-mb "$shapes" >/dev/null 2>&1 & pids+=($!)
	wait_ready http://127.0.0.1:18083/readyz
	wait_ready http://127.0.0.1:18084/readyz
	wait_shapes http://127.0.0.1:18083
	wait_shapes http://127.0.0.1:18084
	if [ -n "$reads" ]; then
		"$work/placemap" serve --db "$url" --addr 127.0.0.1:18087 --tile-cache-mb 0 --shape-cache-mb 0 >/dev/null 2>&1 & pids+=($!)
		wait_ready http://127.0.0.1:18087/readyz
		engines+=(-http "placemap HTTP, PostGIS, uncached, store reads=http://127.0.0.1:18087/tiles/{layer}/{z}/{x}/{y}.mvt")
	fi
	engines+=(
		-http "placemap HTTP, PostGIS, uncached=http://127.0.0.1:18083/tiles/{layer}/{z}/{x}/{y}.mvt"
		-http-warm "placemap HTTP, PostGIS, cached=http://127.0.0.1:18084/tiles/{layer}/{z}/{x}/{y}.mvt"
	)
	[ -z "$inproc" ] && engines+=(-inproc-postgis "$url" -sql "$url")
	ratios+=(-ratio "placemap HTTP, PostGIS, cached/$static>=0.8")
	if [ -n "${PLACEMAP_BENCH_PG_TILESERV:-}" ]; then
		# pg_tileserv as its users set it up: one table per layer, loaded by
		# ogr2ogr from the same GeoPackage, each with its own GiST index, in a
		# schema of its own (layer names peer.{layer_}). The data is the same
		# rows as placemap serves.
		ogr="PG:dbname=${url##*/} host=127.0.0.1 port=5432 user=postgres"
		psql -q "$url" -c 'CREATE SCHEMA IF NOT EXISTS peer' >/dev/null
		# A kept database ($PLACEMAP_BENCH_DB, e.g. the national set) keeps
		# its peer tables between runs: loaded only when missing.
		have() { [ -n "${PLACEMAP_BENCH_DB:-}" ] && [ "$(psql -qAt "$url" -c "SELECT to_regclass('peer.$1') IS NOT NULL")" = t ]; }
		for layer in $(psql -qAt "$url" -c "SELECT slug FROM boundary_sets"); do
			t="${layer//-/_}"
			have "$t" && continue
			ogr2ogr -f PostgreSQL "$ogr" "$data/placemap.gpkg" -overwrite -nln "peer.$t" \
				-sql "SELECT fid AS id, code, name, geom FROM areas WHERE set_slug = '$layer'" \
				-lco GEOMETRY_NAME=geom -lco FID=fid -lco SPATIAL_INDEX=GIST -nlt MULTIPOLYGON >/dev/null
		done
		have assets || ogr2ogr -f PostgreSQL "$ogr" "$data/placemap.gpkg" -overwrite -nln peer.assets \
			-sql "SELECT id, name, category, status, geom FROM assets" \
			-lco GEOMETRY_NAME=geom -lco FID=fid -lco SPATIAL_INDEX=GIST >/dev/null
		psql -q "$url" -c 'ANALYZE' >/dev/null
		# And the older setup, one view per layer over placemap's shared
		# areas table, to show what the view costs the peer.
		for layer in $(psql -qAt "$url" -c "SELECT slug FROM boundary_sets"); do
			v="tiles_${layer//-/_}"
			psql -q "$url" -c "CREATE OR REPLACE VIEW $v AS SELECT fid, code, name, set_slug AS set, geom FROM areas WHERE set_slug = '$layer'" >/dev/null
		done
		psql -q "$url" -c "CREATE OR REPLACE VIEW tiles_assets AS SELECT fid, id, name, category, status, geom FROM assets" >/dev/null
		DATABASE_URL="$url" TS_HTTPHOST=127.0.0.1 TS_HTTPPORT=18085 TS_DBPOOLMAXCONNS=8 "$PLACEMAP_BENCH_PG_TILESERV" >/dev/null 2>&1 & pids+=($!)
		wait_ready http://127.0.0.1:18085/index.json
		# Same buffer as placemap (pg_tileserv defaults to 256 units).
		engines+=(
			-http "pg_tileserv HTTP, PostGIS, a table per layer=http://127.0.0.1:18085/peer.{layer_}/{z}/{x}/{y}.pbf?buffer=64"
			-http "pg_tileserv HTTP, PostGIS, views over areas=http://127.0.0.1:18085/public.tiles_{layer_}/{z}/{x}/{y}.pbf?buffer=64"
		)
		ratios+=(
			-ratio "placemap HTTP, GeoPackage, uncached/$pgts>=2"
			-ratio "placemap HTTP, PostGIS, uncached/$pgts>=2"
			-ratio "placemap HTTP, GeoPackage, cached/$pgts>=20"
			-ratio "placemap HTTP, PostGIS, cached/$pgts>=20"
		)
		[ -n "$reads" ] && ratios+=(
			-ratio "placemap HTTP, GeoPackage, uncached, store reads/$pgts>=2"
			-ratio "placemap HTTP, PostGIS, uncached, store reads/$pgts>=2"
		)
	else
		echo "(pg_tileserv skipped: set PLACEMAP_BENCH_PG_TILESERV to a pg_tileserv binary)" >&2
	fi
else
	echo "(PostGIS engines skipped: no PostgreSQL at $admin)" >&2
fi

echo "placemap $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$work/tilebench" "${engines[@]}" "${ratios[@]}" "$@"
