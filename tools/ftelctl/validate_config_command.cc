// ftelctl validate-config: loads a config exactly as the program would and
// prints every problem.
#include <cstdio>
#include <string>

#include "agent/agent_config.h"
#include "agent/sampler.h"
#include "tools/ftelctl/commands.h"
#include "yaml-cpp/yaml.h"
#ifdef FTEL_WITH_AGGREGATOR
#include "aggregator/aggregator_config.h"
#endif

namespace ftel {
namespace {

// An agent config names its identity; an aggregator config never does.
std::string GuessKind(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    if (root.IsMap() && (root["identity"] || root["scenarios"] || root["sources"])) {
      return "agent";
    }
    return "aggregator";
  } catch (const YAML::Exception&) {
    return "agent";  // the loader reports the YAML error with its line
  }
}

}  // namespace

int RunValidateConfig(const ValidateConfigArgs& args) {
  const std::string& path = args.file;
  const std::string kind = args.kind.empty() ? GuessKind(path) : args.kind;
  absl::Status status;
  if (kind == "agent") {
    // As the agent does before it starts: the rules, then whether a report
    // fits in a spool segment.
    absl::StatusOr<LoadedAgentConfig> loaded = LoadAgentConfig(path);
    absl::StatusOr<std::unique_ptr<Sampler>> sampler =
        loaded.ok() ? Sampler::Create(*loaded) : loaded.status();
    status = sampler.ok() ? CheckReportFitsSpool(*loaded, **sampler) : sampler.status();
#ifdef FTEL_WITH_AGGREGATOR
  } else if (kind == "aggregator") {
    status = LoadAggregatorConfig(path).status();
#endif
  } else if (kind == "aggregator") {
    std::fputs("ftelctl: this build has no aggregator (FTEL_BUILD_AGGREGATOR=OFF)\n", stderr);
    return 2;
  } else {
    std::fprintf(stderr, "ftelctl: --kind must be agent or aggregator, got '%s'\n", kind.c_str());
    return 2;
  }
  if (!status.ok()) {
    std::printf("%s\n", std::string(status.message()).c_str());
    return 1;
  }
  std::printf("%s: ok (%s config)\n", path.c_str(), kind.c_str());
  return 0;
}

}  // namespace ftel
