// ftelctl: look at what ftel puts on the wire, watch the fleet, check configs.
//
//   ftelctl decode --broker tcp://127.0.0.1:1883 --topic 'ftel/#'
//   ftelctl fleet --broker tcp://127.0.0.1:1883
//   ftelctl validate-config /etc/ftel/agent.yaml
#include <cstdio>
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
    "  history          a rate's hourly or daily history from the aggregator's state file\n"
    "                   --state-file FILE  --kind fleet|link|sector|region|factory  --key KEY\n"
    "                   --granularity hour|day (hour)  --last N (24)\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  ftel::CommandLine args;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--")) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ftelctl: option %s needs a value\n", arg.c_str());
        return 2;
      }
      args.options[arg.substr(2)] = argv[++i];
    } else {
      args.positional.push_back(arg);
    }
  }
  if (command == "decode") return ftel::RunDecode(args);
  if (command == "fleet") return ftel::RunFleet(args);
  if (command == "validate-config") return ftel::RunValidateConfig(args);
#ifdef FTEL_WITH_AGGREGATOR
  if (command == "history") return ftel::RunHistory(args);
#endif
  std::fputs(kUsage, stderr);
  return 2;
}
