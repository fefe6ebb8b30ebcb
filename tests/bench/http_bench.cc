// Viewers for the live feed's benchmark (tests/bench/http_bench.sh): N WebSocket viewers on
// /api/v1/live that read everything, or one frozen viewer that upgrades and never reads.
//   http_bench PORT TOKEN VIEWERS SECONDS [frozen]
// Prints one line: viewers connected, messages and positions received, and the age of each
// position on arrival (now - fix_ms: from the fix being made in the car, through the link, the
// journal's fsync and the 100 ms batching, to this viewer) as p50/p99 in ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "hub/http/beast.h"

namespace api = convoy::hub::api;
namespace asio = boost::asio;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Totals {
  size_t connected = 0;
  uint64_t messages = 0;
  uint64_t positions = 0;
  std::vector<int64_t> ages_ms;
};

class BenchViewer : public std::enable_shared_from_this<BenchViewer> {
 public:
  BenchViewer(asio::io_context& io, Totals& totals) : ws_(io), totals_(totals) {}

  void Start(uint16_t port, const std::string& token, bool frozen) {
    boost::system::error_code ec;
    ws_.next_layer().open(asio::ip::tcp::v4(), ec);
    if (frozen) ws_.next_layer().set_option(asio::socket_base::receive_buffer_size(4096), ec);
    ws_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return;
    ws_.set_option(api::websocket::stream_base::decorator([token](api::websocket::request_type& r) {
      r.set(api::bhttp::field::authorization, "Bearer " + token);
    }));
    ws_.handshake("127.0.0.1", "/api/v1/live", ec);
    if (ec) return;
    ++totals_.connected;
    if (!frozen) Read();
  }

 private:
  void Read() {
    buffer_.clear();
    ws_.async_read(buffer_, [self = shared_from_this()](boost::system::error_code ec, size_t) {
      if (ec) return;
      self->OnMessage(api::beast::buffers_to_string(self->buffer_.data()));
      self->Read();
    });
  }

  void OnMessage(const std::string& text) {
    ++totals_.messages;
    if (text.compare(0, 20, R"({"type":"positions",)") != 0) return;
    const int64_t now = NowMs();
    for (size_t at = text.find("\"fix_ms\":"); at != std::string::npos;
         at = text.find("\"fix_ms\":", at + 1)) {
      ++totals_.positions;
      totals_.ages_ms.push_back(now - std::atoll(text.c_str() + at + 9));
    }
  }

  api::websocket::stream<asio::ip::tcp::socket> ws_;
  api::beast::flat_buffer buffer_;
  Totals& totals_;
};

double Percentile(std::vector<int64_t>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return static_cast<double>(values[static_cast<size_t>(p * (values.size() - 1))]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: http_bench PORT TOKEN VIEWERS SECONDS [frozen]\n");
    return 2;
  }
  const auto port = static_cast<uint16_t>(std::atoi(argv[1]));
  const std::string token = argv[2];
  const int viewers = std::atoi(argv[3]);
  const int seconds = std::atoi(argv[4]);
  const bool frozen = argc > 5 && std::string(argv[5]) == "frozen";
  asio::io_context io;
  Totals totals;
  std::vector<std::shared_ptr<BenchViewer>> all;
  for (int i = 0; i < viewers; ++i) {
    all.push_back(std::make_shared<BenchViewer>(io, totals));
    all.back()->Start(port, token, frozen);
  }
  // Positions older than the first seconds' backlog are not what a viewer in the field sees.
  io.run_for(std::chrono::seconds(2));
  totals.ages_ms.clear();
  io.run_for(std::chrono::seconds(std::max(1, seconds - 2)));
  std::printf("viewers %zu messages %llu positions %llu age p50 %.0f p99 %.0f ms\n",
              totals.connected, static_cast<unsigned long long>(totals.messages),
              static_cast<unsigned long long>(totals.positions), Percentile(totals.ages_ms, 0.5),
              Percentile(totals.ages_ms, 0.99));
  return 0;
}
