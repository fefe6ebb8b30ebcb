// The journal tests' shared parts (journal_test.cc: writing, recovery, failures;
// journal_reader_test.cc: the read-only reader): a JournalTest fixture that opens journals in a
// temporary folder and records what recovery replays and logs, and file helpers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "hub/journal.h"
#include "hub/journal_reader.h"
#include "proto/record_log.h"
#include "support/fault_fs.h"
#include "support/temp_dir.h"

namespace convoy::hub::journal_testing {

namespace fs = std::filesystem;

struct Replayed {
  RecordType type;
  std::string payload;
  bool operator==(const Replayed&) const = default;
};

// Collects the Done results of appended records, by id.
class Acks {
 public:
  Journal::Done Track(uint64_t id) {
    return [this, id](const Status& status) {
      std::lock_guard lock(mu_);
      results_.emplace_back(id, status);
      cv_.notify_all();
    };
  }
  void WaitFor(size_t count) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return results_.size() >= count; });
  }
  std::vector<std::pair<uint64_t, Status>> results() {
    std::lock_guard lock(mu_);
    return results_;
  }
  // Waits for the Done of the record and returns its status.
  Status StatusOf(uint64_t id) {
    std::unique_lock lock(mu_);
    while (true) {
      for (const auto& [result_id, status] : results_) {
        if (result_id == id) return status;
      }
      cv_.wait(lock);
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<uint64_t, Status>> results_;
};

std::string Payload(uint64_t i) { return "record " + std::to_string(i) + std::string(30, '.'); }

inline std::string FileContent(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void AppendBytes(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class JournalTest : public ::testing::Test {
 protected:
  JournalOptions Options(proto::FileSystem* file_system = nullptr) {
    JournalOptions options;
    options.dir = dir_;
    options.fs = file_system;
    options.retry_interval = std::chrono::milliseconds(20);
    options.log = [this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    };
    return options;
  }

  std::unique_ptr<Journal> OpenJournal(JournalOptions options, RecoveryReport* report = nullptr) {
    replayed_.clear();
    auto journal = Journal::Open(
        std::move(options),
        [this](RecordType type, std::string_view payload) {
          replayed_.push_back({type, std::string(payload)});
        },
        report);
    EXPECT_TRUE(journal.ok()) << journal.message();
    return journal.ok() ? std::move(journal).value() : nullptr;
  }

  // Appends records [first, first + count) and waits for their Done; returns the OK ones.
  std::vector<uint64_t> AppendAndWait(Journal& journal, uint64_t first, uint64_t count) {
    Acks acks;
    for (uint64_t i = first; i < first + count; ++i) {
      EXPECT_TRUE(journal.Append(RecordType::kFixes, Payload(i), acks.Track(i)));
    }
    acks.WaitFor(count);
    std::vector<uint64_t> ok;
    for (const auto& [id, status] : acks.results()) {
      if (status.ok()) ok.push_back(id);
    }
    return ok;
  }

  std::vector<JournalSegment> Segments() {
    auto segments = ListJournalSegments(dir_, proto::FileSystem::Default());
    EXPECT_TRUE(segments.ok());
    return segments.ok() ? *segments : std::vector<JournalSegment>{};
  }

  std::vector<std::string> ReplayedPayloads() const {
    std::vector<std::string> payloads;
    for (const Replayed& record : replayed_) payloads.push_back(record.payload);
    return payloads;
  }

  static std::vector<std::string> Payloads(const std::vector<uint64_t>& ids) {
    std::vector<std::string> payloads;
    for (uint64_t id : ids) payloads.push_back(Payload(id));
    return payloads;
  }

  convoy::testing::TempDir temp_;  // removed with everything in it after the test
  fs::path dir_ = temp_.path();
  std::vector<Replayed> replayed_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

}  // namespace convoy::hub::journal_testing
