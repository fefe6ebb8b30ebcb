#include "hub/osmand/phone_recorder.h"

#include <algorithm>

namespace convoy::hub::osmand {

// The answer to one request: done once, when every entry it waits for is durable or one failed.
// Finish runs on the journal's commit thread (one thread), but `remaining` is set under the car's
// lock by the request's thread, hence the atomics.
struct PhoneRecorder::Waiter {
  explicit Waiter(DoneFn fn) : done(std::move(fn)) {}
  void Finish(const Status& status) {
    if (!status.ok()) {
      if (!fired.exchange(true)) done(status);
    } else if (remaining.fetch_sub(1) == 1 && !fired.exchange(true)) {
      done(Status::Ok());
    }
  }
  std::atomic<size_t> remaining{0};
  std::atomic<bool> fired{false};
  DoneFn done;
};

size_t PhoneRecorder::KeyHash::operator()(const Key& key) const {
  uint64_t h = static_cast<uint64_t>(key.time_ms) * 0x9E3779B97F4A7C15ull;
  h ^= (static_cast<uint64_t>(static_cast<uint32_t>(key.lat_e7)) << 32 |
        static_cast<uint32_t>(key.lon_e7)) +
       0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
  return static_cast<size_t>(h ^ (h >> 29));
}

PhoneRecorder::PhoneRecorder(Ingest& ingest, size_t car_count, size_t window)
    : ingest_(ingest), window_(std::max<size_t>(window, 1)) {
  for (size_t i = 0; i < car_count; ++i) cars_.push_back(std::make_unique<Car>());
}

void PhoneRecorder::Remember(Car& car, const Key& key, Entry entry) {
  if (!car.entries.emplace(key, std::move(entry)).second) return;
  car.order.push_back(key);
  // Forget the oldest keys past the window; one still queued moves to the back (its request is
  // waiting on it), which can only happen with a window smaller than the requests in flight.
  for (size_t turns = car.order.size(); car.order.size() > window_ && turns > 0; --turns) {
    const Key oldest = car.order.front();
    car.order.pop_front();
    auto it = car.entries.find(oldest);
    if (it != car.entries.end() && it->second.state == State::kQueued) {
      car.order.push_back(oldest);
    } else if (it != car.entries.end()) {
      car.entries.erase(it);
    }
  }
}

Status PhoneRecorder::Replay(RecordType type, std::string_view payload) {
  if (type != RecordType::kFixes) return Status::Ok();
  v1::JournalFixes header;
  if (!header.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Error{"fixes record is not a valid JournalFixes message"};
  }
  if (header.source() != v1::JournalFixes::SOURCE_PHONE) return Status::Ok();
  const proto::RosterCar* roster_car = ingest_.roster().Find(header.car_id());
  if (!roster_car || roster_car->index >= cars_.size()) return Status::Ok();
  auto decoded = DecodeJournalFixes(payload);
  if (!decoded.ok()) return decoded.status();
  Car& car = *cars_[roster_car->index];
  for (const proto::SequencedFix& fix : decoded->fixes) {
    car.last_seq = std::max(car.last_seq, fix.seq);
    Remember(car, KeyOf(fix.fix), Entry{fix.seq, State::kDurable, {}});
  }
  return Status::Ok();
}

PhoneRecorder::Ticket PhoneRecorder::Record(size_t car_index,
                                            std::span<const PhoneFixToRecord> fixes, DoneFn done) {
  Car& car = *cars_.at(car_index);
  auto waiter = std::make_shared<Waiter>(std::move(done));
  std::vector<proto::SequencedFix> batch;
  std::vector<std::optional<double>> accuracy;
  std::vector<Key> keys;       // parallel to batch
  std::vector<Entry*> queued;  // entries of earlier requests this one waits for
  size_t new_fixes = 0, resent = 0, retried = 0;

  std::lock_guard lock(car.mu);
  uint64_t next_seq = car.last_seq;
  for (const PhoneFixToRecord& fix : fixes) {
    const Key key = KeyOf(fix.fix);
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;  // twice in one batch
    auto it = car.entries.find(key);
    uint64_t seq;
    if (it == car.entries.end()) {
      seq = ++next_seq;
      ++new_fixes;
    } else if (it->second.state == State::kFailed) {
      seq = it->second.seq;
      ++retried;
    } else {
      if (it->second.state == State::kQueued &&
          std::find(queued.begin(), queued.end(), &it->second) == queued.end()) {
        queued.push_back(&it->second);  // map nodes stay put; a queued entry is never evicted
      }
      ++resent;
      continue;
    }
    batch.push_back({seq, fix.fix});
    accuracy.push_back(fix.accuracy_m);
    keys.push_back(key);
  }

  size_t waiting = queued.size();
  if (!batch.empty()) {
    auto on_durable = [this, car_index, keys](const Status& status, uint64_t) {
      OnDurable(car_index, keys, status);
    };
    const Ingest::AcceptResult result = ingest_.Accept(
        car_index, batch, v1::JournalFixes::SOURCE_PHONE, std::move(on_durable), accuracy);
    if (result == Ingest::AcceptResult::kBusy) return {Outcome::kBusy, 0};
    car.last_seq = next_seq;
    // kNothingNew cannot happen (every seq in the batch is new to Ingest or was erased when its
    // write failed); should it, Ingest holds them all, durable or about to be.
    const bool queued_now = result == Ingest::AcceptResult::kQueued;
    const State state = queued_now ? State::kQueued : State::kDurable;
    for (size_t i = 0; i < batch.size(); ++i) {
      auto it = car.entries.find(keys[i]);
      if (it != car.entries.end()) {
        it->second.state = state;  // a failed entry, retried under its seq
      } else {
        Remember(car, keys[i], Entry{batch[i].seq, state, {}});
        it = car.entries.find(keys[i]);  // present: a queued entry is never evicted
      }
      if (queued_now) {
        it->second.waiters.push_back(waiter);
        ++waiting;
      }
    }
  }
  for (Entry* entry : queued) entry->waiters.push_back(waiter);
  // Callbacks take the car's lock before they touch a waiter, so none has run yet.
  waiter->remaining = waiting;
  stats_.fixes_new += new_fixes;
  stats_.fixes_resent += resent;
  stats_.fixes_retried += retried;
  return {waiting == 0 ? Outcome::kDurable : Outcome::kWaiting, new_fixes};
}

void PhoneRecorder::OnDurable(size_t car_index, const std::vector<Key>& keys,
                              const Status& status) {
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    Car& car = *cars_[car_index];
    std::lock_guard lock(car.mu);
    for (const Key& key : keys) {
      auto it = car.entries.find(key);
      if (it == car.entries.end() || it->second.state != State::kQueued) continue;
      it->second.state = status.ok() ? State::kDurable : State::kFailed;
      for (auto& waiter : it->second.waiters) waiters.push_back(std::move(waiter));
      it->second.waiters.clear();
    }
  }
  for (const auto& waiter : waiters) waiter->Finish(status);
}

}  // namespace convoy::hub::osmand
