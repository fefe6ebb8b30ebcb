// The tour plan parser (maps/tour_plan.h ParseTourPlan): an organizer's text file. The route
// files it names are not opened here (route_file_fuzz covers those).
#include <string_view>

#include "maps/tour_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto plan = convoy::maps::ParseTourPlan(text, "/nonexistent/fuzz.tour");
  if (plan.ok()) {
    for (const auto& day : plan->days) {
      for (const auto& leg : day.legs) (void)leg.rallies.size();
    }
  }
  return 0;
}
