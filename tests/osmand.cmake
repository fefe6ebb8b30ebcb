# Phones as trackers over the OsmAnd protocol (issue 7): parser, recorder, endpoint over real
# sockets, a mixed convoy of phones and units, a hub restart. Paths are relative to tests/.
# The tests' phone: a Beast HTTP client, compiled once for the four tests that use it.
add_library(convoy_osmand_test_client STATIC hub/osmand/http_client.cc)
target_include_directories(convoy_osmand_test_client PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(convoy_osmand_test_client PUBLIC convoy_test_support)
convoy_test_code(convoy_osmand_test_client)
convoy_test(osmand_request_test hub/osmand/request_test.cc LIBS convoy_hub)
convoy_test(osmand_phone_recorder_test hub/osmand/phone_recorder_test.cc
            LIBS convoy_test_support convoy_fault_fs)
convoy_test(osmand_endpoint_test hub/osmand/endpoint_test.cc
            LIBS convoy_osmand_test_client)
convoy_test(osmand_durability_test hub/osmand/durability_test.cc
            LIBS convoy_osmand_test_client convoy_fault_fs)
convoy_test(osmand_mixed_convoy_test hub/osmand/mixed_convoy_test.cc
            LIBS convoy_osmand_test_client)
convoy_test(osmand_process_test hub/osmand/process_test.cc
            LIBS convoy_osmand_test_client)
add_dependencies(osmand_process_test convoy-hub convoy-replay)

# Benchmark (not run by ctest): tests/bench/osmand_bench.sh builds and runs it.
add_executable(osmand_bench bench/osmand_bench.cc)
target_link_libraries(osmand_bench PRIVATE convoy_hub)
