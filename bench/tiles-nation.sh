#!/usr/bin/env bash
# Tiles over the synthetic national set (bench/nation.sh makes it), every
# engine a map client sees in one run: placemap on the GeoPackage and on
# PostGIS, uncached and cached, and pg_tileserv on the same PostGIS tables,
# at 1, 16 and 64 connections, LSOA, OA and asset layers at z8-z16.
#
#   PLACEMAP_NATION_DIR=/tmp/nation-data PLACEMAP_NATION_DB=postgres://…/placemap_nation \
#   PLACEMAP_BENCH_PG_TILESERV=/path/to/pg_tileserv bench/tiles-nation.sh [-tiles 15 -min-time 300ms]
#
# PLACEMAP_NATION_DIR is the data directory bench/nation.sh imported;
# PLACEMAP_NATION_DB a database holding `placemap copy --from DIR --to URL`
# of it (8 minutes here; kept between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PLACEMAP_NATION_DIR:?the imported national data directory}"
: "${PLACEMAP_NATION_DB:?a PostGIS database holding a copy of it}"
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-tiles 15 -min-time 300ms)
for c in 1 16 64; do
	echo "== $c connections"
	PLACEMAP_BENCH_DATA="$PLACEMAP_NATION_DIR" PLACEMAP_BENCH_DB="$PLACEMAP_NATION_DB" PLACEMAP_BENCH_HTTP_ONLY=1 PLACEMAP_BENCH_CACHE_MB=1024 PLACEMAP_BENCH_SHAPE_MB=2048 \
		bench/tiles.sh -bbox -1.80,53.30,5.70,54.84 -zooms 8-16 -c "$c" "${args[@]}"
done
