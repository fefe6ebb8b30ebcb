#include "hub/http/api_fixture.h"

#include <fstream>

#include <gtest/gtest.h>

#include "support/hub_harness.h"

namespace convoy::testing {

namespace api = convoy::hub::api;
namespace bhttp = api::bhttp;

std::string TestStaffCsv() {
  return std::string("name,role,token\n") + "Olga Organizer,organizer," + kOrganizerToken + "\n" +
         "Sam Safety,safety," + kSafetyToken + "\n" + "Mia Marketing,marketing," + kMarketingToken +
         "\n";
}

ApiHub::ApiHub(int cars, const std::function<void(hub::HubOptions&)>& configure)
    : data_dir_(dir_ / "data"), configure_(configure), cars_(cars) {
  Start(0, 0);
}

ApiHub::~ApiHub() {
  if (!hub_) return;
  hub_->Stop();
  thread_.join();
}

void ApiHub::Start(uint16_t trackers_port, uint16_t http_port) {
  std::ofstream(dir_ / "cars.csv") << TestRosterCsv(cars_);
  std::ofstream(dir_ / "staff.csv") << TestStaffCsv();
  hub::HubOptions options;
  options.data_dir = data_dir_;
  options.roster_path = (dir_ / "cars.csv").string();
  options.trackers = {"127.0.0.1", trackers_port};
  options.status_interval_s = 0;
  options.http = proto::HostPort{"127.0.0.1", http_port};
  options.staff_path = (dir_ / "staff.csv").string();
  options.http_options.web_dir = dir_ / "web";
  if (configure_) configure_(options);
  auto hub = hub::Hub::Create(options, [this](std::string_view line) {
    std::lock_guard guard(log_mu_);
    log_.append(line);
    log_.push_back('\n');
  });
  if (!hub.ok()) {
    ADD_FAILURE() << "hub did not start: " << hub.message();
    return;
  }
  hub_ = std::move(*hub);
  trackers_port_ = hub_->trackers_endpoint().port();
  http_port_ = hub_->http_endpoint()->port();
  thread_ = std::thread([this] { hub_->Run(); });
}

void ApiHub::Restart() {
  hub_->Stop();
  thread_.join();
  hub_.reset();
  Start(trackers_port_, http_port_);
}

std::string ApiHub::log() const {
  std::lock_guard guard(log_mu_);
  return log_;
}

HttpReply Call(uint16_t port, const std::string& method, const std::string& target,
               const std::vector<std::pair<std::string, std::string>>& headers,
               const std::string& body) {
  HttpReply reply;
  asio::io_context io;
  api::beast::tcp_stream stream(io);
  boost::system::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return reply;
  bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  bhttp::write(stream, request, ec);
  if (ec) return reply;
  api::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(stream, buffer, response, ec);
  if (ec) return reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = response.body();
  return reply;
}

HttpReply CallAs(uint16_t port, const std::string& token, const std::string& method,
                 const std::string& target, const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return Call(port, method, target, headers, body);
}

LiveClient::LiveClient(uint16_t port, const std::string& token) : ws_(io_) {
  boost::system::error_code ec;
  ws_.next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return;
  ws_.set_option(api::websocket::stream_base::decorator([token](api::websocket::request_type& r) {
    if (!token.empty()) r.set(bhttp::field::authorization, "Bearer " + token);
  }));
  api::websocket::response_type response;
  ws_.handshake(response, "127.0.0.1", "/api/v1/live", ec);
  ok_ = !ec;
}

std::string LiveClient::ReadUntil(const std::string& type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string wanted = "\"type\":\"" + type + "\"";
  while (std::chrono::steady_clock::now() < deadline) {
    api::beast::flat_buffer buffer;
    boost::system::error_code ec;
    // A blocking read: the hub sends a convoy snapshot every second, so this returns.
    ws_.read(buffer, ec);
    if (ec) return {};
    std::string text = api::beast::buffers_to_string(buffer.data());
    if (text.find(wanted) != std::string::npos) return text;
  }
  return {};
}

void LiveClient::Send(const std::string& text) {
  boost::system::error_code ec;
  ws_.text(true);
  ws_.write(asio::buffer(text), ec);
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace convoy::testing
