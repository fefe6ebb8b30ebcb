#include "tracker/phone_uplink.h"

#include "proto/asio.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>

namespace convoy::tracker {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;

constexpr double kKnotsPerMps = 3600.0 / 1852.0;

// The id is the secret: letters, digits and a few marks pass as they are, the rest is escaped.
std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::string PhoneReportTarget(const PhoneReport& report, const std::string& device_id) {
  const proto::Fix& fix = report.fix;
  char buf[320];
  // The app sends whole seconds; the hub takes them as such.
  int n = std::snprintf(buf, sizeof buf,
                        "/?id=%s&timestamp=%lld&lat=%.7f&lon=%.7f&speed=%.2f&bearing=%.1f"
                        "&altitude=%.1f",
                        UrlEncode(device_id).c_str(), static_cast<long long>(fix.time_ms / 1000),
                        fix.lat_deg(), fix.lon_deg(), fix.speed_mps() * kKnotsPerMps,
                        fix.course_deg(), fix.altitude_dm / 10.0);
  std::string target(buf, std::min<size_t>(n, sizeof buf - 1));
  if (fix.hdop_c != 0) {
    // Phones report accuracy in metres; a receiver's hdop of 1 is about 5 m.
    std::snprintf(buf, sizeof buf, "&hdop=%.1f&accuracy=%.1f", fix.hdop_c / 100.0,
                  fix.hdop_c / 100.0 * 5);
    target += buf;
  }
  if (report.battery_pct >= 0) target += "&batt=" + std::to_string(report.battery_pct);
  if (report.charging) target += "&charge=true";
  if (!report.alarm.empty()) target += "&alarm=" + UrlEncode(report.alarm);
  return target;
}

struct PhoneUplink::Connection {
  explicit Connection(asio::any_io_executor executor) : stream(executor) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

PhoneUplink::PhoneUplink(asio::any_io_executor executor, PhoneUplinkOptions options, LogFn log)
    : executor_(executor),
      options_(std::move(options)),
      log_(std::move(log)),
      wake_(executor),
      random_(std::random_device{}()) {}

PhoneUplink::~PhoneUplink() = default;

void PhoneUplink::Stop() {
  stopped_ = true;
  if (connection_) connection_->stream.cancel();
  wake_.cancel();
}

void PhoneUplink::Report(PhoneReport report) {
  if (queue_.size() >= options_.max_buffered) {
    queue_.pop_front();
    ++dropped_;
  }
  queue_.push_back(std::move(report));
  wake_.cancel();
}

void PhoneUplink::SetOnline(bool online) {
  if (online_ == online) return;
  online_ = online;
  if (!online_) {
    if (connection_) connection_->stream.cancel();
  } else {
    failures_ = 0;
    wake_.cancel();
  }
}

std::chrono::milliseconds PhoneUplink::NextBackoff() {
  const int64_t ceiling = std::min<int64_t>(
      options_.max_backoff.count(), options_.min_backoff.count() << std::min(failures_, 16));
  ++failures_;
  std::uniform_int_distribution<int64_t> pick(ceiling / 2, ceiling);
  return std::chrono::milliseconds(pick(random_));
}

asio::awaitable<bool> PhoneUplink::Connect() {
  connection_ = std::make_unique<Connection>(executor_);
  asio::ip::tcp::resolver resolver(executor_);
  boost::system::error_code ec;
  auto endpoints = co_await resolver.async_resolve(options_.hub.host,
                                                   std::to_string(options_.hub.port), NoThrow(ec));
  if (!ec) {
    connection_->stream.expires_after(options_.request_timeout);
    co_await connection_->stream.async_connect(endpoints, NoThrow(ec));
  }
  if (ec) {
    if (failures_ == 0)
      log_("cannot reach the hub's OsmAnd port " + options_.hub.ToString() + ": " + ec.message());
    connection_.reset();
    co_return false;
  }
  connection_->stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  co_return true;
}

asio::awaitable<bool> PhoneUplink::SendOldest() {
  http::request<http::empty_body> request{
      http::verb::post, PhoneReportTarget(queue_.front(), options_.device_id), 11};
  request.set(http::field::host, options_.hub.ToString());
  request.set(http::field::user_agent, "convoy-sim phone (Traccar Client query form)");
  request.keep_alive(true);
  request.content_length(0);
  Connection& c = *connection_;
  boost::system::error_code ec;
  c.stream.expires_after(options_.request_timeout);
  co_await http::async_write(c.stream, request, NoThrow(ec));
  http::response<http::string_body> response;
  if (!ec) co_await http::async_read(c.stream, c.buffer, response, NoThrow(ec));
  if (ec) {
    if (!stopped_ && online_ && failures_ == 0) log_("OsmAnd request failed: " + ec.message());
    connection_.reset();
    co_return false;
  }
  if (!response.keep_alive()) connection_.reset();
  if (response.result() != http::status::ok) {
    if (failures_ == 0) {
      log_("the hub answered " + std::to_string(response.result_int()) +
           " to a report; keeping it and retrying");
    }
    co_return false;
  }
  queue_.pop_front();
  ++delivered_;
  co_return true;
}

asio::awaitable<void> PhoneUplink::Run() {
  while (!stopped_) {
    if (!online_ || queue_.empty()) {
      if (!online_) connection_.reset();
      wake_.expires_after(std::chrono::hours(1));
      boost::system::error_code ignored;
      co_await wake_.async_wait(NoThrow(ignored));
      continue;
    }
    bool ok = connection_ != nullptr || co_await Connect();
    if (ok) ok = co_await SendOldest();
    if (ok) {
      failures_ = 0;
      continue;
    }
    if (stopped_) break;
    wake_.expires_after(NextBackoff());
    boost::system::error_code ignored;
    co_await wake_.async_wait(NoThrow(ignored));
  }
  connection_.reset();
}

}  // namespace convoy::tracker
