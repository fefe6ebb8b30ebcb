#include "hub/report/report_writer.h"

#include <fstream>
#include <system_error>

#include "hub/replay/replay_index.h"
#include "hub/report/drawings.h"
#include "maps/tour_plan.h"
#include "proto/roster.h"

namespace convoy::hub::report {
namespace {

Status WriteFile(const std::filesystem::path& path, const std::string& content) {
  // Written beside and renamed, so that a browser never shows half a file.
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Error{path.string() + ": cannot be written"};
    out << content;
    out.flush();
    if (!out) return Error{path.string() + ": write failed (disk full?)"};
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) return Error{path.string() + ": " + ec.message()};
  return Status::Ok();
}

}  // namespace

Result<ReportSummary> WriteReport(const ReportOptions& options, Progress& progress,
                                  const LogFn& warn) {
  std::optional<proto::Roster> roster;
  if (!options.roster_path.empty()) {
    auto loaded = proto::Roster::Load(options.roster_path);
    if (!loaded.ok()) return loaded.status();
    roster = std::move(*loaded);
  }
  std::optional<maps::LoadedTour> tour;
  if (!options.plan_path.empty()) {
    auto loaded = maps::LoadTour(options.plan_path);
    if (!loaded.ok()) return loaded.status();
    tour = std::move(*loaded);
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Error{options.out_dir.string() + ": " + ec.message()};

  bool reading_started = false;
  auto index = replay::ReplayIndex::Open(options.data_dir, roster ? &*roster : nullptr, warn,
                                         [&](uint64_t done, uint64_t total) {
                                           if (!reading_started) {
                                             progress.Start("reading", total >> 20, "MB");
                                             reading_started = true;
                                           }
                                           progress.Update(done >> 20);
                                         });
  if (!index.ok()) return index.status();
  if (reading_started) progress.Finish();
  if ((*index)->cars().empty()) {
    return Error{options.data_dir.string() + ": the recording has no good fixes to report on"};
  }

  bool figures_started = false;
  const TourFigures figures =
      ComputeTourFigures(**index, tour ? &*tour : nullptr, [&](uint64_t done, uint64_t total) {
        if (!figures_started) {
          progress.Start("figures", total, "steps");
          figures_started = true;
        }
        progress.Update(done);
      });
  if (figures_started) progress.Finish();

  const int offset_min = tour ? tour->plan.utc_offset_min : 0;
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("map.svg", MapSvg(**index, tour ? &*tour : nullptr, options.privacy_radius_m));
  for (size_t i = 0; i < figures.days.size(); ++i) {
    const std::string day = "day" + std::to_string(i + 1);
    files.emplace_back(day + "_length.svg", LengthChartSvg(figures.days[i], offset_min));
    files.emplace_back(day + "_alerts.svg",
                       AlertTimelineSvg(figures.days[i], figures.alerts, offset_min));
  }
  files.emplace_back("report.json", ReportJson(figures));
  files.emplace_back("index.html", ReportHtml(figures, offset_min, tour.has_value()));
  progress.Start("writing", files.size(), "files");
  for (size_t i = 0; i < files.size(); ++i) {
    Status status = WriteFile(options.out_dir / files[i].first, files[i].second);
    if (!status.ok()) return status;
    progress.Update(i + 1);
  }
  progress.Finish();
  return ReportSummary{figures.cars.size(), figures.days.size(), figures.fixes,
                       figures.alerts.size(), figures.distance_m};
}

}  // namespace convoy::hub::report
