#include "support/tcp_proxy.h"

namespace convoy::testing {

struct TcpProxy::Pipe : std::enable_shared_from_this<Pipe> {
  asio::ip::tcp::socket client, server;
  explicit Pipe(asio::ip::tcp::socket c) : client(std::move(c)), server(client.get_executor()) {}
  void Close() {
    boost::system::error_code ec;
    client.close(ec);
    server.close(ec);
  }
  static asio::awaitable<void> Forward(std::shared_ptr<Pipe> self, asio::ip::tcp::socket& from,
                                       asio::ip::tcp::socket& to) {
    char buffer[16 * 1024];
    for (;;) {
      boost::system::error_code ec;
      const size_t n = co_await from.async_read_some(asio::buffer(buffer), NoThrow(ec));
      if (ec) break;
      co_await asio::async_write(to, asio::buffer(buffer, n), NoThrow(ec));
      if (ec) break;
    }
    self->Close();
  }
};

TcpProxy::TcpProxy(uint16_t target_port)
    : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), target_port_(target_port) {
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, AcceptLoop(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

TcpProxy::~TcpProxy() {
  asio::post(io_, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  CutAll();
  io_.stop();
  thread_.join();
}

void TcpProxy::CutAll() {
  std::lock_guard guard(mu_);
  for (auto& weak : pipes_) {
    if (auto pipe = weak.lock()) asio::post(io_, [pipe] { pipe->Close(); });
  }
  pipes_.clear();
}

asio::awaitable<void> TcpProxy::AcceptLoop() {
  for (;;) {
    boost::system::error_code ec;
    asio::ip::tcp::socket client = co_await acceptor_.async_accept(NoThrow(ec));
    if (ec) co_return;
    ++connections_;
    if (refusing_) continue;  // the socket closes as it goes out of scope
    auto pipe = std::make_shared<Pipe>(std::move(client));
    co_await pipe->server.async_connect({asio::ip::make_address("127.0.0.1"), target_port_},
                                        NoThrow(ec));
    if (ec) continue;
    {
      std::lock_guard guard(mu_);
      pipes_.push_back(pipe);
    }
    asio::co_spawn(io_, Pipe::Forward(pipe, pipe->client, pipe->server), asio::detached);
    asio::co_spawn(io_, Pipe::Forward(pipe, pipe->server, pipe->client), asio::detached);
  }
}

}  // namespace convoy::testing
