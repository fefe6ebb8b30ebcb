# Tests of hub/replay/ (the replay index and API) and hub/report/ (convoy-replay report).
# Paths are relative to tests/.
convoy_test(replay_api_test hub/replay/replay_api_test.cc hub/export/test_recording.h
  support/process.cc LIBS convoy_hub)
convoy_test(report_test hub/report/report_test.cc hub/export/test_recording.h support/process.cc
  LIBS convoy_hub)
# The report test runs the real binary (and headless Chromium on its page).
add_dependencies(report_test convoy-replay)

# Benchmark (not run by ctest): tests/bench/replay_bench.sh writes the export bench's two-day
# recording and times seeks through the replay API.
add_executable(replay_bench bench/replay_bench.cc)
target_link_libraries(replay_bench PRIVATE convoy_hub)
