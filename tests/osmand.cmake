# Phones as trackers over the OsmAnd protocol (issue 7): parser, recorder, endpoint over real
# sockets, a mixed convoy of phones and units, a hub restart. Paths are relative to tests/.
convoy_test(osmand_request_test hub/osmand/request_test.cc LIBS convoy_hub)
convoy_test(osmand_phone_recorder_test hub/osmand/phone_recorder_test.cc support/fault_fs.cc
            LIBS convoy_test_support)
convoy_test(osmand_endpoint_test hub/osmand/endpoint_test.cc hub/osmand/http_client.cc
            LIBS convoy_test_support)
convoy_test(osmand_durability_test hub/osmand/durability_test.cc hub/osmand/http_client.cc
            support/fault_fs.cc LIBS convoy_test_support)
convoy_test(osmand_mixed_convoy_test hub/osmand/mixed_convoy_test.cc hub/osmand/http_client.cc
            LIBS convoy_test_support)
convoy_test(osmand_process_test hub/osmand/process_test.cc hub/osmand/http_client.cc
            LIBS convoy_test_support)
add_dependencies(osmand_process_test convoy-hub convoy-replay)

# Benchmark (not run by ctest): tests/bench/osmand_bench.sh builds and runs it.
add_executable(osmand_bench bench/osmand_bench.cc)
target_link_libraries(osmand_bench PRIVATE convoy_hub)
