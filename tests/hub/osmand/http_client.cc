#include "http_client.h"

namespace convoy::testing {
namespace {
constexpr std::chrono::seconds kDeadline(60);
}

HttpClient::HttpClient(uint16_t port, std::string tls_ca_file) {
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  boost::system::error_code ec;
  if (!tls_ca_file.empty()) {
    tls_context_.emplace(asio::ssl::context::tls_client);
    tls_context_->load_verify_file(tls_ca_file, ec);
    if (ec) return;
    tls_context_->set_verify_mode(asio::ssl::verify_peer);
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io_, *tls_context_);
    tls_->set_verify_callback(asio::ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(tls_->native_handle(), "localhost");
  } else {
    plain_ = std::make_unique<beast::tcp_stream>(io_);
  }
  ec = RunWithDeadline([&](auto handler) {
    (plain_ ? *plain_ : tls_->next_layer()).async_connect(endpoint, handler);
  });
  if (!ec && tls_) {
    ec = RunWithDeadline(
        [&](auto handler) { tls_->async_handshake(asio::ssl::stream_base::client, handler); });
  }
  connected_ = !ec;
}

HttpClient::~HttpClient() = default;

template <class Start>
boost::system::error_code HttpClient::RunWithDeadline(Start start) {
  beast::tcp_stream& lowest = plain_ ? *plain_ : tls_->next_layer();
  lowest.expires_after(kDeadline);
  boost::system::error_code result = asio::error::timed_out;
  start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
  io_.restart();
  io_.run();
  return result;
}

HttpAnswer HttpClient::Send(std::string_view method, std::string_view target,
                            std::string_view content_type, std::string_view body) {
  http::request<http::string_body> request;
  request.version(11);
  request.method_string(beast::string_view(method.data(), method.size()));
  request.target(beast::string_view(target.data(), target.size()));
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::user_agent, "convoy-test");
  if (!content_type.empty()) {
    request.set(http::field::content_type,
                beast::string_view(content_type.data(), content_type.size()));
  }
  request.body() = std::string(body);
  if (!body.empty() || method == "POST") request.prepare_payload();
  request.keep_alive(true);
  const boost::system::error_code ec = RunWithDeadline([&](auto handler) {
    if (plain_) {
      http::async_write(*plain_, request, handler);
    } else {
      http::async_write(*tls_, request, handler);
    }
  });
  if (ec) return {0, "", false, "write: " + ec.message()};
  return ReadAnswer();
}

bool HttpClient::WriteRaw(std::string_view bytes) {
  return !RunWithDeadline([&](auto handler) {
    if (plain_) {
      asio::async_write(*plain_, asio::buffer(bytes.data(), bytes.size()), handler);
    } else {
      asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()), handler);
    }
  });
}

HttpAnswer HttpClient::ReadAnswer() {
  for (int interim = 0;; ++interim) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    const boost::system::error_code ec = RunWithDeadline([&](auto handler) {
      if (plain_) {
        http::async_read(*plain_, buffer_, parser, handler);
      } else {
        http::async_read(*tls_, buffer_, parser, handler);
      }
    });
    if (ec) return {0, "", false, "read: " + ec.message(), interim};
    const auto& response = parser.get();
    if (response.result() == http::status::continue_) continue;  // the interim answer
    return {static_cast<int>(response.result_int()), response.body(), response.keep_alive(), "",
            interim};
  }
}

bool HttpClient::WaitClosed(std::chrono::milliseconds timeout) {
  beast::tcp_stream& lowest = plain_ ? *plain_ : tls_->next_layer();
  char sink[4096];
  while (true) {
    boost::system::error_code result;
    lowest.expires_after(timeout);
    auto handler = [&result](boost::system::error_code ec, size_t) { result = ec; };
    if (plain_) {
      plain_->async_read_some(asio::buffer(sink), handler);
    } else {
      tls_->async_read_some(asio::buffer(sink), handler);
    }
    io_.restart();
    io_.run();
    if (result == beast::error::timeout) return false;
    if (result) return true;  // eof, reset, or a TLS stream cut short
  }
}

}  // namespace convoy::testing
