// The route loader (maps::LoadRouteFile) on a file of fuzzed bytes. GDAL picks the driver from
// the content and the name, so the first byte chooses the extension. GDAL itself is not built
// with sanitizers: this finds crashes in GDAL's drivers only as plain signals, and everything in
// Convoy's own code (layers, geometry, coordinate checks, the Route builder) with ASan/UBSan.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "maps/route_file.h"

namespace {

// A scratch directory for the fuzzed files, removed when the fuzzer exits.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = (std::filesystem::temp_directory_path() / "convoy-route-fuzz-XXXXXX").string();
    if (::mkdtemp(path_.data()) == nullptr) __builtin_trap();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& FuzzDir() {
  static const ScratchDir dir;
  return dir.path();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kExtensions[] = {".gpx", ".kml", ".geojson", ".gpkg", ".json"};
  const std::string path = FuzzDir() + "/route" + kExtensions[data[0] % 5];
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  auto route = convoy::maps::LoadRouteFile(path);
  if (route.ok() && route->route.length_m() < 0) __builtin_trap();
  std::remove(path.c_str());
  return 0;
}
