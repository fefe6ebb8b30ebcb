#include "hub/replay/replay_json.h"

#include <algorithm>
#include <utility>

#include "hub/replay/json_text.h"

namespace convoy::hub::replay {
namespace {

void AppendOptionalText(std::string& out, const std::string& text) {
  if (text.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, text);
  }
}

void AppendOptionalTime(std::string& out, int64_t ms) {
  if (ms == 0) {
    out += "null";
  } else {
    AppendJsonInt(out, ms);
  }
}

}  // namespace

void AppendPositionJson(std::string& out, std::string_view car_id, const ReplayFix& fix) {
  out += "{\"id\":";
  AppendJsonString(out, car_id);
  out += ",\"lat\":";
  AppendE7(out, fix.lat_e7);
  out += ",\"lon\":";
  AppendE7(out, fix.lon_e7);
  out += ",\"fix_ms\":";
  AppendJsonInt(out, fix.time_ms);
  out += ",\"speed_mps\":";
  AppendJsonNumber(out, fix.speed_cmps * 0.01);
  out += ",\"course_deg\":";
  AppendJsonNumber(out, fix.course_cdeg * 0.01);
  out += '}';
}

void AppendAlertJson(std::string& out, const v1::JournalAlert& alert) {
  out += "{\"id\":";
  AppendJsonInt(out, static_cast<int64_t>(alert.alert_id()));
  out += ",\"kind\":";
  AppendJsonString(out, alert.kind());
  out += ",\"cars\":[";
  for (int i = 0; i < alert.car_ids_size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, alert.car_ids(i));
  }
  out += "],\"lat\":";
  AppendE7(out, alert.lat_e7());
  out += ",\"lon\":";
  AppendE7(out, alert.lon_e7());
  const std::pair<const char*, double> figures[] = {{"along_m", alert.along_m()},
                                                    {"gap_m", alert.gap_m()},
                                                    {"gap_s", alert.gap_s()},
                                                    {"offset_m", alert.offset_m()},
                                                    {"heading_diff_deg", alert.heading_diff_deg()},
                                                    {"speed_mps", alert.speed_mps()},
                                                    {"duration_s", alert.duration_s()}};
  for (const auto& [name, value] : figures) {
    out += ",\"";
    out += name;
    out += "\":";
    AppendJsonNumber(out, value);
  }
  out += ",\"text\":";
  AppendJsonString(out, alert.text());
  out += ",\"raised_ms\":";
  AppendJsonInt(out, alert.raised_ms());
  out += ",\"cleared_ms\":";
  AppendOptionalTime(out, alert.cleared_ms());
  out += ",\"cleared_by\":";
  AppendOptionalText(out, alert.cleared_by());
  out += ",\"acknowledged_by\":";
  AppendOptionalText(out, alert.acknowledged_by());
  out += ",\"acknowledged_ms\":";
  AppendOptionalTime(out, alert.acknowledged_ms());
  out += '}';
}

namespace {
template <class Ids>
void AppendIds(std::string& out, const Ids& ids) {
  out += '[';
  bool comma = false;
  for (const auto& id : ids) {
    if (std::exchange(comma, true)) out += ',';
    AppendJsonString(out, id);
  }
  out += ']';
}
}  // namespace

void AppendRadioJson(std::string& out, const ReplayRadio& message) {
  if (message.from_car) {
    const v1::JournalCarMessage& m = message.car_message;
    out += "{\"id\":";
    AppendJsonInt(out, static_cast<int64_t>(m.message_id()));
    out += ",\"from_car\":";
    AppendJsonString(out, m.car_id());
    out += ",\"kind\":";
    AppendJsonString(out, m.kind());
    out += ",\"text\":";
    AppendJsonString(out, m.text());
    out += ",\"time_ms\":";
    AppendJsonInt(out, m.time_ms());
    out += '}';
    return;
  }
  const v1::JournalRadio& m = message.sent;
  out += "{\"id\":";
  AppendJsonInt(out, static_cast<int64_t>(m.message_id()));
  out += ",\"from\":";
  AppendJsonString(out, m.from());
  out += ",\"to\":";
  AppendJsonString(out, m.to());
  out += ",\"text\":";
  AppendJsonString(out, m.text());
  out += ",\"sent_ms\":";
  AppendJsonInt(out, m.time_ms());
  out += ",\"cars\":";
  AppendIds(out, m.car_ids());
  out += ",\"delivered\":";
  AppendIds(out, message.delivered);
  std::vector<std::string> pending;
  for (const std::string& car : m.car_ids()) {
    const bool phone = std::find(m.phone_car_ids().begin(), m.phone_car_ids().end(), car) !=
                       m.phone_car_ids().end();
    const bool heard = std::find(message.delivered.begin(), message.delivered.end(), car) !=
                       message.delivered.end();
    if (!phone && !heard) pending.push_back(car);
  }
  out += ",\"pending\":";
  AppendIds(out, pending);
  out += ",\"phones\":";
  AppendIds(out, m.phone_car_ids());
  out += '}';
}

size_t DecimateTrack(const ReplayCar& car, int64_t from_ms, int64_t to_ms, int64_t step_ms,
                     size_t limit, std::vector<size_t>& picked) {
  size_t count = 0;
  size_t i = car.FirstAtOrAfter(from_ms);
  const size_t end = car.FirstAtOrAfter(to_ms);
  while (i < end && count < limit) {
    picked.push_back(i);
    ++count;
    const int64_t slot = (car.fixes[i].time_ms - from_ms) / step_ms;
    const int64_t next_slot_ms = from_ms + (slot + 1) * step_ms;
    // At 1 Hz and a few seconds' step the next slot is a few fixes on: walk before searching.
    size_t j = i + 1;
    for (int k = 0; k < 8 && j < end && car.fixes[j].time_ms < next_slot_ms; ++k) ++j;
    if (j < end && car.fixes[j].time_ms < next_slot_ms) {
      j = static_cast<size_t>(
          std::lower_bound(car.fixes.begin() + static_cast<ptrdiff_t>(j),
                           car.fixes.begin() + static_cast<ptrdiff_t>(end), next_slot_ms,
                           [](const ReplayFix& f, int64_t t) { return f.time_ms < t; }) -
          car.fixes.begin());
    }
    i = j;
  }
  return count;
}

}  // namespace convoy::hub::replay
