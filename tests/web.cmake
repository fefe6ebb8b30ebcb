# Real-browser tests of the hub's page (tests/web/): node + playwright-core driving Debian's chromium
# (never a browser download). `npm ci` for tests/web runs at build time into the build dir; the tests
# start real convoy-hub and convoy-sim processes on loopback. Screenshots: ${CMAKE_BINARY_DIR}/artifacts/web.
find_program(CONVOY_TEST_NODE node)
find_program(CONVOY_TEST_NPM npm)
find_program(CONVOY_CHROMIUM NAMES chromium chromium-browser)
if(NOT CONVOY_TEST_NODE OR NOT CONVOY_TEST_NPM OR NOT CONVOY_CHROMIUM OR NOT TARGET convoy_web)
  message(STATUS "tests/web: node, npm, chromium or the page is missing: browser tests not registered")
  return()
endif()

set(CONVOY_WEB_TEST_NPM ${CMAKE_BINARY_DIR}/tests-web-npm)
add_custom_command(
  OUTPUT ${CONVOY_WEB_TEST_NPM}/npm-ci.stamp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CONVOY_WEB_TEST_NPM}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${CMAKE_CURRENT_SOURCE_DIR}/web/package.json
          ${CMAKE_CURRENT_SOURCE_DIR}/web/package-lock.json ${CONVOY_WEB_TEST_NPM}/
  COMMAND ${CONVOY_TEST_NPM} ci --no-audit --no-fund --prefer-offline --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${CONVOY_WEB_TEST_NPM}/npm-ci.stamp
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/web/package.json ${CMAKE_CURRENT_SOURCE_DIR}/web/package-lock.json
  WORKING_DIRECTORY ${CONVOY_WEB_TEST_NPM}
  COMMENT "npm ci for the browser tests (tests/web)"
  VERBATIM)
add_custom_target(convoy_web_tests ALL DEPENDS ${CONVOY_WEB_TEST_NPM}/npm-ci.stamp)
add_dependencies(convoy_web_tests convoy_web convoy-hub convoy-sim)

set(CONVOY_WEB_TEST_ENV
  CONVOY_BIN_DIR=${CMAKE_BINARY_DIR}/bin
  CONVOY_TEST_DATA=${CMAKE_CURRENT_SOURCE_DIR}/data
  CONVOY_WEB_DIR=${CMAKE_BINARY_DIR}/web
  CONVOY_WEB_MODULES=${CONVOY_WEB_TEST_NPM}/node_modules
  CONVOY_ARTIFACTS=${CMAKE_BINARY_DIR}/artifacts/web
  CONVOY_CHROMIUM=${CONVOY_CHROMIUM})

# convoy_web_test(NAME FILE): one ctest per test file; browsers and hubs are heavy, so one at a time.
function(convoy_web_test name file)
  add_test(NAME ${name} COMMAND ${CONVOY_TEST_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/web/${file})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "${CONVOY_WEB_TEST_ENV}"
    TIMEOUT 600
    RESOURCE_LOCK convoy_browser
    LABELS browser)
endfunction()

convoy_web_test(web_live_page_test live_page_test.mjs)
convoy_web_test(web_reconnect_test reconnect_test.mjs)
convoy_web_test(web_login_test login_test.mjs)
convoy_web_test(web_replay_test replay_test.mjs)
convoy_web_test(web_hub_health_test hub_health_test.mjs)
