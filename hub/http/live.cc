#include "hub/http/live.h"

#include <algorithm>
#include <deque>
#include <map>

#include "hub/http/api_json.h"
#include "hub/http/router.h"

namespace convoy::hub::api {

// One WebSocket viewer. Lives on its own strand; every member runs there except the atomics.
class Viewer : public std::enable_shared_from_this<Viewer> {
 public:
  Viewer(beast::tcp_stream stream, LiveHub& hub, uint64_t id, std::string name)
      : ws_(std::move(stream)),
        wake_(ws_.get_executor()),
        deadline_(ws_.get_executor()),
        hub_(hub),
        id_(id),
        name_(std::move(name)) {}

  asio::awaitable<void> Run(bhttp::request<bhttp::string_body> request,
                            std::function<std::string()> make_hello);

  void Push(std::shared_ptr<const std::string> message, bool convoy) {
    asio::dispatch(ws_.get_executor(),
                   [self = shared_from_this(), message = std::move(message), convoy] {
                     if (self->closing_) return;
                     if (convoy) {
                       self->convoy_ = message;
                     } else {
                       if (self->queue_.size() >= self->hub_.options_.max_queued_messages) {
                         ++self->hub_.dropped_;
                         self->hub_.log_("live: dropping the viewer of " + self->name_ +
                                         ": it fell too far behind");
                         self->Close();
                         return;
                       }
                       self->queue_.push_back(message);
                       self->queued_ = self->queue_.size();
                     }
                     self->wake_.cancel();
                   });
  }

  void PushPositions(std::shared_ptr<const PositionBatch> batch) {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), batch = std::move(batch)] {
      if (self->closing_) return;
      if (!self->whole_ && self->slots_.empty()) {
        self->whole_ = batch;  // keeping up: the shared message goes out as it is
      } else {
        // Behind: merge into one slot per car, the newest winning.
        if (self->whole_) {
          for (const auto& [car, json] : self->whole_->cars) self->slots_[car] = json;
          self->whole_.reset();
        }
        for (const auto& [car, json] : batch->cars) self->slots_[car] = json;
      }
      self->pending_positions_ = self->whole_ ? self->whole_->cars.size() : self->slots_.size();
      self->wake_.cancel();
    });
  }

  void Close() {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closing_) return;
      self->closing_ = true;
      boost::system::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                           ec);
      beast::get_lowest_layer(self->ws_).close();
      self->wake_.cancel();
      self->deadline_.cancel();
    });
  }

  asio::any_io_executor executor() { return ws_.get_executor(); }

  std::atomic<size_t> queued_{0};
  std::atomic<size_t> pending_positions_{0};

 private:
  asio::awaitable<void> WriteLoop();
  asio::awaitable<void> Watchdog();
  std::shared_ptr<const std::string> Next();

  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer wake_;
  asio::steady_timer deadline_;
  LiveHub& hub_;
  uint64_t id_;
  std::string name_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::shared_ptr<const std::string> convoy_;
  std::shared_ptr<const PositionBatch> whole_;
  std::map<uint32_t, std::string> slots_;
  bool closing_ = false;
};

std::shared_ptr<const std::string> Viewer::Next() {
  std::shared_ptr<const std::string> next;
  if (!queue_.empty()) {
    next = std::move(queue_.front());
    queue_.pop_front();
    queued_ = queue_.size();
  } else if (convoy_) {
    next = std::move(convoy_);
    convoy_.reset();
  } else if (whole_) {
    next = whole_->message;
    whole_.reset();
    pending_positions_ = 0;
  } else if (!slots_.empty()) {
    std::string merged = R"({"type":"positions","cars":[)";
    bool first = true;
    for (const auto& [car, json] : slots_) {
      if (!first) merged.push_back(',');
      first = false;
      merged.append(json);
    }
    merged.append("]}");
    slots_.clear();
    pending_positions_ = 0;
    next = std::make_shared<const std::string>(std::move(merged));
  }
  return next;
}

