#include "hub/replay/replay_api.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "hub/export/time_text.h"
#include "hub/replay/json_text.h"
#include "hub/replay/query.h"
#include "hub/replay/replay_index.h"
#include "hub/replay/replay_json.h"

namespace convoy::hub::replay {
namespace {

constexpr int64_t kDayMs = 86400000;

ApiAnswer ErrorAnswer(int status, std::string_view message) {
  ApiAnswer answer;
  answer.status = status;
  answer.body = "{\"error\":";
  AppendJsonString(answer.body, message);
  answer.body += "}";
  return answer;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// from/to of a window: both required, from < to.
struct Window {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};
Result<Window> ParseWindow(const Query& query) {
  auto from = query.Int("from", "UTC milliseconds", true);
  if (!from.ok()) return from.status();
  auto to = query.Int("to", "UTC milliseconds", true);
  if (!to.ok()) return to.status();
  if (**from >= **to) {
    return Error{"from (" + std::to_string(**from) + ") must be before to (" +
                 std::to_string(**to) + ")"};
  }
  return Window{**from, **to};
}

}  // namespace

ReplayApi::ReplayApi(std::unique_ptr<ReplayIndex> index) : index_(std::move(index)) {}
ReplayApi::~ReplayApi() = default;

Result<std::unique_ptr<ReplayApi>> ReplayApi::Create(std::filesystem::path data_dir,
                                                     const proto::Roster& roster) {
  auto index = ReplayIndex::Open(data_dir, &roster, LogToStderr("replay"));
  if (!index.ok()) return index.status();
  return std::unique_ptr<ReplayApi>(new ReplayApi(std::move(*index)));
}

ApiAnswer ReplayApi::Handle(std::string_view path, std::string_view query) {
  {
    std::unique_lock lock(mutex_);
    auto updated = index_->Update();
    // A failed read keeps the index as it was: the answer is still right up to what was read.
    if (!updated.ok()) LogToStderr("replay")("reading the journal: " + updated.message());
  }
  std::shared_lock lock(mutex_);
  if (path == "/range") {
    if (auto parsed = Query::Parse(query, {}); !parsed.ok())
      return ErrorAnswer(400, parsed.message());
    return Range();
  }
  if (path == "/at") return At(query);
  if (path == "/tracks") return Tracks(query);
  if (path == "/events") return Events(query);
  return ErrorAnswer(404, "no replay call '" + std::string(path) +
                              "' (there are /range, /at, /tracks and /events)");
}

ApiAnswer ReplayApi::Range() const {
  ApiAnswer answer;
  std::string& out = answer.body;
  out = "{\"from_ms\":";
  const auto first = index_->first_ms();
  const auto last = index_->last_ms();
  first ? AppendJsonInt(out, *first) : void(out += "null");
  out += ",\"to_ms\":";
  last ? AppendJsonInt(out, *last) : void(out += "null");
  // Days are UTC calendar days with fixes, each from its first fix to its last (a European tour
  // drives in daylight, so its local days are the same days).
  std::map<int64_t, std::pair<int64_t, int64_t>> days;
  for (const auto& car : index_->cars()) {
    const auto& fixes = car->fixes;
    size_t pos = 0;
    while (pos < fixes.size()) {
      const int64_t day = FloorDiv(fixes[pos].time_ms, kDayMs);
      const size_t end = car->FirstAtOrAfter((day + 1) * kDayMs);
      auto [it, fresh] = days.emplace(day, std::pair{fixes[pos].time_ms, fixes[end - 1].time_ms});
      if (!fresh) {
        it->second.first = std::min(it->second.first, fixes[pos].time_ms);
        it->second.second = std::max(it->second.second, fixes[end - 1].time_ms);
      }
      pos = end;
    }
  }
  out += ",\"days\":[";
  int number = 0;
  for (const auto& [day, span] : days) {
    if (number > 0) out += ',';
    out += "{\"label\":";
    AppendJsonString(out, "Day " + std::to_string(++number) + " (" + IsoDay(day) + ")");
    out += ",\"from_ms\":";
    AppendJsonInt(out, span.first);
    out += ",\"to_ms\":";
    AppendJsonInt(out, span.second);
    out += '}';
  }
  out += "],\"cars\":[";
  bool comma = false;
  for (const auto& car : index_->cars()) {
    if (std::exchange(comma, true)) out += ',';
    out += "{\"id\":";
    AppendJsonString(out, car->id);
    out += ",\"name\":";
    AppendJsonString(out, car->name);
    out += '}';
  }
  out += "]}";
  return answer;
}

ApiAnswer ReplayApi::At(std::string_view query_text) const {
  auto query = Query::Parse(query_text, {"t"});
  if (!query.ok()) return ErrorAnswer(400, query.message());
  auto t = query->Int("t", "UTC milliseconds", true);
  if (!t.ok()) return ErrorAnswer(400, t.message());
  const int64_t t_ms = **t;
  ApiAnswer answer;
  std::string& out = answer.body;
  out.reserve(64 + 120 * index_->cars().size());
  out = "{\"t_ms\":";
  AppendJsonInt(out, t_ms);
  out += ",\"cars\":[";
  bool comma = false;
  for (const auto& car : index_->cars()) {
    const auto at = car->LastAtOrBefore(t_ms);
    if (!at) continue;  // not started yet
    if (std::exchange(comma, true)) out += ',';
    AppendPositionJson(out, car->id, car->fixes[*at]);
  }
  out += "]}";
  return answer;
}

ApiAnswer ReplayApi::Tracks(std::string_view query_text) const {
  auto query = Query::Parse(query_text, {"from", "to", "car", "step_s"});
  if (!query.ok()) return ErrorAnswer(400, query.message());
  auto window = ParseWindow(*query);
  if (!window.ok()) return ErrorAnswer(400, window.message());
  auto step = query->Int("step_s", "whole seconds from 1 to 86400", false);
  if (!step.ok()) return ErrorAnswer(400, step.message());
  const int64_t step_s = step->value_or(5);
  if (step_s < 1 || step_s > 86400) {
    return ErrorAnswer(
        400, "step_s: expected whole seconds from 1 to 86400, got " + std::to_string(step_s));
  }
  std::vector<const ReplayCar*> cars;
  if (auto id = query->Text("car")) {
    const ReplayCar* car = index_->FindCar(*id);
    if (car == nullptr) return ErrorAnswer(404, "no car '" + *id + "' in the recording");
    cars.push_back(car);
  } else {
    for (const auto& car : index_->cars()) cars.push_back(car.get());
  }
  // Pick the points first, so that an answer over the bound costs no JSON.
  std::vector<std::vector<size_t>> picked(cars.size());
  size_t total = 0;
  for (size_t c = 0; c < cars.size(); ++c) {
    total += DecimateTrack(*cars[c], window->from_ms, window->to_ms, step_s * 1000,
                           kMaxTrackPoints + 1 - total, picked[c]);
    if (total > kMaxTrackPoints) {
      return ErrorAnswer(413, "more than " + std::to_string(kMaxTrackPoints) +
                                  " points in this window at step_s=" + std::to_string(step_s) +
                                  ": ask for a larger step_s, one car or a shorter window");
    }
  }
  ApiAnswer answer;
  std::string& out = answer.body;
  out.reserve(32 + total * 40);
  out = "{\"cars\":[";
  for (size_t c = 0; c < cars.size(); ++c) {
    if (c > 0) out += ',';
    out += "{\"id\":";
    AppendJsonString(out, cars[c]->id);
    out += ",\"points\":[";
    for (size_t i = 0; i < picked[c].size(); ++i) {
      const ReplayFix& fix = cars[c]->fixes[picked[c][i]];
      if (i > 0) out += ',';
      out += '[';
      AppendJsonInt(out, fix.time_ms);
      out += ',';
      AppendE7(out, fix.lat_e7);
      out += ',';
      AppendE7(out, fix.lon_e7);
      out += ']';
    }
    out += "]}";
  }
  out += "]}";
  return answer;
}

ApiAnswer ReplayApi::Events(std::string_view query_text) const {
  auto query = Query::Parse(query_text, {"from", "to"});
  if (!query.ok()) return ErrorAnswer(400, query.message());
  auto window = ParseWindow(*query);
  if (!window.ok()) return ErrorAnswer(400, window.message());
  std::vector<const ReplayAlert*> alerts;
  for (const ReplayAlert& alert : index_->alerts()) {
    const v1::JournalAlert& a = alert.state;
    const bool open_in_window =
        a.raised_ms() < window->to_ms && (a.cleared_ms() == 0 || a.cleared_ms() >= window->from_ms);
    if (open_in_window) alerts.push_back(&alert);
  }
  std::stable_sort(alerts.begin(), alerts.end(), [](const ReplayAlert* a, const ReplayAlert* b) {
    return a->state.raised_ms() < b->state.raised_ms();
  });
  ApiAnswer answer;
  std::string& out = answer.body;
  out = "{\"alerts\":[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    if (i > 0) out += ',';
    AppendAlertJson(out, alerts[i]->state);
  }
  out += "],\"radio\":[";
  std::vector<const ReplayRadio*> radio;
  for (const ReplayRadio& message : index_->radio()) {
    if (message.time_ms() >= window->from_ms && message.time_ms() < window->to_ms)
      radio.push_back(&message);
  }
  std::stable_sort(radio.begin(), radio.end(), [](const ReplayRadio* a, const ReplayRadio* b) {
    return a->time_ms() < b->time_ms();
  });
  for (size_t i = 0; i < radio.size(); ++i) {
    if (i > 0) out += ',';
    AppendRadioJson(out, *radio[i]);
  }
  out += "]}";
  return answer;
}

}  // namespace convoy::hub::replay
