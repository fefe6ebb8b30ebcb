// The one place that includes Boost.Asio. Boost 1.74's coroutine support uses std::exchange
// without including <utility>, which GCC 12's headers no longer pull in for it.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/redirect_error.hpp>

namespace convoy {
namespace asio = boost::asio;

// A completion token for coroutines that stores the error in `ec` instead of throwing:
//   co_await socket.async_read_some(buffer, NoThrow(ec));
inline auto NoThrow(boost::system::error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

}  // namespace convoy
