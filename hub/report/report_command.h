// `convoy-replay report --data DIR --out DIR [--plan FILE] [--roster FILE]
//  [--privacy-radius METRES] [--quiet]`: the command line over report_writer.h. Returns the exit
// code: 0, 1 on failure (one line on stderr), 2 on bad usage.
#pragma once

namespace convoy::hub::report {

int ReportCommand(int argc, const char* const* argv);

}  // namespace convoy::hub::report
