#!/bin/sh
# Builds and runs the NMEA decoding benchmark against gpsd's gpsdecode (gpsd-clients).
# Usage: tests/bench/nmea_bench.sh [BUILD_DIR] [nmea_bench flags: --mb N --runs N ...]
set -eu
build=${1:-build-bench}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")/../.." && pwd)
cmake -S "$here" -B "$here/$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$here/$build" -j2 nmea_bench
exec "$here/$build/bin/nmea_bench" "$@"
