# The hub's HTTP API, live WebSocket, staff access and radio desk (hub/http/, issue 5).
# Included from hub/CMakeLists.txt; the page's files are served from CONVOY_WEB_DIR unless
# convoy-hub is given --web DIR.
target_sources(convoy_hub PRIVATE
  http/api.cc
  http/api.h
  http/api_json.cc
  http/api_json.h
  http/beast.h
  http/json_writer.cc
  http/json_writer.h
  http/live.cc
  http/live.h
  http/options.h
  http/radio_desk.cc
  http/radio_desk.h
  http/router.cc
  http/router.h
  http/server.cc
  http/server.h
  http/staff.cc
  http/staff.h
)
target_compile_definitions(convoy_hub PUBLIC CONVOY_WEB_DIR="${CMAKE_BINARY_DIR}/web")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 takes Asio's awaitable frames (their own operator new and delete pair) for a mismatch
  # in Connection::Serve: a false -Wmismatched-new-delete.
  set_source_files_properties(http/server.cc PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
