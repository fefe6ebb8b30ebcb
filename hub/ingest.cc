#include "hub/ingest.h"

#include <algorithm>

#include "proto/fix_codec.h"

namespace convoy::hub {

std::string EncodeJournalFixes(std::string_view car_id, int64_t received_ms,
                               std::span<const proto::SequencedFix> fixes,
                               std::span<const proto::FixVerdict> verdicts,
                               v1::JournalFixes::Source source) {
  v1::JournalFixes record;
  record.set_car_id(std::string(car_id));
  record.set_received_ms(received_ms);
  record.set_source(source);
  proto::FixEncoder encoder;
  std::string* packed = record.mutable_packed();
  packed->reserve(fixes.size() * 12);
  for (const proto::SequencedFix& fix : fixes) encoder.Encode(fix, packed);
  bool all_good = true;
  for (proto::FixVerdict verdict : verdicts) all_good &= verdict == proto::FixVerdict::kGood;
  if (!all_good) {
    for (proto::FixVerdict verdict : verdicts) record.add_verdicts(static_cast<uint32_t>(verdict));
  }
  return record.SerializeAsString();
}

Result<DecodedJournalFixes> DecodeJournalFixes(std::string_view payload) {
  DecodedJournalFixes decoded;
  if (!decoded.record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Error{"fixes record is not a valid JournalFixes message"};
  }
  proto::FixDecoder decoder;
  Status status = decoder.Decode(decoded.record.packed(), &decoded.fixes);
  if (!status.ok())
    return Error{"fixes record of car " + decoded.record.car_id() + ": " + status.message()};
  decoded.record.clear_packed();
  if (decoded.record.verdicts_size() != 0 &&
      static_cast<size_t>(decoded.record.verdicts_size()) != decoded.fixes.size()) {
    return Error{"fixes record of car " + decoded.record.car_id() + ": " +
                 std::to_string(decoded.record.verdicts_size()) + " verdicts for " +
                 std::to_string(decoded.fixes.size()) + " fixes"};
  }
  decoded.verdicts.resize(decoded.fixes.size(), proto::FixVerdict::kGood);
  for (int i = 0; i < decoded.record.verdicts_size(); ++i) {
    decoded.verdicts[i] = static_cast<proto::FixVerdict>(decoded.record.verdicts(i));
  }
  return decoded;
}

Ingest::Ingest(const proto::Roster& roster, Journal* journal, const Clock& clock)
    : roster_(roster), journal_(journal), clock_(clock) {
  for (size_t i = 0; i < roster.cars().size(); ++i) cars_.push_back(std::make_unique<CarState>());
}

void Ingest::NoteFix(CarState& car, const proto::Fix& fix, proto::FixVerdict verdict) {
  if (verdict != proto::FixVerdict::kGood) return;
  // A late fix (backfill after a dead zone) goes into the record but never moves the live
  // state backwards.
  if (!car.snapshot.latest_good || fix.time_ms > car.snapshot.latest_good->time_ms) {
    car.snapshot.latest_good = fix;
  }
}

Status Ingest::Replay(RecordType type, std::string_view payload) {
  if (type != RecordType::kFixes) return Status::Ok();
  auto decoded = DecodeJournalFixes(payload);
  if (!decoded.ok()) return decoded.status();
  const proto::RosterCar* roster_car = roster_.Find(decoded->record.car_id());
  // A car that has left the roster keeps its record; it just has no live state.
  if (!roster_car) return Status::Ok();
  CarState& car = *cars_[roster_car->index];
  const bool phone = decoded->record.source() == v1::JournalFixes::SOURCE_PHONE;
  for (size_t i = 0; i < decoded->fixes.size(); ++i) {
    const proto::SequencedFix& fix = decoded->fixes[i];
    (phone ? car.phone_received : car.received).Insert(fix.seq);
    (phone ? car.phone_durable : car.durable).Insert(fix.seq);
    NoteFix(car, fix.fix, decoded->verdicts[i]);
    if (decoded->verdicts[i] == proto::FixVerdict::kGood) {
      car.gate.Check(fix.fix, decoded->record.received_ms());
    }
  }
  car.snapshot.last_heard_ms = std::max(car.snapshot.last_heard_ms, decoded->record.received_ms());
  car.snapshot.durable_watermark = car.durable.watermark();
  car.snapshot.highest_seq = car.durable.highest();
  car.snapshot.phone_highest_seq = car.phone_durable.highest();
  return Status::Ok();
}

Ingest::AcceptResult Ingest::Accept(size_t car_index, std::span<const proto::SequencedFix> fixes,
                                    v1::JournalFixes::Source source, DurableFn durable,
                                    std::span<const std::optional<double>> accuracy_m) {
  CarState& car = *cars_.at(car_index);
  const bool phone = source == v1::JournalFixes::SOURCE_PHONE;
  const int64_t now_ms = clock_.NowUtcMs();
  std::vector<proto::SequencedFix> fresh;
  std::vector<proto::FixVerdict> verdicts;
  std::vector<uint64_t> seqs;
  std::vector<std::optional<double>> accuracy;

  std::unique_lock lock(car.mu);
  SeqSet& received = phone ? car.phone_received : car.received;
  car.snapshot.last_heard_ms = now_ms;
  for (size_t i = 0; i < fixes.size(); ++i) {
    if (received.Contains(fixes[i].seq)) continue;
    fresh.push_back(fixes[i]);
    seqs.push_back(fixes[i].seq);
    accuracy.push_back(i < accuracy_m.size() ? accuracy_m[i] : std::nullopt);
  }
  const size_t duplicates = fixes.size() - fresh.size();
  if (duplicates) stats_.duplicates += duplicates;
  if (fresh.empty()) {
    // Every fix was taken before; those not durable yet are being written for another
    // connection (or an earlier batch of this one). Answer when they are.
    const SeqSet& durable_seqs = phone ? car.phone_durable : car.durable;
    std::vector<uint64_t> in_flight;
    for (const proto::SequencedFix& fix : fixes) {
      if (!durable_seqs.Contains(fix.seq)) in_flight.push_back(fix.seq);
    }
    if (in_flight.empty()) return AcceptResult::kNothingNew;
    car.waiters.push_back({phone, std::move(in_flight), std::move(durable)});
    return AcceptResult::kQueued;
  }

  // A batch the journal turns back comes again; its fixes then meet themselves in the gate's
  // reference, which is harmless (same time, same place).
  verdicts.reserve(fresh.size());
  for (size_t i = 0; i < fresh.size(); ++i) {
    verdicts.push_back(car.gate.Check(fresh[i].fix, now_ms, accuracy[i]));
  }

  std::string payload =
      EncodeJournalFixes(roster_.cars()[car_index].id, now_ms, fresh, verdicts, source);
  size_t flagged = 0;
  for (proto::FixVerdict verdict : verdicts) flagged += verdict != proto::FixVerdict::kGood;

  auto on_durable = [this, &car, car_index, phone, seqs = std::move(seqs), flagged,
                     recorded = observer_ ? fresh : std::vector<proto::SequencedFix>(),
                     recorded_verdicts = observer_ ? verdicts : std::vector<proto::FixVerdict>(),
                     durable = std::move(durable)](const Status& status) {
    uint64_t watermark;
    std::vector<Waiter> done;  // resends of this batch's fixes, answered outside the lock
    {
      std::lock_guard guard(car.mu);
      SeqSet& durable_seqs = phone ? car.phone_durable : car.durable;
      for (uint64_t seq : seqs) {
        if (status.ok()) {
          durable_seqs.Insert(seq);
        } else {
          // Not durable: forget it was seen, so the car's resend is taken.
          (phone ? car.phone_received : car.received).Erase(seq);
        }
      }
      watermark = durable_seqs.watermark();
      if (!phone) car.snapshot.durable_watermark = watermark;
      for (size_t i = 0; i < car.waiters.size();) {
        Waiter& waiter = car.waiters[i];
        bool finished = false;
        if (waiter.phone == phone) {
          if (status.ok()) {
            finished = std::all_of(waiter.seqs.begin(), waiter.seqs.end(),
                                   [&](uint64_t seq) { return durable_seqs.Contains(seq); });
          } else {
            // One of its fixes failed with this batch: the resend fails too (and is resent).
            finished = std::any_of(waiter.seqs.begin(), waiter.seqs.end(), [&](uint64_t seq) {
              return std::find(seqs.begin(), seqs.end(), seq) != seqs.end();
            });
          }
        }
        if (finished) {
          done.push_back(std::move(waiter));
          car.waiters.erase(car.waiters.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
    }
    if (status.ok() && observer_) observer_(car_index, recorded, recorded_verdicts);
    if (status.ok()) {
      stats_.fixes_recorded += seqs.size();
      stats_.fixes_flagged += flagged;
    } else {
      ++stats_.journal_failures;
    }
    durable(status, watermark);
    for (Waiter& waiter : done) waiter.durable(status, watermark);
  };
  if (!journal_->Append(RecordType::kFixes, std::move(payload), std::move(on_durable))) {
    ++stats_.journal_busy;
    return AcceptResult::kBusy;
  }
  for (size_t i = 0; i < fresh.size(); ++i) {
    received.Insert(fresh[i].seq);
    NoteFix(car, fresh[i].fix, verdicts[i]);
  }
  (phone ? car.snapshot.phone_highest_seq : car.snapshot.highest_seq) = received.highest();
  return AcceptResult::kQueued;
}

CarSnapshot Ingest::Snapshot(size_t car_index) const {
  const CarState& car = *cars_.at(car_index);
  std::lock_guard guard(car.mu);
  return car.snapshot;
}

}  // namespace convoy::hub
