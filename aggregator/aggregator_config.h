// Loads ftel-aggregator's YAML config into ftel.v1.AggregatorConfig, applies
// defaults and checks every rule, reporting all problems at once.
//
//   ASSIGN_OR_RETURN(LoadedAggregatorConfig loaded, LoadAggregatorConfig(path));
#ifndef FTEL_AGGREGATOR_AGGREGATOR_CONFIG_H_
#define FTEL_AGGREGATOR_AGGREGATOR_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "ftel/v1/aggregator_config.pb.h"
#include "libftel/config/config_problems.h"
#include "libftel/platform/log.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

// Where the aggregator keeps its state when the config does not say.
inline constexpr char kDefaultStateFile[] = "/var/lib/ftel/aggregator.db";

struct LoadedAggregatorConfig {
  std::string path;
  v1::AggregatorConfig config;  // defaults applied
  ScenarioCatalogue catalogue;
};

// InvalidArgument lists every problem as "file:line: key: rule", one per line.
absl::StatusOr<LoadedAggregatorConfig> LoadAggregatorConfig(const std::string& path);

// `config_dir` anchors relative paths (TLS and password files).
void ApplyAggregatorDefaults(const std::string& config_dir, v1::AggregatorConfig* config);
void ValidateAggregatorConfig(const v1::AggregatorConfig& config, ConfigProblems* problems);

// Makes the config's `log_level` the process's (SetLogLevel): at start, and
// again when a reloaded config takes over.
void ApplyAggregatorLogLevel(const LoadedAggregatorConfig& loaded);
// The LogLevel that `log_level` names (INFO when unspecified).
LogLevel LogLevelFrom(v1::AggregatorConfig::LogLevel level);

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_AGGREGATOR_CONFIG_H_
