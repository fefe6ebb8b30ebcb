// A set of fix sequence numbers for one car, kept as disjoint closed ranges. Cars number their
// fixes 1, 2, 3, ... and deliver them mostly in order, so the set is nearly always one range
// [1, watermark] plus, after an outage, a second range for the fixes sent newest-first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

namespace convoy::hub {

// Not thread-safe. Memory: one map node per disjoint range.
class SeqSet {
 public:
  // Precondition: seq >= 1. Returns false when seq was already present. O(log ranges).
  bool Insert(uint64_t seq);
  // Returns false when seq was absent. O(log ranges).
  bool Erase(uint64_t seq);
  bool Contains(uint64_t seq) const;

  // Every seq in [1, watermark()] is present; 0 when 1 is absent.
  uint64_t watermark() const;
  // The largest seq present, 0 when empty.
  uint64_t highest() const;
  size_t range_count() const { return ranges_.size(); }

 private:
  std::map<uint64_t, uint64_t> ranges_;  // first -> last, inclusive, disjoint, not adjacent
};

}  // namespace convoy::hub
