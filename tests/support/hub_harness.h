// A real hub in the test process (its own threads, a real journal in a temp dir, a real
// listening socket on loopback), and a way to read back what it recorded.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hub/hub.h"
#include "proto/fix.h"
#include "support/temp_dir.h"

namespace convoy::testing {

// A roster of `cars` cars named car1..carN with secrets "secret-of-carN".
std::string TestRosterCsv(int cars);

class HubHarness {
 public:
  // Starts a hub on 127.0.0.1:port (0: any) with the roster text, recording under data_dir.
  // `configure` may change the options before the hub is made (e.g. options.osmand).
  HubHarness(const std::filesystem::path& data_dir, const std::string& roster_csv,
             uint16_t port = 0, const std::function<void(hub::HubOptions&)>& configure = {});
  ~HubHarness();  // stops the hub and waits for it

  uint16_t port() const { return port_; }
  // The phones' (OsmAnd) port; 0 unless `configure` set options.osmand.
  uint16_t osmand_port() const { return osmand_port_; }
  hub::Hub& hub() { return *hub_; }

 private:
  std::unique_ptr<hub::Hub> hub_;
  std::thread thread_;
  uint16_t port_ = 0;
  uint16_t osmand_port_ = 0;
};

// Every recorded fix by car id, in recording order. Fails the test on unreadable records.
std::map<std::string, std::vector<proto::SequencedFix>> ReadRecordedFixes(
    const std::filesystem::path& data_dir);

}  // namespace convoy::testing
