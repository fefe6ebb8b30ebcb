// Options of the hub's HTTP server and live feed; a light header for hub.h (no Beast).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

namespace convoy::hub::api {

struct LiveOptions {
  size_t max_viewers = 1000;
  size_t max_queued_messages = 256;  // alert/radio events waiting for one viewer; beyond: dropped
  // Positions go out at most every positions_interval, and less often when the convoy sends more
  // than a viewer's byte budget: after a positions message of B bytes the next waits at least
  // B / positions_bytes_per_s (at most max_positions_interval). 128 KiB/s carries about 1,100
  // cars at 1 Hz at the full rate; a larger or saturated load (a backfill, a benchmark) is shown
  // less often instead of costing the hub's ingest a copy per viewer of every 100 ms batch.
  // 0: no budget.
  std::chrono::milliseconds positions_interval{100};
  size_t positions_bytes_per_s = 128 * 1024;
  std::chrono::milliseconds max_positions_interval{2'000};
  // The convoy snapshot (every car's order, gaps, state: ~450 bytes a car) is broadcast every
  // model tick (1 s) unless that exceeds this budget: a snapshot of B bytes is followed by none
  // for B / convoy_bytes_per_s. 64 KiB/s sends a 140-car convoy's every tick. 0: no budget.
  size_t convoy_bytes_per_s = 64 * 1024;
  std::chrono::milliseconds write_timeout{30'000};  // a write stuck this long drops the viewer
  size_t max_client_frame_bytes = 4096;
  // The kernel's send buffer of a viewer's socket (SO_SNDBUF); 0: the system's default. Small
  // values bound what a frozen viewer holds in the kernel too, at some cost in throughput.
  int send_buffer_bytes = 0;
};

struct ServerOptions {
  std::filesystem::path web_dir;  // the page: index.html and assets/
  // The login cookies' key (hub/http/staff.h): kept in this file so that a restarted hub still
  // knows the pages logged in before; empty: a new key per run.
  std::filesystem::path session_key_file;
  size_t header_limit_bytes = 8 * 1024;
  size_t body_limit_bytes = 16 * 1024;
  // From a request's first byte to its last: a sender trickling a byte at a time is cut.
  std::chrono::milliseconds request_timeout{10'000};
  // Between requests on a kept-alive connection.
  std::chrono::milliseconds idle_timeout{60'000};
  size_t max_connections = 1024;  // HTTP connections open at once (viewers included)
  size_t max_static_file_bytes = 64 << 20;
  LiveOptions live;
};

}  // namespace convoy::hub::api
