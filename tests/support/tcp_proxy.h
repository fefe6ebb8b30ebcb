// A TCP proxy on loopback for link tests: forwards connections to a target, and can cut every
// connection (a tunnel) or refuse new ones for a while (a dead zone).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "proto/asio.h"

namespace convoy::testing {

// Thread-safe.
class TcpProxy {
 public:
  explicit TcpProxy(uint16_t target_port);
  ~TcpProxy();

  uint16_t port() const { return port_; }
  // Closes every open connection at once.
  void CutAll();
  // While refusing, new connections are accepted and closed at once.
  void SetRefusing(bool refusing) { refusing_ = refusing; }
  uint64_t connections() const { return connections_; }

 private:
  struct Pipe;
  asio::awaitable<void> AcceptLoop();

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  uint16_t target_port_;
  uint16_t port_ = 0;
  std::atomic<bool> refusing_{false};
  std::atomic<uint64_t> connections_{0};
  std::mutex mu_;
  std::vector<std::weak_ptr<Pipe>> pipes_;
  std::thread thread_;
};

}  // namespace convoy::testing
