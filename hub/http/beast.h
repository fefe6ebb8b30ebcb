// The one place hub/http includes Boost.Beast, after proto/asio.h so that Asio comes in as the
// rest of the project has it.
#pragma once

#include "proto/asio.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace convoy::hub::api {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
}  // namespace convoy::hub::api
