#!/usr/bin/env bash
# Crosswalk speed, placemap against PostGIS in one run, on the real Sheffield
# boundary files under geodata/sheffield: OA 2011 (1,817) × community
# neighbourhoods (147), LSOA 2011 (345) × wards 2013 (28), wards 2013 (28) ×
# wards 2019 (28). Each is computed by placemap's reconcile.Overlay in-process
# (all cores, and one core) and by the PostGIS query a user would write (every
# ST_Intersects pair with ST_Area(ST_Intersection(a, b)::geography) and both
# areas; on one connection with and without JIT, and split over as many
# connections as cores).
# Prints pairs found, best and median seconds, the PostGIS/placemap ratio, and
# whether the answers agree (shares and IoU to 1e-4).
#
#   bench/crosswalk.sh [crossbench flags, e.g. -runs 5 -pairs oa-2011:community]
#   PLACEMAP_BENCH_GEOS=1 bench/crosswalk.sh ...   placemap built with -tags geos
#                                                   (overlay through GEOS; needs libgeos-dev)
#   bench/crosswalk.sh -nation DIR -runs 1 -warmup=false -pairs lsoa-2011:wards-2019
#                                                   the synthetic national sets (bench/nationgen)
#
# PostGIS rows need PostgreSQL with PostGIS at $PLACEMAP_BENCH_PG (default
# postgres://postgres@127.0.0.1:5432/postgres); a scratch database is made and
# dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

if [ -n "${PLACEMAP_BENCH_GEOS:-}" ]; then
	CGO_ENABLED=1 go build -tags geos -o "$work/crossbench" ./bench/crossbench
else
	go build -o "$work/crossbench" ./bench/crossbench
fi

pg=()
if psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	db="placemap_crossbench_$$"
	psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
	pg=(-pg "${admin%/*}/$db")
else
	echo "(PostGIS engines skipped: no PostgreSQL at $admin)" >&2
fi

echo "placemap $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/crossbench" -data geodata/sheffield "${pg[@]}" "$@"
