// A plain HTTP/1.1 client for tests, over a real socket on loopback, plain or TLS. Every
// operation has a deadline (a misbehaving server fails the test instead of hanging it); the
// deadlines are generous and only there to end a broken test, never to measure.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hub/osmand/beast.h"

namespace convoy::testing {

struct HttpAnswer {
  int status = 0;  // 0: no answer (the connection closed or failed first)
  std::string body;
  bool keep_alive = false;
  std::string error;        // why there was no answer
  int interim_answers = 0;  // "100 Continue" answers before this one
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:port. tls_ca_file set: HTTPS, trusting that certificate.
  explicit HttpClient(uint16_t port, std::string tls_ca_file = {});
  ~HttpClient();

  bool connected() const { return connected_; }

  // One request on this connection (keep-alive). A body is sent with Content-Length; with
  // content_type empty no Content-Type header is sent.
  HttpAnswer Send(std::string_view method, std::string_view target,
                  std::string_view content_type = {}, std::string_view body = {});
  HttpAnswer Get(std::string_view target) { return Send("GET", target); }
  HttpAnswer PostJson(std::string_view body) { return Send("POST", "/", "application/json", body); }

  // Raw bytes, for requests no HTTP library would write. False when the write failed.
  bool WriteRaw(std::string_view bytes);
  // Reads one answer after WriteRaw.
  HttpAnswer ReadAnswer();
  // True once the server has closed the connection (reads end), waiting at most `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  template <class Start>
  boost::system::error_code RunWithDeadline(Start start);

  asio::io_context io_;
  std::optional<asio::ssl::context> tls_context_;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace convoy::testing
