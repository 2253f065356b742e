// ftelctl's subcommands and the small argument parser they share.
#ifndef FTEL_TOOLS_FTELCTL_COMMANDS_H_
#define FTEL_TOOLS_FTELCTL_COMMANDS_H_

#include <map>
#include <string>
#include <vector>

namespace ftel {

// "--name value" options and positional arguments, in order.
struct CommandLine {
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;

  std::string Get(const std::string& name, const std::string& fallback) const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

// Every subcommand returns the process exit code: 0 success, 1 failure, 2 usage.
int RunDecode(const CommandLine& args);
int RunFleet(const CommandLine& args);
int RunValidateConfig(const CommandLine& args);
int RunProbeSource(const CommandLine& args);
int RunAgentHealth(const CommandLine& args);
// Only in builds with the aggregator.
int RunHistory(const CommandLine& args);

}  // namespace ftel

#endif  // FTEL_TOOLS_FTELCTL_COMMANDS_H_
