// The replay's HTTP answers (GET /api/v1/replay/<what>, /work/notes/api.md "Replay"): the hub's
// HTTP server checks the caller's role and passes the rest of the path and the query here.
//
//   /range                          the recording's time span, its days and its cars
//   /at?t=MS                        each car's last good fix at or before t
//   /tracks?from=MS&to=MS[&car=ID][&step_s=N]   decimated tracks, at most 200,000 points
//   /events?from=MS&to=MS           alerts open during the window, radio messages sent in it
//
// Bad queries are 400 with {"error":"..."} saying which parameter and why; an unknown call or
// car is 404; a window with too many points is 413.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "proto/result.h"
#include "proto/roster.h"

namespace convoy::hub::replay {

class ReplayIndex;

struct ApiAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// At most this many points in one /tracks answer (all cars together).
inline constexpr size_t kMaxTrackPoints = 200000;

// Thread-safe. Reads the hub's journal directory (it keeps growing while the hub runs: re-index the
// new tail on demand); roster for names.
class ReplayApi {
 public:
  // Indexes the whole journal under data_dir before returning (about 2 s for a two-day, 40-car
  // recording; milliseconds for a hub that just started). The roster is copied (names, roles,
  // order). Errors: the directory does not exist, a segment cannot be read.
  static Result<std::unique_ptr<ReplayApi>> Create(std::filesystem::path data_dir,
                                                   const proto::Roster& roster);
  ~ReplayApi();

  // path: what follows "/api/v1/replay" ("/range", "/at", ...); query: the raw query string.
  // Each call first indexes what the hub wrote since the last call (a directory listing when
  // nothing is new), then answers from memory: /at costs O(cars x log fixes), microseconds.
  ApiAnswer Handle(std::string_view path, std::string_view query);

 private:
  explicit ReplayApi(std::unique_ptr<ReplayIndex> index);
  ApiAnswer Range() const;
  ApiAnswer At(std::string_view query) const;
  ApiAnswer Tracks(std::string_view query) const;
  ApiAnswer Events(std::string_view query) const;

  std::shared_mutex mutex_;  // Update under the exclusive lock, answers under a shared one
  std::unique_ptr<ReplayIndex> index_;
};

}  // namespace convoy::hub::replay
