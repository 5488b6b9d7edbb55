#!/usr/bin/env bash
# Postcode import speed and memory: `placemap import postcodes` of a
# synthetic ONSPD-layout file (bench/postcodegen; the UK file is ~2.7 M
# rows and not shipped) into a fresh GeoPackage and into PostGIS, against
# a peer in the same run: PostgreSQL's own COPY of the same CSV into a
# plain table of text columns, then building a point column from lat/long
# and a primary key on the postcode — what the PostGIS import amounts to,
# without reading, checking or converting a row in a client. Wall time,
# CPU and peak resident memory (GNU time -v) of each client; the peer's
# work is in the server, so its client figures are psql's.
#
#   bench/postcodes.sh [ROWS]     (default 2700000)
#
# Needs GNU time (Debian package time) and, for the PostGIS runs,
# PostgreSQL with PostGIS at $PLACEMAP_BENCH_PG.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-2700000}"
source bench/lib.sh
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
go build -o "$work/placemap" ./cmd/placemap
go run ./bench/postcodegen -n "$rows" >"$work/onspd.csv"
echo "file: $rows rows, $(du -m "$work/onspd.csv" | cut -f1) MB, ONSPD layout; $(nproc) cores"

# measure NAME COMMAND...: one run's wall seconds, CPU seconds and peak RSS.
measure() {
	local name=$1; shift
	/usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" "$work/out" >&2; exit 1; }
	local s cpu mem
	s=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); t=0; for(i=1;i<=n;i++) t=t*60+a[i]; print t}' "$work/time")
	cpu=$(awk -F': ' '/User time/{u=$2} /System time/{y=$2} END{print u+y}' "$work/time")
	mem=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$work/time")
	printf '%-44s %7.1f s wall %7.1f s CPU %6s MB peak RSS\n' "$name" "$s" "$cpu" "$mem"
	sed 's/^/    /' "$work/out" | head -3
}

measure "placemap import postcodes (GeoPackage)" "$work/placemap" import postcodes --data "$work/data" "$work/onspd.csv"
ls -l "$work/data" >/dev/null

if psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	db="placemap_pcbench_$$"
	psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
	url="${admin%/*}/$db"
	"$work/placemap" migrate --db "$url" >/dev/null 2>&1 || true
	measure "placemap import postcodes (PostGIS)" "$work/placemap" import postcodes --db "$url" "$work/onspd.csv"
	cols=$(head -1 "$work/onspd.csv" | tr -d '"' | sed 's/,/ text, /g; s/$/ text/')
	cat >"$work/peer.sql" <<SQL
CREATE TABLE peer ($cols);
\\copy peer FROM '$work/onspd.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE peer ADD COLUMN point geometry(Point, 4326);
UPDATE peer SET point = ST_SetSRID(ST_MakePoint(long::float8, lat::float8), 4326) WHERE lat <> '99.999999';
ALTER TABLE peer ADD PRIMARY KEY (pcds);
SQL
	measure "peer: psql COPY + point column + key" psql -q -v ON_ERROR_STOP=1 "$url" -f "$work/peer.sql"
	psql -q "$url" -At -c "SELECT 'stored: placemap ' || (SELECT count(*) FROM postcodes) || ', peer ' || (SELECT count(*) FROM peer WHERE point IS NOT NULL)"
else
	echo "(PostGIS runs skipped: no PostgreSQL at $admin)" >&2
fi
