# Tests of the convoy model (hub/model/) and the tour scenario (tracker/scenario/), and the
# model's benchmark. Paths are relative to tests/. Included from tests/CMakeLists.txt.
convoy_test(hub_model_alert_rules_test hub/model/alert_rules_test.cc LIBS convoy_model)
convoy_test(hub_model_order_test hub/model/order_test.cc LIBS convoy_model)
convoy_test(hub_model_rally_test hub/model/rally_test.cc LIBS convoy_model)
convoy_test(hub_model_thresholds_test hub/model/thresholds_test.cc LIBS convoy_model)
convoy_test(hub_model_tour_test hub/model/tour_test.cc LIBS convoy_model convoy_scenario)
convoy_test(tracker_scenario_tour_test tracker/scenario/tour_scenario_test.cc LIBS convoy_scenario)

# Benchmark (not run by ctest): OnFix throughput and fix-to-alert latency, 10,000 cars on a
# 100,000-vertex route.
add_executable(model_bench bench/model_bench.cc)
target_link_libraries(model_bench PRIVATE convoy_model convoy_scenario)
target_compile_definitions(model_bench PRIVATE CONVOY_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")
