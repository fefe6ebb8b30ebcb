// What a viewer may send on the live WebSocket (hub/http/router.h ParseClientMessage), and the
// radio body and text rules, which take text from the page as well.
#include <string_view>

#include "hub/http/router.h"
#include "proto/json.h"

namespace api = convoy::hub::api;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const api::ClientMessage message = api::ParseClientMessage(text);
  if (message == api::ClientMessage::kPing && text.find("ping") == std::string_view::npos) {
    __builtin_trap();
  }
  if (api::ValidateRadioText(text).ok()) {
    if (text.empty() || !convoy::proto::IsValidUtf8(text)) __builtin_trap();
    for (unsigned char c : text) {
      if (c < 0x20 || c == 0x7F) __builtin_trap();
    }
  }
  (void)api::ParseRadioRequest(text);
  return 0;
}
