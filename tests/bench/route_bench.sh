#!/usr/bin/env bash
# Route::Project beside PostGIS's ST_LineLocatePoint on the same 100,000-vertex route and the same
# points, in one run. Not run by ctest.
#
#   tests/bench/route_bench.sh [BUILD_DIR] [N_POINTS]      (defaults: build 2000)
#
# Needs Debian's postgresql-15-postgis-3 (installed with apt-get when run as root). Starts a
# throwaway cluster in a temp dir, listening on 127.0.0.1 only, as user postgres when run as root,
# and removes it on exit. PostGIS gets the line as one geometry(LineString, 4326) and the points as
# a table; each of 5 runs times
#     SELECT sum(ST_LineLocatePoint(route, pt)) over all points
# in one query (two query shapes, the faster one counts), and the median is compared with
# route_bench's median for Project(p) without a hint on exactly the same points.
set -euo pipefail

BUILD=${1:-build}
N=${2:-2000}
BENCH=$BUILD/bin/route_bench
PGBIN=/usr/lib/postgresql/15/bin
PORT=${CONVOY_BENCH_PG_PORT:-54329}

[ -x "$BENCH" ] || { echo "no $BENCH: build the route_bench target first" >&2; exit 1; }
if [ ! -x $PGBIN/initdb ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3 >/dev/null
  else
    echo "needs postgresql-15-postgis-3 (apt-get install postgresql-15-postgis-3)" >&2
    exit 1
  fi
fi

TMP=$(mktemp -d /tmp/convoy-route-bench.XXXXXX)
chmod 755 "$TMP"
AS_PG=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$TMP"
  AS_PG=(runuser -u postgres --)
fi
stop() {
  "${AS_PG[@]}" $PGBIN/pg_ctl -D "$TMP/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap stop EXIT

"${AS_PG[@]}" $PGBIN/initdb -D "$TMP/db" -A trust -U bench >/dev/null
"${AS_PG[@]}" $PGBIN/pg_ctl -D "$TMP/db" -l "$TMP/db.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $TMP -c shared_buffers=256MB -c work_mem=256MB -c jit=off" \
  start >/dev/null

"$BENCH" --dump "$TMP" "$N" | tee "$TMP/bench.txt"

PSQL=(psql -X -h 127.0.0.1 -p "$PORT" -U bench -d postgres -v ON_ERROR_STOP=1 -q)
"${PSQL[@]}" <<SQL
CREATE EXTENSION postgis;
CREATE TABLE route_wkt(wkt text);
\copy route_wkt FROM '$TMP/route.wkt'
CREATE TABLE route AS SELECT ST_GeomFromText(wkt, 4326)::geometry(LineString, 4326) AS geom FROM route_wkt;
CREATE TABLE pts(id int, lon float8, lat float8);
\copy pts FROM '$TMP/points.csv' CSV
ALTER TABLE pts ADD COLUMN geom geometry(Point, 4326);
UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326);
VACUUM ANALYZE;
SQL
echo "PostGIS $("${PSQL[@]}" -tAc 'SELECT postgis_lib_version()'), route $("${PSQL[@]}" -tAc 'SELECT ST_NPoints(geom) FROM route') vertices, $("${PSQL[@]}" -tAc 'SELECT count(*) FROM pts') points"

# A: join with the stored route. B: the route read once into a materialized CTE (no per-row
# de-TOAST of the 1.6 MB line, if PostgreSQL would do one).
Q_A="SELECT sum(ST_LineLocatePoint(r.geom, p.geom)) FROM route r, pts p;"
Q_B="WITH r AS MATERIALIZED (SELECT geom FROM route) SELECT sum(ST_LineLocatePoint(r.geom, p.geom)) FROM r, pts p;"
median_ms() {
  local q=$1
  { echo '\timing on'; for _ in 1 2 3 4 5; do echo "$q"; done; } | "${PSQL[@]}" -t |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -g | sed -n 3p
}
MS_A=$(median_ms "$Q_A")
MS_B=$(median_ms "$Q_B")
MS=$(printf '%s\n%s\n' "$MS_A" "$MS_B" | sort -g | head -1)
PG_RATE=$(awk -v n="$N" -v ms="$MS" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
OURS=$(sed -n 's/^same-points [0-9]* Project(p) \[no hint\]: \([0-9]*\) .*/\1/p' "$TMP/bench.txt")
HINTED=$(sed -n 's/^Project(p, hint).* \([0-9][0-9]*\) projections\/s.*/\1/p' "$TMP/bench.txt")
echo "PostGIS ST_LineLocatePoint: median ${MS_A} ms (join) / ${MS_B} ms (CTE) for $N points -> ${PG_RATE} points/s"
echo "convoy Route::Project on the same $N points, no hint: ${OURS} points/s -> $(awk -v a="$OURS" -v b="$PG_RATE" 'BEGIN { printf "%.0fx", a / b }') PostGIS"
echo "convoy Route::Project with continuity hints (1M fixes): ${HINTED} points/s -> $(awk -v a="$HINTED" -v b="$PG_RATE" 'BEGIN { printf "%.0fx", a / b }') PostGIS"
