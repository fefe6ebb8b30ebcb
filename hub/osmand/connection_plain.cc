// ServeConnection over plain TCP (see connection.h for why this is a file of its own).
#include "hub/osmand/connection_stream.h"

namespace convoy::hub::osmand {

void ServePlainConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket) {
  detail::Serve<beast::tcp_stream>(std::move(core), std::move(socket));
}

}  // namespace convoy::hub::osmand
