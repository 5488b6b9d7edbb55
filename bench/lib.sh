# Shared by the bench scripts (sourced, from the repository's root): a
# scratch directory, servers and a scratch database cleaned up on exit, and
# small helpers. Scripts add server pids to pids and name a database they
# create in db.
work=$(mktemp -d)
pids=()
db=""
admin="${PLACEMAP_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ -n "$db" ]; then psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# wait_ready URL [TRIES]: polls URL every 0.1 s until it answers.
wait_ready() {
	for _ in $(seq "${2:-200}"); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done
	echo "not ready: $1" >&2; return 1
}
# wait_shapes BASE [TRIES]: waits (0.1 s a try, 5 minutes by default) until
# the placemap server at BASE has read its sets' shapes for tiles at start
# (/metrics placemap_tile_shapes_preparing 0).
wait_shapes() {
	for _ in $(seq "${2:-3000}"); do
		curl -sf "$1/metrics" | grep -qx 'placemap_tile_shapes_preparing 0' && return 0
		sleep 0.1
	done
	echo "shapes not read: $1" >&2; return 1
}
now() { date +%s.%N; }
# secs START END: the seconds between two now readings, to a tenth.
secs() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f}')" "$1" "$2"; }
