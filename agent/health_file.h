// The agent's liveness, written to `<spool.dir>/health` every few seconds so
// that a container HEALTHCHECK or a monitoring script can tell a working
// agent from a hung or dead one without talking to it
// (`ftelctl agent-health CONFIG`). Plain `key value` lines, written to a
// temporary file and renamed, without fsync: a write lost to a power cut
// only makes the next check wait for the next write.
//
//   RETURN_IF_ERROR(WriteHealthFile(dir + "/health", health));
//   ASSIGN_OR_RETURN(AgentLiveness health, ReadHealthFile(dir + "/health"));
#ifndef FTEL_AGENT_HEALTH_FILE_H_
#define FTEL_AGENT_HEALTH_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace ftel {

inline constexpr char kHealthFileName[] = "health";

struct AgentLiveness {
  int64_t updated_ms = 0;  // wall clock of the write
  bool connected = false;
  // Wall clock since when the broker is unreachable; 0 while connected.
  int64_t disconnected_since_ms = 0;
  uint64_t spool_pending = 0;
  uint64_t sampled = 0;
  uint64_t acknowledged = 0;
  uint32_t publish_interval_ms = 0;
};

absl::Status WriteHealthFile(const std::string& path, const AgentLiveness& health);
// NotFound when the agent never wrote one; DataLoss for a damaged file.
absl::StatusOr<AgentLiveness> ReadHealthFile(const std::string& path);

// Healthy when the file is fresh (written within 3 publish intervals, at
// least 30 s) and the broker was not unreachable for longer than 5 minutes;
// else false with `why` set.
bool IsHealthy(const AgentLiveness& health, int64_t now_ms, std::string* why);

}  // namespace ftel

#endif  // FTEL_AGENT_HEALTH_FILE_H_
