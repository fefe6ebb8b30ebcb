// The one place hub/osmand includes Boost.Beast (and, through it, Asio's SSL support), after
// proto/asio.h so that Asio comes in as the rest of the project has it.
#pragma once

#include "proto/asio.h"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace convoy {
namespace beast = boost::beast;
namespace http = boost::beast::http;
}  // namespace convoy
