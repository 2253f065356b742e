// ftelctl: look at what ftel puts on the wire, watch the fleet, check configs.
//
//   ftelctl decode --broker tcp://127.0.0.1:1883 --topic 'ftel/#'
//   ftelctl fleet --broker tcp://127.0.0.1:1883
//   ftelctl validate-config /etc/ftel/agent.yaml
//   ftelctl probe-source /etc/ftel/agent.yaml plc-1
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "tools/ftelctl/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: ftelctl COMMAND [options]\n"
    "\n"
    "  decode           subscribe and print every message decoded, one JSON line each\n"
    "                   --broker URI (tcp://127.0.0.1:1883)  --topic FILTER (ftel/#)\n"
    "                   --count N (stop after N messages)  --timeout-s S (stop after S seconds)\n"
    "  fleet            live table of the fleet's rates (from the aggregator's results)\n"
    "                   --broker URI  --root ROOT (ftel)  --refresh-s S (2)  --count N (tables)\n"
    "  validate-config  FILE [--kind agent|aggregator]: print every problem, exit 1 if any\n"
    "  agent-health     CONFIG: whether the agent of this config is alive (its health file);\n"
    "                   exit 0 healthy, 1 not\n"
    "  probe-source     CONFIG SOURCE: read one source of an agent config live, twice, and\n"
    "                   print what it sees per scenario and work unit, or why it cannot\n"
    "                   --window-s S (3): each read window; longer than the source's poll "
    "interval\n"
    "  history          a rate's hourly or daily history from the aggregator's state file\n"
    "                   --state-file FILE  --kind fleet|link|sector|region|factory  --key KEY\n"
    "                   --granularity hour|day (hour)  --last N (24)\n"
    "\n"
    "FTEL_BROKER in the environment gives --broker when the command line does not.\n";

// The options each command reads; any other is a mistake (a misspelt
// --granularity would otherwise fall back to its default without a word).
const std::map<std::string, std::set<std::string>> kOptions = {
    {"decode", {"broker", "topic", "count", "timeout-s"}},
    {"fleet", {"broker", "root", "refresh-s", "count"}},
    {"validate-config", {"kind"}},
    {"probe-source", {"window-s"}},
    {"agent-health", {}},
    {"history", {"state-file", "kind", "key", "granularity", "last"}},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  const auto allowed = kOptions.find(command);
  if (allowed == kOptions.end()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  ftel::CommandLine args;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--")) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ftelctl: option %s needs a value\n", arg.c_str());
        return 2;
      }
      if (allowed->second.count(arg.substr(2)) == 0) {
        std::fprintf(stderr, "ftelctl %s: unknown option %s\n%s", command.c_str(), arg.c_str(),
                     kUsage);
        return 2;
      }
      args.options[arg.substr(2)] = argv[++i];
    } else {
      args.positional.push_back(arg);
    }
  }
  // FTEL_BROKER in the environment stands for a --broker not given: set it
  // once in a shell or a container.
  if (allowed->second.count("broker") > 0 && args.options.count("broker") == 0) {
    if (const char* broker = std::getenv("FTEL_BROKER"); broker != nullptr && *broker != '\0') {
      args.options["broker"] = broker;
    }
  }
  if (command == "decode") return ftel::RunDecode(args);
  if (command == "fleet") return ftel::RunFleet(args);
  if (command == "validate-config") return ftel::RunValidateConfig(args);
  if (command == "probe-source") return ftel::RunProbeSource(args);
  if (command == "agent-health") return ftel::RunAgentHealth(args);
#ifdef FTEL_WITH_AGGREGATOR
  if (command == "history") return ftel::RunHistory(args);
#else
  if (command == "history") {
    std::fputs("ftelctl: this build has no aggregator (FTEL_BUILD_AGGREGATOR=OFF)\n", stderr);
    return 2;
  }
#endif
  std::fputs(kUsage, stderr);
  return 2;
}
