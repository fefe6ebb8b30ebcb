// A real hub with the HTTP API on loopback in the test process, the hub's log captured, and a
// small synchronous Beast client (HTTP and WebSocket) for the tests of hub/http.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hub/http/beast.h"
#include "hub/hub.h"
#include "support/temp_dir.h"

namespace convoy::testing {

namespace api = convoy::hub::api;

// Three staff members, one per role.
inline constexpr const char* kOrganizerToken = "organizer-token-0001";
inline constexpr const char* kSafetyToken = "safety-token-0000001";
inline constexpr const char* kMarketingToken = "marketing-token-0001";
std::string TestStaffCsv();

class ApiHub {
 public:
  // A hub with `cars` cars (TestRosterCsv), --http on 127.0.0.1:0 and TestStaffCsv().
  // `configure` may change the options further.
  explicit ApiHub(int cars = 3, const std::function<void(hub::HubOptions&)>& configure = {});
  ~ApiHub();

  uint16_t http_port() const { return http_port_; }
  uint16_t trackers_port() const { return trackers_port_; }
  hub::Hub& hub() { return *hub_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::string log() const;  // everything the hub logged so far
  void Restart();           // stops the hub and starts it again on the same ports and data

 private:
  void Start(uint16_t trackers_port, uint16_t http_port);
  TempDir dir_;
  std::filesystem::path data_dir_;
  std::function<void(hub::HubOptions&)> configure_;
  int cars_;
  std::unique_ptr<hub::Hub> hub_;
  std::thread thread_;
  uint16_t http_port_ = 0, trackers_port_ = 0;
  mutable std::mutex log_mu_;
  std::string log_;
};

struct HttpReply {
  int status = 0;                              // 0: no answer (the connection failed or closed)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request on a fresh connection. headers: extra fields ("Authorization", "Bearer x").
HttpReply Call(uint16_t port, const std::string& method, const std::string& target,
               const std::vector<std::pair<std::string, std::string>>& headers = {},
               const std::string& body = {});
// With "Authorization: Bearer token" when token is not empty.
HttpReply CallAs(uint16_t port, const std::string& token, const std::string& method,
                 const std::string& target, const std::string& body = {});

// A synchronous WebSocket client on /api/v1/live.
class LiveClient {
 public:
  // Connects and upgrades with the bearer token; ok() false when refused.
  LiveClient(uint16_t port, const std::string& token);
  bool ok() const { return ok_; }
  // Reads messages until one whose "type" is `type` arrives (returned), or the timeout passes
  // (empty). Skips the others.
  std::string ReadUntil(const std::string& type,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void Send(const std::string& text);

 private:
  asio::io_context io_;
  api::websocket::stream<asio::ip::tcp::socket> ws_;
  bool ok_ = false;
};

// Waits until `condition` holds, polling every 20 ms, for up to `timeout`.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace convoy::testing
