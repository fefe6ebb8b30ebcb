# The hub's HTTP API, live WebSocket, staff access and radio desk (issue 5): real hubs on
# loopback with a Beast client. Paths are relative to tests/.
convoy_test(http_router_test hub/http/router_test.cc LIBS convoy_hub)
if(TARGET convoy_test_support)
  add_library(convoy_http_test_support STATIC hub/http/api_fixture.cc hub/http/api_fixture.h)
  target_link_libraries(convoy_http_test_support PUBLIC convoy_test_support)
  convoy_test_code(convoy_http_test_support)
  convoy_test(http_api_test hub/http/api_test.cc LIBS convoy_http_test_support)
  convoy_test(http_live_test hub/http/live_test.cc LIBS convoy_http_test_support)
  convoy_test(http_radio_test hub/http/radio_test.cc LIBS convoy_http_test_support)
endif()

# Benchmark (not run by ctest): tests/bench/http_bench.sh builds and runs it.
add_executable(http_bench bench/http_bench.cc)
target_link_libraries(http_bench PRIVATE convoy_hub)
