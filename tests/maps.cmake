# Tests of maps/ (routes, rally points, tour plans). Paths are relative to tests/.
convoy_test(maps_latlon_test maps/latlon_test.cc LIBS convoy_maps)
convoy_test(maps_text_format_test maps/text_format_test.cc LIBS convoy_maps)
convoy_test(maps_route_test maps/route_test.cc LIBS convoy_maps)
convoy_test(maps_route_continuity_test maps/route_continuity_test.cc LIBS convoy_maps)
convoy_test(maps_route_accuracy_test maps/route_accuracy_test.cc LIBS convoy_maps)
convoy_test(maps_route_file_test maps/route_file_test.cc LIBS convoy_maps)
convoy_test(maps_rally_point_test maps/rally_point_test.cc LIBS convoy_maps)
convoy_test(maps_tour_plan_test maps/tour_plan_test.cc LIBS convoy_maps)

# Benchmark (not run by ctest): tests/bench/route_bench.sh runs it beside PostGIS.
add_executable(route_bench bench/route_bench.cc)
target_link_libraries(route_bench PRIVATE convoy_maps)
target_compile_definitions(route_bench PRIVATE CONVOY_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")
