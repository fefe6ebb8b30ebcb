# The browser page (hub/web/): bundled with esbuild from npm packages at build time into
# ${CMAKE_BINARY_DIR}/web (index.html + assets/), the hub's default --web directory.
# node_modules lives in the build dir (web-npm/), never in the source tree; `npm ci` re-runs only when
# the lock file changes. Nothing is fetched when the page runs.
find_program(CONVOY_NPM npm)
find_program(CONVOY_NODE node)
if(NOT CONVOY_NPM OR NOT CONVOY_NODE)
  message(WARNING "node/npm not found: the hub's browser page is not built (install nodejs npm)")
  return()
endif()

set(CONVOY_WEB_SRC ${CMAKE_CURRENT_LIST_DIR})
set(CONVOY_WEB_NPM ${CMAKE_BINARY_DIR}/web-npm)
set(CONVOY_WEB_OUT ${CMAKE_BINARY_DIR}/web)
set(CONVOY_WEB_SOURCES
  ${CONVOY_WEB_SRC}/build.mjs
  ${CONVOY_WEB_SRC}/src/index.html
  ${CONVOY_WEB_SRC}/src/style.css
  ${CONVOY_WEB_SRC}/src/main.js
  ${CONVOY_WEB_SRC}/src/api.js
  ${CONVOY_WEB_SRC}/src/live.js
  ${CONVOY_WEB_SRC}/src/format.js
  ${CONVOY_WEB_SRC}/src/map_view.js
  ${CONVOY_WEB_SRC}/src/roster.js
  ${CONVOY_WEB_SRC}/src/alerts.js
  ${CONVOY_WEB_SRC}/src/radio.js
  ${CONVOY_WEB_SRC}/src/replay.js
)

add_custom_command(
  OUTPUT ${CONVOY_WEB_NPM}/npm-ci.stamp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CONVOY_WEB_NPM}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${CONVOY_WEB_SRC}/package.json
          ${CONVOY_WEB_SRC}/package-lock.json ${CONVOY_WEB_NPM}/
  COMMAND ${CONVOY_NPM} ci --no-audit --no-fund --prefer-offline --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${CONVOY_WEB_NPM}/npm-ci.stamp
  DEPENDS ${CONVOY_WEB_SRC}/package.json ${CONVOY_WEB_SRC}/package-lock.json
  WORKING_DIRECTORY ${CONVOY_WEB_NPM}
  COMMENT "npm ci for the hub's page (hub/web)"
  VERBATIM)

add_custom_command(
  OUTPUT ${CONVOY_WEB_OUT}/index.html ${CONVOY_WEB_OUT}/assets/main.js ${CONVOY_WEB_OUT}/assets/main.css
  COMMAND ${CONVOY_NODE} ${CONVOY_WEB_SRC}/build.mjs --modules ${CONVOY_WEB_NPM}/node_modules
          --out ${CONVOY_WEB_OUT}
  DEPENDS ${CONVOY_WEB_NPM}/npm-ci.stamp ${CONVOY_WEB_SOURCES}
  COMMENT "Bundling the hub's page into ${CONVOY_WEB_OUT}"
  VERBATIM)

add_custom_target(convoy_web ALL
  DEPENDS ${CONVOY_WEB_OUT}/index.html ${CONVOY_WEB_OUT}/assets/main.js)
