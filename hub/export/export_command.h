// The `convoy-replay export` command line, kept apart from the exporter so that the library does
// not depend on Boost.Program_options (only convoy-replay links it).
#pragma once

namespace convoy::hub {

// argv[0] is "export". Parses flags, runs the export with a progress bar when stderr is a
// terminal, prints errors and a one-line summary on stderr, and returns the exit code: 0 done,
// 1 failed, 2 bad usage.
int ExportCommand(int argc, const char* const* argv);

}  // namespace convoy::hub
