// The HTTP API's front door: Beast's request parser with the hub's limits, then the router,
// the static-path check, the header and query parsers, and the radio body parser
// (hub/http/router.h). Checks the promises: a static path never climbs out of the web dir, radio
// text that passes is valid, short, one line.
#include <string>
#include <string_view>

#include "hub/http/beast.h"
#include "hub/http/router.h"
#include "proto/json.h"

namespace api = convoy::hub::api;

namespace {

std::string_view View(boost::beast::string_view text) { return {text.data(), text.size()}; }

void CheckStaticPath(std::string_view path) {
  auto relative = api::StaticRelativePath(path);
  if (!relative) return;
  const std::string& r = *relative;
  if (r.empty() || r.front() == '/' || r.find("..") == 0 || r.find("/..") != std::string::npos ||
      r.find('\0') != std::string::npos || r.find('\\') != std::string::npos) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  api::bhttp::request_parser<api::bhttp::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(16 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  // Whatever the parser made of it, the pure parts see the raw pieces too.
  CheckStaticPath(input);
  (void)api::MatchRoute("GET", input);
  if (ec || !parser.is_header_done()) return 0;
  const auto& request = parser.get();
  const api::RouteMatch match =
      api::MatchRoute(View(request.method_string()), View(request.target()));
  if (match.endpoint == api::Endpoint::kStatic) CheckStaticPath(match.path);
  (void)api::QueryParam(match.query, "token");
  (void)api::BearerToken(View(request[api::bhttp::field::authorization]));
  (void)api::CookieValue(View(request[api::bhttp::field::cookie]), "convoy_session");
  if (parser.is_done()) {
    auto radio = api::ParseRadioRequest(request.body());
    if (radio.ok()) {
      const std::string& text = radio->text;
      if (text.empty() || text.size() > 4 * api::kMaxRadioChars ||
          !convoy::proto::IsValidUtf8(text) || text.find('\n') != std::string::npos) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
