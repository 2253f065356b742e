// ftelctl agent-health CONFIG: whether the agent of this config is alive,
// from the health file it writes into its spool directory every few seconds
// (agent/health_file.h). For container HEALTHCHECKs and monitoring scripts:
// exit 0 healthy, 1 not (with the reason), 2 usage.
#include <cstdio>
#include <string>

#include "absl/time/clock.h"
#include "agent/agent_config.h"
#include "agent/health_file.h"
#include "tools/ftelctl/commands.h"

namespace ftel {

int RunAgentHealth(const AgentHealthArgs& args) {
  absl::StatusOr<LoadedAgentConfig> loaded = LoadAgentConfig(args.config);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ftelctl: %s\n", std::string(loaded.status().message()).c_str());
    return 1;
  }
  const std::string path = loaded->config.spool().dir() + "/" + kHealthFileName;
  absl::StatusOr<AgentLiveness> health = ReadHealthFile(path);
  if (!health.ok()) {
    std::printf("unhealthy: %s\n", std::string(health.status().message()).c_str());
    return 1;
  }
  std::string why;
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  const bool healthy = IsHealthy(*health, now_ms, &why);
  std::printf(
      "%s: written %lld s ago, broker %s, %llu reports spooled, %llu sampled, %llu "
      "acknowledged%s%s\n",
      healthy ? "healthy" : "unhealthy",
      static_cast<long long>((now_ms - health->updated_ms) / 1000),
      health->connected ? "connected" : "not connected",
      static_cast<unsigned long long>(health->spool_pending),
      static_cast<unsigned long long>(health->sampled),
      static_cast<unsigned long long>(health->acknowledged), healthy ? "" : ": ", why.c_str());
  return healthy ? 0 : 1;
}

}  // namespace ftel
