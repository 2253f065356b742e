// The agent's config reload (SIGHUP, `systemctl reload ftel-agent`): the
// file is read and checked again as at start; a config with problems is
// refused and the running one stays. What a running agent cannot change
// (its identity, broker, spool and clock settings) is refused too, naming
// each key: those take a restart.
//
//   absl::StatusOr<AgentReload> next = PrepareAgentReload(running);
//   if (!next.ok()) LogError(next.status().message());  // still running `running`
#ifndef FTEL_AGENT_CONFIG_RELOAD_H_
#define FTEL_AGENT_CONFIG_RELOAD_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "agent/agent_config.h"
#include "agent/sampler.h"

namespace ftel {

// A re-read config, checked, with its sampler made but not started.
struct AgentReload {
  std::unique_ptr<LoadedAgentConfig> loaded;
  std::unique_ptr<Sampler> sampler;
};

// Reads `running.path` again. InvalidArgument with every problem, one per
// line, as at start; FailedPrecondition naming the keys that changed but
// apply only at a restart.
absl::StatusOr<AgentReload> PrepareAgentReload(const LoadedAgentConfig& running);

// FailedPrecondition "file: identity, broker: change only with a restart",
// or OK.
absl::Status CheckReloadable(const LoadedAgentConfig& running, const LoadedAgentConfig& next);

}  // namespace ftel

#endif  // FTEL_AGENT_CONFIG_RELOAD_H_
