#!/bin/sh
# Builds and runs the OsmAnd endpoint benchmark: phone reports/s over keep-alive connections,
# each answered 200 only after fdatasync (issue 7).
# Usage: tests/bench/osmand_bench.sh [BUILD_DIR] [osmand_bench flags: --connections N --seconds S
#        --runs R --dir DIR --hub-threads T]
set -eu
build=${1:-build-bench}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")/../.." && pwd)
# An existing build dir keeps its own configuration (and build type); a new one is Release.
[ -f "$here/$build/CMakeCache.txt" ] ||
  cmake -S "$here" -B "$here/$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$here/$build" -j2 osmand_bench
exec "$here/$build/bin/osmand_bench" "$@"
