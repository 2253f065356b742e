// Loads ftel-agent's YAML config into ftel.v1.AgentConfig, applies defaults
// and checks every rule, reporting all problems at once.
//
//   ASSIGN_OR_RETURN(LoadedAgentConfig loaded, LoadAgentConfig("/etc/ftel/agent.yaml"));
#ifndef FTEL_AGENT_AGENT_CONFIG_H_
#define FTEL_AGENT_AGENT_CONFIG_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "agent/sources/kpi_source.h"
#include "agent/spool/spool.h"
#include "ftel/v1/agent_config.pb.h"
#include "libftel/config/config_problems.h"
#include "libftel/platform/clock_sync.h"
#include "libftel/platform/log.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

struct LoadedAgentConfig {
  std::string path;
  v1::AgentConfig config;  // defaults applied
  ScenarioCatalogue catalogue;
  // Fnv1a64Hex of the file's bytes.
  std::string config_hash;
};

// InvalidArgument lists every problem as "file:line: key: rule", one per line.
absl::StatusOr<LoadedAgentConfig> LoadAgentConfig(const std::string& path);

// The semantic rules, on a config with defaults applied. `catalogue` may be
// null when it could not be loaded (scenario ids are then not checked).
void ValidateAgentConfig(const v1::AgentConfig& config, const ScenarioCatalogue* catalogue,
                         ConfigProblems* problems);

// `config_dir` anchors relative paths (spool, TLS and password files).
void ApplyAgentDefaults(const std::string& config_dir, v1::AgentConfig* config);

SpoolOptions SpoolOptionsFrom(const v1::SpoolConfig& spool);

// Makes the config's `log_level` the process's (SetLogLevel): at start, and
// again when a reloaded config takes over.
void ApplyAgentLogLevel(const LoadedAgentConfig& loaded);
// The LogLevel that `log_level` names (INFO when unspecified).
LogLevel LogLevelFrom(v1::AgentConfig::LogLevel level);

// The check `clock.sync_check` names; null for NONE (the clock is trusted).
std::unique_ptr<ClockSyncCheck> ClockSyncCheckFrom(const v1::ClockConfig& clock);

// What each named source answers for: scenarios by evidence_source, work
// units by source.
std::map<std::string, SourceBindings> BindSources(const v1::AgentConfig& config);

}  // namespace ftel

#endif  // FTEL_AGENT_AGENT_CONFIG_H_
