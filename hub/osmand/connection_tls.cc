// ServeConnection over TLS (see connection.h for why this is a file of its own).
#include "hub/osmand/connection_stream.h"

namespace convoy::hub::osmand {

void ServeTlsConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket) {
  detail::Serve<detail::TlsStream>(std::move(core), std::move(socket));
}

}  // namespace convoy::hub::osmand
