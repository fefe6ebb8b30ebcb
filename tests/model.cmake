# Tests of the convoy model (hub/model/) and the tour scenario (tracker/scenario/), and the
# model's benchmark. Paths are relative to tests/. Included from tests/CMakeLists.txt.
convoy_test(hub_model_alert_rules_test hub/model/alert_rules_test.cc LIBS convoy_model)
convoy_test(hub_model_order_test hub/model/order_test.cc LIBS convoy_model)
convoy_test(hub_model_rally_test hub/model/rally_test.cc LIBS convoy_model)
convoy_test(hub_model_thresholds_test hub/model/thresholds_test.cc LIBS convoy_model)
