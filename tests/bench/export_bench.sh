#!/usr/bin/env bash
# convoy-replay export beside ogr2ogr, in one run, on a two-day tour of 40 cars at 1 Hz
# (2,880,000 fixes, written by export_bench along tests/data/tour/day1_rome_to_positano.geojson).
# Not run by ctest.
#
#   tests/bench/export_bench.sh [BUILD_DIR] [RUNS]        (defaults: build 5)
#
# CONVOY_BENCH_CARS and CONVOY_BENCH_HOURS (per day) make a smaller tour for a quick try.
# Build first: ninja -C BUILD_DIR convoy-replay export_bench. Needs gdal-bin (ogr2ogr).
#
# What is compared, and why it is fair:
#   - GPX: `convoy-replay export --format gpx` reads the hub's journal and writes one <trk> per car
#     with its name, a <trkseg> per segment and a <trkpt> (lat, lon, ele, time) per good fix.
#     ogr2ogr gets the same recording as a GeoPackage (our archive export, made once, untimed:
#     the format GDAL reads fastest) and writes the same GPX: trk per car with its name, trkseg
#     per segment, trkpt with ele and time, flagged fixes left out, through the GPX driver's
#     track_points layer.
#   - GeoPackage: `convoy-replay export --format gpkg` (layers fixes, tracks, alerts, radio,
#     rally_points, every one with its R-tree spatial index) against `ogr2ogr -f GPKG` copying
#     that same GeoPackage: the same layers, rows and spatial indexes.
#   Both sides run with the privacy cut off (--privacy-radius 0), so that they write the same
#   points. Each of RUNS rounds runs the four commands in turn (so that load from other work on
#   the machine falls on all of them alike); medians of wall-clock time and of CPU time
#   (user + sys) are reported, with fixes/s = recorded fixes / seconds.
set -euo pipefail

BUILD=${1:-build}
RUNS=${2:-5}
REPLAY=$BUILD/bin/convoy-replay
GEN=$BUILD/bin/export_bench
for tool in "$REPLAY" "$GEN"; do
  [ -x "$tool" ] || { echo "no $tool: build convoy-replay and export_bench first" >&2; exit 1; }
done
command -v ogr2ogr >/dev/null || { echo "needs ogr2ogr (apt-get install gdal-bin)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/convoy-export-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

"$GEN" --out "$TMP" --cars "${CONVOY_BENCH_CARS:-40}" --days 2 --hours "${CONVOY_BENCH_HOURS:-10}"
FIXES=$("$REPLAY" dump --data "$TMP/data" | tail -n +2 | wc -l)
echo "recording: $FIXES fixes, journal $(du -sh "$TMP/data" | cut -f1)"
"$REPLAY" export --data "$TMP/data" --roster "$TMP/cars.csv" --format gpkg --out "$TMP/source.gpkg" \
  --privacy-radius 0 --quiet

GPX_SQL="SELECT f.geom, f.track_fid - 1 AS track_fid, f.segment - 1 AS track_seg_id,
  t.name AS track_name, f.time, f.altitude_m AS ele
  FROM fixes f JOIN tracks t ON t.fid = f.track_fid WHERE f.verdict = 'good'"

# Runs a command, appends "wall cpu" seconds to the file $1.
timed() {
  local log=$1
  shift
  rm -f "$TMP"/out.*
  /usr/bin/time -f "%e %U %S" -o "$TMP/time.txt" "$@" >/dev/null 2>"$TMP/stderr.txt" ||
    { cat "$TMP/stderr.txt" >&2; exit 1; }
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$TMP/time.txt" >>"$log"
}

for run in $(seq 1 "$RUNS"); do
  echo "round $run of $RUNS (load average $(cut -d' ' -f1 /proc/loadavg))"
  timed "$TMP/ours_gpx" "$REPLAY" export --data "$TMP/data" --roster "$TMP/cars.csv" \
    --format gpx --out "$TMP/out.gpx" --privacy-radius 0 --quiet
  GPX_POINTS=$(grep -c '<trkpt' "$TMP/out.gpx")
  timed "$TMP/ogr_gpx" ogr2ogr -f GPX "$TMP/out.gpx" "$TMP/source.gpkg" -sql "$GPX_SQL" \
    -nln track_points
  OGR_GPX_POINTS=$(grep -c '<trkpt' "$TMP/out.gpx")
  timed "$TMP/ours_gpkg" "$REPLAY" export --data "$TMP/data" --roster "$TMP/cars.csv" \
    --format gpkg --out "$TMP/out.gpkg" --privacy-radius 0 --quiet
  GPKG_ROWS=$(ogrinfo -ro -so "$TMP/out.gpkg" fixes | sed -n 's/^Feature Count: //p')
  timed "$TMP/ogr_gpkg" ogr2ogr -f GPKG "$TMP/out.gpkg" "$TMP/source.gpkg"
  OGR_GPKG_ROWS=$(ogrinfo -ro -so "$TMP/out.gpkg" fixes | sed -n 's/^Feature Count: //p')
done
echo "GPX trkpt: ours $GPX_POINTS, ogr2ogr $OGR_GPX_POINTS; GeoPackage fixes: ours $GPKG_ROWS," \
  "ogr2ogr $OGR_GPKG_ROWS"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
report() {
  local name=$1 log=$2
  local wall cpu
  wall=$(cut -d' ' -f1 "$log" | median)
  cpu=$(cut -d' ' -f2 "$log" | median)
  printf "%-28s wall %7.2f s %10.0f fixes/s   cpu %7.2f s %10.0f fixes/s\n" "$name" "$wall" \
    "$(awk -v n="$FIXES" -v s="$wall" 'BEGIN { print n / s }')" "$cpu" \
    "$(awk -v n="$FIXES" -v s="$cpu" 'BEGIN { print n / s }')"
}
echo "medians of $RUNS runs, $FIXES fixes:"
report "convoy-replay export gpx" "$TMP/ours_gpx"
report "ogr2ogr gpkg -> gpx" "$TMP/ogr_gpx"
report "convoy-replay export gpkg" "$TMP/ours_gpkg"
report "ogr2ogr gpkg -> gpkg" "$TMP/ogr_gpkg"
ratio() {
  awk -v a="$(cut -d' ' -f"$3" "$2" | median)" -v b="$(cut -d' ' -f"$3" "$1" | median)" \
    'BEGIN { printf "%.1fx", a / b }'
}
echo "GPX: ours is $(ratio "$TMP/ours_gpx" "$TMP/ogr_gpx" 1) ogr2ogr's speed (wall)," \
  "$(ratio "$TMP/ours_gpx" "$TMP/ogr_gpx" 2) (cpu)"
echo "GeoPackage: ours is $(ratio "$TMP/ours_gpkg" "$TMP/ogr_gpkg" 1) ogr2ogr's speed (wall)," \
  "$(ratio "$TMP/ours_gpkg" "$TMP/ogr_gpkg" 2) (cpu)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
