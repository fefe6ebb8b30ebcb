# The reporting link: wire format, handshake, roster, and the link end to end.
add_library(convoy_test_support STATIC
  support/gpsfake.h
  support/hub_harness.cc
  support/hub_harness.h
  support/tcp_proxy.cc
  support/tcp_proxy.h
  support/temp_dir.h
  support/tracker_harness.cc
  support/tracker_harness.h
)
target_include_directories(convoy_test_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(convoy_test_support PUBLIC convoy_hub convoy_tracker GTest::gtest)
convoy_test_code(convoy_test_support)

convoy_test(fix_codec_test proto/fix_codec_test.cc LIBS convoy_proto)
convoy_test(framing_test proto/framing_test.cc LIBS convoy_proto)
convoy_test(roster_test proto/roster_test.cc LIBS convoy_proto)
convoy_test(json_test proto/json_test.cc LIBS convoy_proto)
convoy_test(utf8_test proto/utf8_test.cc LIBS convoy_proto)
convoy_test(seq_set_test hub/seq_set_test.cc LIBS convoy_hub)
convoy_test(link_test hub/link_test.cc LIBS convoy_test_support)

# Process-level tests: they run the built binaries.
target_sources(convoy_test_support PRIVATE support/process.cc support/process.h)
convoy_test(crash_test hub/crash_test.cc LIBS convoy_test_support)
add_dependencies(crash_test convoy-hub convoy-sim)
convoy_test(gpsd_to_hub_test hub/gpsd_to_hub_test.cc LIBS convoy_test_support LOCK gpsd)
add_dependencies(gpsd_to_hub_test convoy-tracker)
convoy_test(convoy_service_test hub/convoy_service_test.cc LIBS convoy_test_support)
