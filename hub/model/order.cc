// The order along the route: joined cars with a known place, front first, by eff_along_m (ties
// by roster index, so the order is deterministic). A fix moves one car a few metres, so it is
// kept sorted by moving that car past its neighbours (usually none, O(1)); Tick repairs what
// dead reckoning moved with one insertion-sort pass (O(n) on a nearly sorted vector).
#include <algorithm>

#include "hub/model/car_state.h"
#include "hub/model/convoy_model.h"

namespace convoy::hub {

bool ConvoyModel::Ahead(uint32_t a, uint32_t b) const {
  const double ea = cars_[a].eff_along_m, eb = cars_[b].eff_along_m;
  return ea > eb || (ea == eb && a < b);
}

void ConvoyModel::InsertInOrder(uint32_t i) {
  if (cars_[i].order_pos != kNoOrder) return;
  auto it = std::lower_bound(order_.begin(), order_.end(), i,
                             [this](uint32_t x, uint32_t car) { return Ahead(x, car); });
  size_t pos = static_cast<size_t>(it - order_.begin());
  order_.insert(it, i);
  for (size_t p = pos; p < order_.size(); ++p)
    cars_[order_[p]].order_pos = static_cast<uint32_t>(p);
}

void ConvoyModel::RemoveFromOrder(uint32_t i, int64_t now_ms) {
  Car& c = cars_[i];
  if (c.order_pos == kNoOrder) return;
  DropFromGroup(i, now_ms);
  size_t pos = c.order_pos;
  order_.erase(order_.begin() + static_cast<std::ptrdiff_t>(pos));
  c.order_pos = kNoOrder;
  c.gap_ahead_m = c.gap_ahead_s = kNaN;
  for (size_t p = pos; p < order_.size(); ++p)
    cars_[order_[p]].order_pos = static_cast<uint32_t>(p);
}

void ConvoyModel::Reposition(uint32_t i) {
  size_t pos = cars_[i].order_pos;
  while (pos > 0 && Ahead(i, order_[pos - 1])) {
    order_[pos] = order_[pos - 1];
    cars_[order_[pos]].order_pos = static_cast<uint32_t>(pos);
    --pos;
  }
  while (pos + 1 < order_.size() && Ahead(order_[pos + 1], i)) {
    order_[pos] = order_[pos + 1];
    cars_[order_[pos]].order_pos = static_cast<uint32_t>(pos);
    ++pos;
  }
  order_[pos] = i;
  cars_[i].order_pos = static_cast<uint32_t>(pos);
}

void ConvoyModel::RepairOrder() {
  for (size_t p = 1; p < order_.size(); ++p) {
    uint32_t car = order_[p];
    size_t q = p;
    while (q > 0 && Ahead(car, order_[q - 1])) {
      order_[q] = order_[q - 1];
      --q;
    }
    order_[q] = car;
  }
  for (size_t p = 0; p < order_.size(); ++p) cars_[order_[p]].order_pos = static_cast<uint32_t>(p);
}

}  // namespace convoy::hub
