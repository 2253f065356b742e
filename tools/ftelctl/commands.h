// ftelctl's subcommands, each with the options it was given (main.cc parses
// the command line and fills these; a field's initial value is its default).
#ifndef FTEL_TOOLS_FTELCTL_COMMANDS_H_
#define FTEL_TOOLS_FTELCTL_COMMANDS_H_

#include <cstdint>
#include <string>

#include "tools/ftelctl/broker_options.h"

namespace ftel {

struct DecodeArgs {
  BrokerOptions broker;
  std::string topic = "ftel/#";
  uint64_t count = 0;    // 0: no limit
  double timeout_s = 0;  // 0: no limit
};

struct FleetArgs {
  BrokerOptions broker;
  std::string root = "ftel";
  double refresh_s = 2;
  uint64_t tables = 0;  // 0: no limit
};

struct ValidateConfigArgs {
  std::string file;
  std::string kind;  // empty: guessed from the file
};

struct ProbeSourceArgs {
  std::string config;
  std::string source;
  double window_s = 3;
};

struct AgentHealthArgs {
  std::string config;
};

struct HistoryArgs {
  std::string state_file;  // empty: the aggregator's default
  std::string kind = "fleet";
  std::string key;  // empty: "all" for the fleet, else required
  std::string granularity = "hour";
  int last = 24;
};

// Every subcommand returns the process exit code: 0 success, 1 failure, 2 usage.
int RunDecode(const DecodeArgs& args);
int RunFleet(const FleetArgs& args);
int RunValidateConfig(const ValidateConfigArgs& args);
int RunProbeSource(const ProbeSourceArgs& args);
int RunAgentHealth(const AgentHealthArgs& args);
// Only in builds with the aggregator.
int RunHistory(const HistoryArgs& args);

}  // namespace ftel

#endif  // FTEL_TOOLS_FTELCTL_COMMANDS_H_
