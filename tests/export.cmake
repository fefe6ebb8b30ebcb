# Tests of hub/export/ (convoy-replay export). Paths are relative to tests/.
convoy_test(export_time_text_test hub/export/time_text_test.cc LIBS convoy_hub)
convoy_test(export_privacy_test hub/export/privacy_test.cc LIBS convoy_hub)
convoy_test(export_progress_test hub/export/progress_test.cc LIBS convoy_hub)
convoy_test(export_formats_test hub/export/formats_test.cc hub/export/test_recording.h
  support/process.cc LIBS convoy_hub)
convoy_test(export_events_test hub/export/events_test.cc hub/export/test_recording.h
  support/process.cc LIBS convoy_hub)
convoy_test(export_command_test hub/export/command_test.cc hub/export/test_recording.h
  support/process.cc LIBS convoy_hub)
# The command test runs the real binary.
add_dependencies(export_command_test convoy-replay)

# Benchmark (not run by ctest): tests/bench/export_bench.sh writes the recording with it and
# times convoy-replay export beside ogr2ogr.
add_executable(export_bench bench/export_bench.cc)
target_link_libraries(export_bench PRIVATE convoy_hub)
target_compile_definitions(export_bench PRIVATE CONVOY_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")

# End to end through a real hub and trackers (tests/support, defined in link.cmake).
if(TARGET convoy_test_support)
  convoy_test(export_hub_test hub/export/hub_export_test.cc LIBS convoy_test_support)
endif()
