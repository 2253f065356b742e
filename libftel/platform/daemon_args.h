// The command line both ftel daemons take: "--config FILE" or "--version".
//
//   std::string config_path;
//   if (std::optional<int> exit_code = ParseDaemonArgs(argc, argv, "ftel-agent", &config_path)) {
//     return *exit_code;
//   }
#ifndef FTEL_LIBFTEL_PLATFORM_DAEMON_ARGS_H_
#define FTEL_LIBFTEL_PLATFORM_DAEMON_ARGS_H_

#include <optional>
#include <string>

namespace ftel {

// Sets `config_path` and returns nullopt when the program should run;
// otherwise prints the version (exit code 0) or the usage (2) and returns
// the exit code.
std::optional<int> ParseDaemonArgs(int argc, char** argv, const char* program,
                                   std::string* config_path);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_DAEMON_ARGS_H_
