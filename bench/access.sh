#!/usr/bin/env bash
# Walking access on an OSM extract (default: Delaware, the largest shared
# one), placemap against pgRouting on the same graph in the same run:
#
# 1. The network import: `placemap import network FILE --mode walk` into a
#    fresh GeoPackage, against Debian's osm2pgrouting with the walk classes
#    of internal/network/testdata/mapconfig-walk.xml into a fresh PostGIS
#    database (after `osmium cat` to OSM XML, the only input it reads, timed
#    apart). Wall, CPU and peak RSS of each (GNU time -v).
# 2. The access run: `placemap access --category library --from SET` for two
#    origin sets: the extract's towns (`placemap import osm --boundaries
#    --admin-level 8`) and a grid of 0.01° cells holding at least one street
#    vertex (made in PostGIS from osm2pgrouting's vertices, imported with
#    `placemap import set`); libraries from `placemap import osm`. Against
#    pgRouting on osm2pgrouting's graph (undirected, cost = ellipsoidal
#    metres), origins and libraries put at their nearest vertex of its
#    largest component without the ways placemap's walk filter leaves out
#    (osm2pgrouting cannot: foot=no, access=private; listed with osmium
#    tags-filter): one-to-many pgr_dijkstraCost from each library to
#    every origin, looping over the libraries (the way to get a nearest
#    asset without a multi-source search), and one many-to-many call. Wall
#    time of each and the PostgreSQL backend's peak RSS (VmHWM, which counts
#    the shared buffers it touched) and CPU time (the psql client's is
#    nothing). placemap's run is the whole command:
#    reading the store, snapping, the one multi-source search, indicators
#    and writing them; pgRouting's is the search alone. bench/accessbench
#    times placemap's engine alone (build, snap, search) from the same
#    vertices, and its distances are compared with pgRouting's, on all
#    osm2pgrouting's ways and without the filtered ones.
#
#   bench/access.sh [FILE.osm.pbf]
#
# Needs GNU time (Debian package time), osmium-tool, gdal-bin (ogr2ogr),
# osm2pgrouting and PostgreSQL with PostGIS and pgRouting
# (postgresql-15-pgrouting) at $PLACEMAP_BENCH_PG; a scratch database is
# made and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-geodata/osm/delaware-latest.osm.pbf}"
source bench/lib.sh
for p in /usr/bin/time osmium osm2pgrouting ogr2ogr psql; do
	command -v "$p" >/dev/null || { echo "needs $p (scripts/test installs it)" >&2; exit 1; }
done
go build -o "$work/placemap" ./cmd/placemap
pm() { "$work/placemap" "$@" --data "$work/data"; }
# has CMD: whether this build of placemap has the command (its usage says so).
has() { "$work/placemap" help 2>&1 | grep -q "placemap $1 "; }
echo "placemap $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: $file, $(du -m "$file" | cut -f1) MB"

# measure NAME COMMAND...: one run's wall seconds, CPU seconds and peak RSS;
# sets $wall for ratios.
measure() {
	local name=$1; shift
	/usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" "$work/out" >&2; exit 1; }
	local cpu mem
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); t=0; for(i=1;i<=n;i++) t=t*60+a[i]; print t}' "$work/time")
	cpu=$(awk -F': ' '/User time/{u=$2} /System time/{y=$2} END{print u+y}' "$work/time")
	mem=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$work/time")
	printf '%-58s %7.2f s wall %7.2f s CPU %6s MiB peak RSS\n' "$name" "$wall" "$cpu" "$mem"
}
ratio() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'{a/b:.1f}x' if b > 0 else 'n/a')" "$1" "$2"; }

echo; echo "== network import"
if has "import network"; then
	measure "placemap import network --mode walk (GeoPackage)" "$work/placemap" import network "$file" --mode walk --data "$work/data"
	pm_import=$wall
	sed 's/^/    /' "$work/out" | head -6
else
	echo "(placemap import network is not in this build: the engine's build alone is timed below)"
	pm_import=0
fi
measure "osmium cat to OSM XML (for osm2pgrouting)" osmium cat -O "$file" -o "$work/x.osm"
cat_s=$wall
db="placemap_accessbench_$$"
psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
url="${admin%/*}/$db"
q() { psql -qAt -v ON_ERROR_STOP=1 "$url" "$@"; }
q -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION pgrouting"
pguser=$(q -c "SELECT current_user"); pghost=$(q -c "SELECT coalesce(host(inet_server_addr()), 'localhost')"); pgport=$(q -c "SELECT current_setting('port')")
measure "osm2pgrouting (mapconfig-walk.xml)" osm2pgrouting -f "$work/x.osm" -c internal/network/testdata/mapconfig-walk.xml \
	-d "$db" -U "$pguser" -h "$pghost" -p "$pgport"
