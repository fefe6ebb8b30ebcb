# Failure drills (issue 8). The full kill -9 drill (100 + 100 cycles) is run by hand:
#   CONVOY_BIN_DIR=build/bin tests/drills/kill9.sh
# ctest runs a smoke version: a few kill -9 cycles of the hub under a 40-car load and of a tracker,
# with the same checks (every fix made acknowledged, recorded exactly once).
add_test(NAME kill9_drill_smoke
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/drills/kill9.sh 3 3)
set_tests_properties(kill9_drill_smoke PROPERTIES
                     ENVIRONMENT "CONVOY_BIN_DIR=${CMAKE_BINARY_DIR}/bin;KILL9_FIXES_PER_CAR=250"
                     LABELS drill TIMEOUT 600)
