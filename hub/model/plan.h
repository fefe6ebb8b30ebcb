// What the convoy model follows: the cars (roles from the roster) and the plan, leg by leg (a
// route with its rally points, or the lead car's own track).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "maps/rally_point.h"
#include "maps/route.h"
#include "maps/tour_plan.h"
#include "proto/roster.h"

namespace convoy::hub {

struct ModelCar {
  std::string id;  // for alert text and CSV; may be empty
  proto::CarRole role = proto::CarRole::kCar;
};
// One ModelCar per roster car, in roster order (the model's car index is the roster index).
std::vector<ModelCar> CarsFromRoster(const proto::Roster& roster);

struct ModelLeg {
  std::string name;
  // The planned route; null: follow the lead. The lead car's good fixes, while it moves at 2 m/s
  // or more, grow the route (maps::RouteBuilder); where it stands 2 minutes or more becomes a
  // stop that counts as a rally point ("Stop 1", 300 m); a car joins on the lead's track within
  // 2 km behind the lead, or parked at the stop where the lead is. `rallies` are not used.
  std::shared_ptr<const maps::Route> route;
  // Ordered by along_m. The first is the meeting point: before the convoy leaves it, cars check
  // in there (until then they are converging from home); the last is where the leg ends (a car
  // that reaches it has arrived). A single rally point is the meeting point when it lies in the
  // first half of the route, else the destination. Empty: cars join once on the route.
  std::vector<maps::RallyPoint> rallies;
  // When this leg becomes current (UTC ms). The first leg is current from the start. Unset: when
  // every car that started the previous leg has arrived at its end.
  std::optional<int64_t> starts_ms;
};

struct ModelPlan {
  std::vector<ModelLeg> legs;  // at least one

  // One leg following the lead car's track.
  static ModelPlan FollowTheLead();
  // One leg on `route` (the hub's --route FILE).
  static ModelPlan SingleRoute(std::shared_ptr<const maps::Route> route,
                               std::vector<maps::RallyPoint> rallies = {});
};

// The plan of a loaded tour (the hub's --plan FILE): one leg per LoadedLeg, in order. Leg k > 0
// starts halfway between the previous leg's last planned arrival and its own first planned
// departure; when either time is missing, on arrival (ModelLeg::starts_ms unset). Moves the
// routes out of `tour`.
ModelPlan PlanFromTour(maps::LoadedTour tour);

}  // namespace convoy::hub
