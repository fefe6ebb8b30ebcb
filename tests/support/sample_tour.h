// The sample two-day tour (tests/data/tour/amalfi_two_days.tour), loaded once per test binary.
// Needs CONVOY_TEST_DATA (set for every test by tests/CMakeLists.txt). A tour that does not load
// fails the test and aborts: every test using it would be meaningless.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "maps/tour_plan.h"

namespace convoy::test {

inline const maps::LoadedTour& SampleTour() {
  static const maps::LoadedTour tour = [] {
    Result<maps::LoadedTour> t =
        maps::LoadTour(std::string(CONVOY_TEST_DATA) + "/tour/amalfi_two_days.tour");
    if (!t.ok()) {
      ADD_FAILURE() << t.message();
      std::abort();
    }
    return std::move(*t);
  }();
  return tour;
}

}  // namespace convoy::test
