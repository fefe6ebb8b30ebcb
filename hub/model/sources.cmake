# The convoy model (hub/model/): order, gaps, rally points and alerts. Pure logic over maps and
# proto (no Asio), so it is its own library: the hub links it, and the model's tests and
# benchmark link only it. Included from hub/CMakeLists.txt.
add_library(convoy_model STATIC
  model/alert.cc
  model/alert.h
  model/alerts.cc
  model/car_state.h
  model/convoy_model.cc
  model/convoy_model.h
  model/gaps.cc
  model/order.cc
  model/plan.cc
  model/plan.h
  model/rules.cc
  model/snapshot.cc
  model/snapshot.h
  model/thresholds.cc
  model/thresholds.h
)
target_link_libraries(convoy_model PUBLIC convoy_maps convoy_proto)
convoy_compute_library(convoy_model)
target_link_libraries(convoy_hub PUBLIC convoy_model)