asio::awaitable<void> Viewer::Run(bhttp::request<bhttp::string_body> request,
                                  std::function<std::string()> make_hello) {
  auto self = shared_from_this();
  beast::get_lowest_layer(ws_).expires_never();
  if (hub_.options_.send_buffer_bytes > 0) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(
        asio::socket_base::send_buffer_size(hub_.options_.send_buffer_bytes), ignored);
  }
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(hub_.options_.max_client_frame_bytes);
  boost::system::error_code ec;
  co_await ws_.async_accept(request, NoThrow(ec));
  if (ec) {
    hub_.Detach(id_);
    co_return;
  }
  queue_.push_front(std::make_shared<const std::string>(make_hello()));
  queued_ = queue_.size();
  asio::co_spawn(
      ws_.get_executor(), [self] { return self->WriteLoop(); }, asio::detached);
  asio::co_spawn(
      ws_.get_executor(), [self] { return self->Watchdog(); }, asio::detached);
  beast::flat_buffer buffer;
  while (!closing_) {
    buffer.clear();
    co_await ws_.async_read(buffer, NoThrow(ec));
    if (ec) break;  // closed, too large (message_too_big), timed out
    const std::string text = beast::buffers_to_string(buffer.data());
    if (ws_.got_text() && ParseClientMessage(text) == ClientMessage::kPing) {
      Push(std::make_shared<const std::string>(R"({"type":"pong"})"), false);
    }
  }
  Close();
  hub_.Detach(id_);
}

asio::awaitable<void> Viewer::WriteLoop() {
  auto self = shared_from_this();
  while (!closing_) {
    std::shared_ptr<const std::string> next = Next();
    if (!next) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      boost::system::error_code ignored;
      co_await wake_.async_wait(NoThrow(ignored));
      continue;
    }
    ws_.text(true);
    deadline_.expires_after(hub_.options_.write_timeout);
    boost::system::error_code ec;
    co_await ws_.async_write(asio::buffer(*next), NoThrow(ec));
    deadline_.expires_at(asio::steady_timer::time_point::max());
    if (ec) break;
  }
  Close();
}

asio::awaitable<void> Viewer::Watchdog() {
  auto self = shared_from_this();
  deadline_.expires_at(asio::steady_timer::time_point::max());
  while (!closing_) {
    boost::system::error_code ignored;
    co_await deadline_.async_wait(NoThrow(ignored));
    if (!closing_ && deadline_.expiry() <= asio::steady_timer::clock_type::now()) {
      hub_.log_("live: dropping the viewer of " + name_ + ": a write was stuck");
      ++hub_.dropped_;
      Close();
    }
  }
}

LiveHub::LiveHub(asio::io_context& io, const proto::Roster& roster, LiveOptions options, LogFn log)
    : io_(io),
      roster_(roster),
      options_(options),
      log_(std::move(log)),
      strand_(asio::make_strand(io)),
      flush_timer_(strand_),
      pending_(roster.cars().size()) {}

LiveHub::~LiveHub() = default;

void LiveHub::OnFixes(size_t car, std::span<const proto::SequencedFix> fixes,
                      std::span<const proto::FixVerdict> verdicts) {
  const proto::Fix* newest = nullptr;
  for (size_t i = 0; i < fixes.size(); ++i) {
    if (i < verdicts.size() && verdicts[i] != proto::FixVerdict::kGood) continue;
    if (!newest || fixes[i].fix.time_ms > newest->time_ms) newest = &fixes[i].fix;
  }
  if (!newest || car >= pending_.size()) return;
  std::lock_guard guard(mu_);
  if (viewers_.empty() || stopped_) return;  // nobody watching: nothing to build
  std::optional<proto::Fix>& slot = pending_[car];
  if (!slot || slot->time_ms <= newest->time_ms) slot = *newest;
  if (!flush_armed_) {
    flush_armed_ = true;
    asio::post(strand_, [this] { ArmFlush(); });
  }
}

std::chrono::milliseconds LiveHub::NextInterval() const {
  const std::chrono::milliseconds floor = options_.positions_interval;
  if (options_.positions_bytes_per_s == 0) return floor;
  const std::chrono::milliseconds by_budget{
      static_cast<int64_t>(last_batch_bytes_ * 1000 / options_.positions_bytes_per_s)};
  return std::clamp(by_budget, floor, std::max(floor, options_.max_positions_interval));
}

void LiveHub::ArmFlush() {
  const auto due = last_flush_ + NextInterval();
  if (due <= std::chrono::steady_clock::now()) {
    Flush();
    return;
  }
  flush_timer_.expires_at(due);
  flush_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Flush();
  });
}

