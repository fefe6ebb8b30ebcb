#include "hub/seq_set.h"

namespace convoy::hub {

bool SeqSet::Insert(uint64_t seq) {
  // The range that starts at or before seq, if any.
  auto after = ranges_.upper_bound(seq);
  if (after != ranges_.begin()) {
    auto before = std::prev(after);
    if (seq <= before->second) return false;
    if (before->second + 1 == seq) {
      before->second = seq;
      if (after != ranges_.end() && after->first == seq + 1) {
        before->second = after->second;
        ranges_.erase(after);
      }
      return true;
    }
  }
  if (after != ranges_.end() && after->first == seq + 1) {
    const uint64_t last = after->second;
    ranges_.erase(after);
    ranges_.emplace(seq, last);
    return true;
  }
  ranges_.emplace_hint(after, seq, seq);
  return true;
}

bool SeqSet::Erase(uint64_t seq) {
  auto after = ranges_.upper_bound(seq);
  if (after == ranges_.begin()) return false;
  auto range = std::prev(after);
  const uint64_t first = range->first, last = range->second;
  if (seq > last) return false;
  ranges_.erase(range);
  if (first < seq) ranges_.emplace(first, seq - 1);
  if (seq < last) ranges_.emplace(seq + 1, last);
  return true;
}

bool SeqSet::Contains(uint64_t seq) const {
  auto after = ranges_.upper_bound(seq);
  return after != ranges_.begin() && seq <= std::prev(after)->second;
}

uint64_t SeqSet::watermark() const {
  if (ranges_.empty() || ranges_.begin()->first != 1) return 0;
  return ranges_.begin()->second;
}

uint64_t SeqSet::highest() const { return ranges_.empty() ? 0 : ranges_.rbegin()->second; }

}  // namespace convoy::hub