o2p_s=$wall
q -F' ' -c "SELECT 'osm2pgrouting graph: ' || count(DISTINCT osm_id) || ' ways, ' || count(*) || ' edges, ' ||
	(SELECT count(*) FROM ways_vertices_pgr) || ' vertices, ' || round(sum(length_m)::numeric / 1000, 1) || ' km' FROM ways"
peer_s=$(python3 -c "print(f'{$cat_s + $o2p_s:.2f}')")
echo "import ratio (osmium cat + osm2pgrouting) / placemap: $peer_s s / $pm_import s = $(ratio "$peer_s" "$pm_import")"

echo; echo "== origins and libraries"
# The ways osm2pgrouting keeps and placemap's walk filter leaves out by
# tags other than highway (foot=no|private|use_sidepath; access=private|no
# unless foot=yes|designated|permissive), found with osmium.
osmium tags-filter -O -R "$file" w/foot=no,private,use_sidepath -o "$work/fa.osm.pbf"
osmium tags-filter -O -R "$file" w/access=private,no -o "$work/fb0.osm.pbf"
osmium tags-filter -O -R -i "$work/fb0.osm.pbf" w/foot=yes,designated,permissive -o "$work/fb.osm.pbf"
{ osmium cat -f opl "$work/fa.osm.pbf"; osmium cat -f opl "$work/fb.osm.pbf"; } | awk '/^w/ {print substr($1, 2)}' | sort -u >"$work/filtered.txt"
q -c "CREATE TABLE filtered (osm_id bigint PRIMARY KEY)" -c "\\copy filtered FROM '$work/filtered.txt'"
q -c "SELECT 'ways osm2pgrouting keeps that the walk filter leaves out by other tags: ' || count(DISTINCT osm_id) FROM ways WHERE osm_id IN (SELECT osm_id FROM filtered)"
# Both engines start from vertices of the largest component of
# osm2pgrouting's graph without those ways (so no start lies on a way only
# pgRouting walks), indexed for nearest-vertex search. pgRouting is timed
# on all its ways, as a user of it would run it.
q <<'SQL'
CREATE TABLE lvert AS
  WITH c AS (SELECT component, node FROM pgr_connectedComponents(
    'SELECT gid AS id, source, target, length_m AS cost, length_m AS reverse_cost FROM ways WHERE osm_id NOT IN (SELECT osm_id FROM filtered)'))
  SELECT v.id, v.the_geom FROM ways_vertices_pgr v JOIN c ON c.node = v.id
  WHERE c.component = (SELECT component FROM c GROUP BY component ORDER BY count(*) DESC LIMIT 1);
CREATE INDEX ON lvert USING gist (the_geom);
CREATE TABLE grid AS
  SELECT row_number() OVER (ORDER BY g.i, g.j) AS code, g.geom
  FROM ST_SquareGrid(0.01, (SELECT ST_SetSRID(ST_Extent(the_geom), 4326) FROM ways_vertices_pgr)) g
  WHERE EXISTS (SELECT 1 FROM ways_vertices_pgr v WHERE ST_Intersects(v.the_geom, g.geom));
SQL
q -c "SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object('type', 'Feature',
	'properties', json_build_object('code', 'g' || code, 'name', 'cell ' || code), 'geometry', ST_AsGeoJSON(geom)::json)))
	FROM grid" >"$work/grid.geojson"
measure "placemap import osm --categories library (for reference)" "$work/placemap" import osm "$file" --categories library --data "$work/data"
tail -1 "$work/out" | sed 's/^/    /'
pm import osm "$file" --boundaries --admin-level 8 --slug towns --title "Towns (admin_level 8)" | grep -m1 imported || true
pm import set "$work/grid.geojson" --slug grid --title "Street grid 0.01 degrees" --code-field code --name-field name | tail -1
pm export assets --format geojson --out "$work/assets.geojson"
pm export set towns --format geojson --out "$work/towns.geojson"
ogr2ogr -f PostgreSQL "PG:host=$pghost port=$pgport user=$pguser dbname=$db" "$work/assets.geojson" -nln assets -lco GEOMETRY_NAME=geom -nlt GEOMETRY
ogr2ogr -f PostgreSQL "PG:host=$pghost port=$pgport user=$pguser dbname=$db" "$work/towns.geojson" -nln towns -lco GEOMETRY_NAME=geom -nlt MULTIPOLYGON
q <<'SQL'
CREATE TABLE asset_v AS SELECT DISTINCT (SELECT v.id FROM lvert v ORDER BY v.the_geom <-> ST_PointOnSurface(a.geom) LIMIT 1) AS vid
  FROM assets a WHERE a.category = 'library';
