#!/usr/bin/env bash
# Tile speed: placemap uncached (--tile-cache-mb 0), placemap cached, and
# PostGIS ST_AsMVT on the same tables (copied from placemap's GeoPackage by
# GDAL's ogr2ogr) in the same run. Prints tiles/s and p50/p99 per layer and
# zoom (z10-z16 by default) for the LSOA, OA and asset layers of the demo.
#
#   bench/tiles.sh [tilebench flags, e.g. -c 16 -tiles 80 -zooms 12-14]
#
# Needs: Go; for the PostGIS peer, PostgreSQL with PostGIS on 127.0.0.1:5432
# (PLACEMAP_BENCH_PG to point elsewhere) and ogr2ogr (gdal-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ -n "${db:-}" ]; then psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/placemap" ./cmd/placemap
go build -o "$work/tilebench" ./bench/tilebench
"$work/placemap" demo --data "$work/data" 2>/dev/null

"$work/placemap" serve --no-demo --data "$work/data" --addr 127.0.0.1:18081 --tile-cache-mb 0 >/dev/null 2>&1 & pids+=($!)
"$work/placemap" serve --no-demo --data "$work/data" --addr 127.0.0.1:18082 --tile-cache-mb 256 >/dev/null 2>&1 & pids+=($!)
for port in 18081 18082; do
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
done

pgflag=()
admin="${PLACEMAP_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v ogr2ogr >/dev/null && psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	db="placemap_bench_$$"
	psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
	url="${admin%/*}/$db"
	psql -q "$url" -c 'CREATE EXTENSION postgis' >/dev/null
	ogr2ogr -f PostgreSQL "PG:$(echo "$url" | sed -E 's#postgres://([^@]+)@([^:/]+):?([0-9]*)/(.*)#user=\1 host=\2 port=\3 dbname=\4#')" \
		"$work/data/placemap.gpkg" areas assets -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST
	psql -q "$url" -c 'CREATE INDEX ON areas (set_slug); ANALYZE' >/dev/null
	pgflag=(-pg "$url")
else
	echo "(PostGIS peer skipped: needs ogr2ogr and PostgreSQL at $admin)" >&2
fi

echo "placemap $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$work/tilebench" -uncached http://127.0.0.1:18081 -cached http://127.0.0.1:18082 "${pgflag[@]}" "$@"