void LiveHub::Flush() {
  last_flush_ = std::chrono::steady_clock::now();
  auto batch = std::make_shared<PositionBatch>();
  {
    std::lock_guard guard(mu_);
    flush_armed_ = false;
    for (size_t car = 0; car < pending_.size(); ++car) {
      if (!pending_[car]) continue;
      batch->cars.emplace_back(static_cast<uint32_t>(car),
                               PositionJson(roster_.cars()[car].id, *pending_[car]));
      pending_[car].reset();
    }
  }
  if (batch->cars.empty()) return;
  std::string message = R"({"type":"positions","cars":[)";
  for (size_t i = 0; i < batch->cars.size(); ++i) {
    if (i) message.push_back(',');
    message.append(batch->cars[i].second);
  }
  message.append("]}");
  last_batch_bytes_ = message.size();
  interval_ms_ = NextInterval().count();
  batch->message = std::make_shared<const std::string>(std::move(message));
  ++batches_;
  std::shared_ptr<const PositionBatch> shared = std::move(batch);
  for (auto& viewer : Snapshot()) viewer->PushPositions(shared);
}

std::vector<std::shared_ptr<Viewer>> LiveHub::Snapshot() const {
  std::lock_guard guard(mu_);
  std::vector<std::shared_ptr<Viewer>> out;
  out.reserve(viewers_.size());
  for (const auto& [id, viewer] : viewers_) out.push_back(viewer);
  return out;
}

void LiveHub::Broadcast(std::shared_ptr<const std::string> message) {
  for (auto& viewer : Snapshot()) viewer->Push(message, false);
}

void LiveHub::BroadcastConvoy(const std::function<std::string()>& build) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard guard(mu_);
    if (viewers_.empty() || stopped_) return;  // nobody watching: nothing to build
    // Ticks jitter: one a few milliseconds early is still the next one, not one over budget.
    if (now + options_.positions_interval < next_convoy_) return;
  }
  auto message = std::make_shared<const std::string>(build());
  if (options_.convoy_bytes_per_s > 0) {
    std::lock_guard guard(mu_);
    next_convoy_ = now + std::chrono::milliseconds(static_cast<int64_t>(
                             message->size() * 1000 / options_.convoy_bytes_per_s));
  }
  ++convoy_broadcasts_;
  for (auto& viewer : Snapshot()) viewer->Push(message, true);
}

bool LiveHub::Serve(beast::tcp_stream& stream, bhttp::request<bhttp::string_body>& request,
                    std::function<std::string()> make_hello, std::string staff_name) {
  std::shared_ptr<Viewer> viewer;
  {
    std::lock_guard guard(mu_);
    if (stopped_ || viewers_.size() >= options_.max_viewers) return false;
    const uint64_t id = next_viewer_id_++;
    viewer = std::make_shared<Viewer>(std::move(stream), *this, id, std::move(staff_name));
    viewers_[id] = viewer;
  }
  asio::co_spawn(
      viewer->executor(),
      [viewer, request = std::move(request), make_hello = std::move(make_hello)]() mutable {
        return viewer->Run(std::move(request), std::move(make_hello));
      },
      asio::detached);
  return true;
}

void LiveHub::Detach(uint64_t id) {
  std::lock_guard guard(mu_);
  viewers_.erase(id);
}

size_t LiveHub::viewers() const {
  std::lock_guard guard(mu_);
  return viewers_.size();
}

LiveStats LiveHub::stats() const {
  LiveStats stats;
  for (const auto& viewer : Snapshot()) {
    ++stats.viewers;
    stats.max_queued_messages = std::max(stats.max_queued_messages, viewer->queued_.load());
    stats.max_pending_positions =
        std::max(stats.max_pending_positions, viewer->pending_positions_.load());
  }
  stats.viewers_dropped = dropped_;
  stats.position_batches = batches_;
  stats.convoy_broadcasts = convoy_broadcasts_;
  stats.positions_interval = std::chrono::milliseconds(interval_ms_.load());
  return stats;
}

void LiveHub::Stop() {
  std::vector<std::shared_ptr<Viewer>> all;
  {
    std::lock_guard guard(mu_);
    stopped_ = true;
    for (auto& [id, viewer] : viewers_) all.push_back(viewer);
    viewers_.clear();
  }
  for (auto& viewer : all) viewer->Close();
  asio::post(strand_, [this] { flush_timer_.cancel(); });
}

}  // namespace convoy::hub::api
