// Command-line parsing shared by the programs' thin mains (Boost.Program_options; a main that
// includes this links Boost::program_options).
#pragma once

#include <iostream>
#include <optional>
#include <string_view>

#include <boost/program_options.hpp>

namespace convoy {

// Parses argv against `flags` (which should offer "help"). Prints the help, or the error and the
// usage, and returns the exit code when the program should stop there (0 after help, 2 after an
// error); returns nullopt when it should go on.
inline std::optional<int> ParseFlags(int argc, const char* const* argv,
                                     const boost::program_options::options_description& flags,
                                     std::string_view program) {
  namespace po = boost::program_options;
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, flags), vm);
    if (vm.count("help")) {
      std::cout << flags << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << program << ": " << e.what() << "\n" << flags << "\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace convoy
