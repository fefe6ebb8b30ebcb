// The roster CSV (proto/roster.h): what an organizer's spreadsheet exports, in any shape.
#include <string_view>

#include "proto/roster.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  auto roster = convoy::proto::Roster::Parse(csv, "cars.csv");
  if (!roster.ok()) return 0;
  // What the contract promises of every loaded car.
  for (const convoy::proto::RosterCar& car : roster->cars()) {
    if (car.id.empty() || car.id.size() > 64 || car.secret.size() < 8) __builtin_trap();
    if (roster->Find(car.id) != &car) __builtin_trap();
    if (roster->FindBySecret(car.secret) != &car) __builtin_trap();
  }
  return 0;
}
