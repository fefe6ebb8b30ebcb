// The car's outbox: SOS and canned replies (convoy.v1.CarMessage) waiting for the hub. A message
// stays here until the uplink knows the hub has read it, so it survives a dropped link and a
// restarted tracker; the hub records a resent message once (same message_id).
//
// On disk (when a directory is given): DIR/car_messages, rewritten whole (temporary file, fsync,
// rename) on every change. It is a few lines at most, so that costs nothing. One line per pending
// message, and a first line with the next id:
//   next 4
//   2<TAB>1<TAB>1716019200000<TAB>SOS text   (id, kind: 1 SOS / 2 CANNED_REPLY, time_ms, text)
// Tabs, newlines and backslashes in the text are escaped (\t, \n, \\).
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>

#include "convoy/v1/convoy.pb.h"
#include "proto/result.h"

namespace convoy::tracker {

// The canned replies a driver can send (tracker console `reply N`, convoy-sim), 1-based in the
// console. The wording is the desk's (README "Convoy radio").
const std::vector<std::string>& CannedReplies();

// Not thread-safe: the tracker uses it on its one thread.
class CarMessageOutbox {
 public:
  // dir empty: in memory only (the simulator). Otherwise loads DIR/car_messages if present; a
  // damaged file is an error naming the file and line.
  static Result<std::unique_ptr<CarMessageOutbox>> Open(const std::filesystem::path& dir);

  // Queues a message and persists the queue; returns its id (1, 2, 3, ... over the car's life).
  // A failed write is returned, but the message is still queued in memory and sent.
  Result<uint64_t> Add(v1::CarMessage::Kind kind, std::string text, int64_t time_ms);
  // The hub has it: drop it (unknown ids are ignored).
  Status MarkDelivered(uint64_t message_id);

  const std::deque<v1::CarMessage>& pending() const { return pending_; }

 private:
  explicit CarMessageOutbox(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Status Load();
  Status Save() const;

  std::filesystem::path dir_;
  std::deque<v1::CarMessage> pending_;  // oldest first
  uint64_t next_id_ = 1;
};

}  // namespace convoy::tracker
