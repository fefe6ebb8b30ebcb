# NMEA decoding, the receiver sources and the fix-quality gate (issue 3).
convoy_test(nmea_lexer_test tracker/nmea/lexer_test.cc LIBS convoy_tracker)
convoy_test(nmea_decoder_test tracker/nmea/decoder_test.cc LIBS convoy_tracker)
convoy_test(nmea_golden_test tracker/nmea/golden_test.cc LIBS convoy_tracker)
convoy_test(nmea_sources_test tracker/nmea/sources_test.cc LIBS convoy_tracker)
convoy_test(nmea_gpsd_integration_test tracker/nmea/gpsd_integration_test.cc LIBS convoy_tracker
            LOCK gpsd)
convoy_test(fix_quality_test proto/fix_quality_test.cc LIBS convoy_proto)

# Decoding throughput against gpsd's gpsdecode; a tool, not a test (ctest does not run it).
add_executable(nmea_bench bench/nmea_bench.cc)
target_link_libraries(nmea_bench PRIVATE convoy_tracker)
target_include_directories(nmea_bench PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(nmea_bench PRIVATE CONVOY_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")
