# The two-day tour through a real hub (convoy-sim's tour engine in-process, each car over its own
# link; phones over OsmAnd) and the tracker's console and car messages. Paths are relative to
# tests/. Included from tests/CMakeLists.txt.
convoy_test(tracker_tour_sim_test tracker/tour_sim_test.cc LIBS convoy_test_support convoy_sim)
convoy_test(tracker_console_test tracker/console_test.cc LIBS convoy_test_support)
add_dependencies(tracker_console_test convoy-tracker)