CREATE TABLE grid_v AS SELECT DISTINCT (SELECT v.id FROM lvert v ORDER BY v.the_geom <-> ST_PointOnSurface(g.geom) LIMIT 1) AS vid FROM grid g;
CREATE TABLE towns_v AS SELECT DISTINCT (SELECT v.id FROM lvert v ORDER BY v.the_geom <-> ST_PointOnSurface(t.geom) LIMIT 1) AS vid FROM towns t;
SQL
q -F' ' -c "SELECT 'libraries: ' || (SELECT count(*) FROM assets WHERE category = 'library') || ' (' || (SELECT count(*) FROM asset_v) ||
	' distinct pgRouting vertices); grid cells: ' || (SELECT count(*) FROM grid) || ' (' || (SELECT count(*) FROM grid_v) ||
	' vertices); towns: ' || (SELECT count(*) FROM towns) || ' (' || (SELECT count(*) FROM towns_v) || ' vertices)'"

echo; echo "== access to the nearest library"
# The points both engines start from: each library's and origin's vertex.
for t in asset_v grid_v towns_v; do
	q -F, -c "SELECT t.vid, ST_X(v.the_geom), ST_Y(v.the_geom) FROM $t t JOIN lvert v ON v.id = t.vid ORDER BY t.vid" >"$work/$t.csv"
done
edges="SELECT gid AS id, source, target, length_m AS cost, length_m AS reverse_cost FROM ways"
# pgr_runs SET: pgRouting's two runs for one origin set, each a psql
# script ending with the backend's peak RSS; the many-to-many answers are
# kept in table m2m_SET. pgr_dijkstraCost gives no row from a vertex to
# itself: an origin at a library's vertex is added at 0 m.
pgr_runs() {
	local set=$1 origins=${1}_v
	{
		echo "CREATE TEMP TABLE o2m (start_vid bigint, end_vid bigint, agg_cost float8);"
		for a in $(cut -d, -f1 "$work/asset_v.csv"); do
			echo "INSERT INTO o2m SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost('$edges', $a, (SELECT array_agg(vid) FROM $origins), directed => false);"
		done
		echo "INSERT INTO o2m SELECT vid, vid, 0 FROM asset_v WHERE vid IN (SELECT vid FROM $origins);"
		echo "SELECT count(DISTINCT end_vid) || ' origins reached, mean nearest ' || round(avg(m)::numeric, 1) || ' m' FROM (SELECT end_vid, min(agg_cost) AS m FROM o2m GROUP BY end_vid) x;"
		echo "SELECT pg_backend_pid() AS pid \\gset"
		echo "\\setenv BPID :pid"
		echo "\\! grep VmHWM /proc/\$BPID/status || true"
		echo "\\! awk -v hz=\$(getconf CLK_TCK) '{printf \"backend CPU %.2f s\\n\", (\$14 + \$15) / hz}' /proc/\$BPID/stat || true"
	} >"$work/o2m.sql"
	{
		echo "CREATE TABLE m2m_$set AS SELECT vid, min(metres) AS metres FROM (SELECT end_vid AS vid, agg_cost AS metres FROM pgr_dijkstraCost('$edges', (SELECT array_agg(vid) FROM asset_v), (SELECT array_agg(vid) FROM $origins), directed => false)"
		echo "  UNION ALL SELECT vid, 0 FROM asset_v WHERE vid IN (SELECT vid FROM $origins)) x GROUP BY vid;"
		echo "SELECT count(*) || ' origins reached, mean nearest ' || round(avg(metres)::numeric, 1) || ' m' FROM m2m_$set;"
		echo "SELECT pg_backend_pid() AS pid \\gset"
		echo "\\setenv BPID :pid"
		echo "\\! grep VmHWM /proc/\$BPID/status || true"
		echo "\\! awk -v hz=\$(getconf CLK_TCK) '{printf \"backend CPU %.2f s\\n\", (\$14 + \$15) / hz}' /proc/\$BPID/stat || true"
	} >"$work/m2m.sql"
	measure "pgRouting one-to-many from each library ($(wc -l <"$work/asset_v.csv") calls)" psql -qAt -v ON_ERROR_STOP=1 "$url" -f "$work/o2m.sql"
	o2m_s=$wall
	sed 's/^/    /; s/VmHWM:\s*/backend peak RSS (VmHWM) /' "$work/out"
	measure "pgRouting many-to-many (one call)" psql -qAt -v ON_ERROR_STOP=1 "$url" -f "$work/m2m.sql"
	m2m_s=$wall
	sed 's/^/    /; s/VmHWM:\s*/backend peak RSS (VmHWM) /' "$work/out"
}

