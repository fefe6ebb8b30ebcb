#include "hub/model/plan.h"

#include <utility>

namespace convoy::hub {

std::vector<ModelCar> CarsFromRoster(const proto::Roster& roster) {
  std::vector<ModelCar> cars;
  cars.reserve(roster.cars().size());
  for (const proto::RosterCar& c : roster.cars()) cars.push_back({c.id, c.role});
  return cars;
}

ModelPlan ModelPlan::FollowTheLead() {
  ModelPlan plan;
  plan.legs.push_back({"follow the lead", nullptr, {}, std::nullopt});
  return plan;
}

ModelPlan ModelPlan::SingleRoute(std::shared_ptr<const maps::Route> route,
                                 std::vector<maps::RallyPoint> rallies) {
  ModelPlan plan;
  plan.legs.push_back({"route", std::move(route), std::move(rallies), std::nullopt});
  return plan;
}

ModelPlan PlanFromTour(maps::LoadedTour tour) {
  ModelPlan plan;
  for (size_t i = 0; i < tour.legs.size(); ++i) {
    maps::LoadedLeg& leg = tour.legs[i];
    ModelLeg m;
    m.name = leg.name;
    m.route = std::make_shared<const maps::Route>(std::move(leg.route));
    m.rallies = std::move(leg.rally_points);
    if (i > 0 && !plan.legs.back().rallies.empty() && !m.rallies.empty()) {
      const maps::RallyPoint& prev_end = plan.legs.back().rallies.back();
      const maps::RallyPoint& start = m.rallies.front();
      if (prev_end.arrive_utc_ms && start.depart_utc_ms &&
          *prev_end.arrive_utc_ms < *start.depart_utc_ms) {
        m.starts_ms =
            *prev_end.arrive_utc_ms + (*start.depart_utc_ms - *prev_end.arrive_utc_ms) / 2;
      }
    }
    plan.legs.push_back(std::move(m));
  }
  return plan;
}

}  // namespace convoy::hub
