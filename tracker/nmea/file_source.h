// nmea:FILE[:xN|:fast] - an NMEA log replayed as if a receiver were sending it.
//
// The log is decoded whole when the source is made (a day of 1 Hz NMEA is a few tens of MB and
// decodes in well under a second), so a missing or unreadable file is an error up front.
//
// Pace: fixes are delivered at the log's own pace (the gaps between fix times), N times faster
// with :xN, or all at once with :fast. Times: the fixes are restamped onto the checker's clock,
// keeping the log's spacing, so the quality gate judges them as a live drive and not as a
// years-old recording: the last fix of the log is stamped with the moment it is delivered, and
// no fix is stamped later than its delivery. At the log's own pace that is live time; faster,
// the drive appears as a backfill of the recent past (as after a dead zone), whose implied speeds
// are the real ones. Fix times that go backwards in the log go backwards here too.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tracker/gps_source.h"
#include "tracker/nmea/decoder.h"

namespace convoy::tracker::nmea {

struct FileSourceSpec {
  std::string path;
  double speedup = 1;  // N of :xN; infinity for :fast
};
// Parses the part after "nmea:" ("drive.nmea", "logs/a.log:x60", "a.log:fast"). A trailing
// ":x..." or ":fast" is the pace; anything else belongs to the path.
Result<FileSourceSpec> ParseFileSourceSpec(std::string_view rest);

class NmeaFileSource final : public GpsSource {
 public:
  // Reads and decodes the file; an error names it when it cannot be read.
  static Result<std::unique_ptr<NmeaFileSource>> Open(asio::any_io_executor executor,
                                                      FileSourceSpec spec, const Clock& clock,
                                                      LogFn log);

  asio::awaitable<std::optional<proto::Fix>> NextFix() override;
  std::string Describe() const override;

  // The decoded fixes with their original times, in log order.
  const std::vector<NmeaFix>& fixes() const { return fixes_; }

 private:
  NmeaFileSource(asio::any_io_executor executor, FileSourceSpec spec, const Clock& clock)
      : timer_(executor), spec_(std::move(spec)), clock_(clock) {}

  asio::steady_timer timer_;
  FileSourceSpec spec_;
  const Clock& clock_;
  std::vector<NmeaFix> fixes_;
  std::string stats_;
  size_t next_ = 0;
  // Set at the first NextFix.
  std::chrono::steady_clock::time_point steady_start_;
  int64_t stamp_base_ms_ = 0;  // the stamp of a fix at the log's first fix time
};

}  // namespace convoy::tracker::nmea