# engine SET: placemap's engine alone (bench/accessbench: build, snap, one
# multi-source search) on the same vertices, and its agreement with
# pgRouting's many-to-many answers.
engine() {
	local set=$1
	measure "placemap engine: build + snap + multi-source search" "$work/accessbench" -osm "$file" \
		-assets "$work/asset_v.csv" -origins "$work/${set}_v.csv" -out "$work/pm_$set.csv"
	eng_s=$wall
	sed 's/^/    /' "$work/out"
	q -c "CREATE TABLE pm_$set (vid bigint, metres float8, snap float8)" -c "\\copy pm_$set FROM '$work/pm_$set.csv' CSV"
	q -c "CREATE TABLE m2mf_$set AS SELECT vid, min(metres) AS metres FROM (SELECT end_vid AS vid, agg_cost AS metres FROM pgr_dijkstraCost('$edges WHERE osm_id NOT IN (SELECT osm_id FROM filtered)',
		(SELECT array_agg(vid) FROM asset_v), (SELECT array_agg(vid) FROM ${set}_v), directed => false)
		UNION ALL SELECT vid, 0 FROM asset_v WHERE vid IN (SELECT vid FROM ${set}_v)) x GROUP BY vid"
	for t in m2m m2mf; do
		q -F' ' -c "SELECT 'agreement with pgRouting ' || CASE '$t' WHEN 'm2m' THEN 'on all its ways' ELSE 'without the filtered ways' END ||
			' (' || count(*) FILTER (WHERE p.snap < 0.01) || ' of ' || count(*) || ' origins snapped < 1 cm): |difference| max ' ||
			round(max(abs(p.metres - m.metres))::numeric, 3) || ' m, median ' ||
			round((percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(p.metres - m.metres)))::numeric, 4) || ' m, ' ||
			count(*) FILTER (WHERE abs(p.metres - m.metres) <= 0.01) || ' within 1 cm, ' ||
			count(*) FILTER (WHERE abs(p.metres - m.metres) > greatest(10, 0.01 * m.metres)) || ' beyond max(1%, 10 m)'
			FROM pm_$set p JOIN ${t}_$set m USING (vid)"
	done
	q -c "SELECT '    reached by one engine only: ' || ((SELECT count(*) FROM pm_$set) + (SELECT count(*) FROM m2m_$set) - 2 * (SELECT count(*) FROM pm_$set JOIN m2m_$set USING (vid)))"
}

go build -o "$work/accessbench" ./bench/accessbench
for set in grid towns; do
	echo "-- --from $set ($(wc -l <"$work/${set}_v.csv") origin vertices)"
	pgr_runs "$set"
	engine "$set"
	echo "  engine: pgRouting one-to-many loop / placemap = $(ratio "$o2m_s" "$eng_s"), many-to-many / placemap = $(ratio "$m2m_s" "$eng_s")"
	if has access; then
		# --max-minutes 600 (48 km, the most it takes): beyond any nearest library here, as
		# pgRouting has no limit; then the default 60 minutes, as the command is run.
		measure "placemap access --category library --from $set --max-minutes 600" "$work/placemap" access --category library --from "$set" --max-minutes 600 --report "$work/report-$set.json" --data "$work/data"
		pm_s=$wall
		sed -n '1,4p' "$work/out" | sed 's/^/    /'
		echo "  whole run: pgRouting one-to-many loop / placemap access = $(ratio "$o2m_s" "$pm_s"), many-to-many / placemap access = $(ratio "$m2m_s" "$pm_s")"
		measure "placemap access --category library --from $set (60 minutes)" "$work/placemap" access --category library --from "$set" --data "$work/data"
		sed -n '1,2p' "$work/out" | sed 's/^/    /'
	else
		echo "  (placemap access is not in this build)"
	fi
done
echo
echo "peers: $(osm2pgrouting --version 2>&1 | head -1); pgRouting $(q -c "SELECT pgr_version()"); PostgreSQL $(q -c "SHOW server_version")"
