// The agent's main loop: connect (with a Last Will), announce a retained
// online status, publish one report per interval at QoS 1, and announce
// offline before a clean exit.
//
//   AgentRuntime runtime(loaded, sampler.get(), transport.get(), &clock, session_id);
//   absl::Status s = runtime.Run(ShutdownSignal::Install());
#ifndef FTEL_AGENT_AGENT_RUNTIME_H_
#define FTEL_AGENT_AGENT_RUNTIME_H_

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "agent/agent_config.h"
#include "agent/sampler.h"
#include "ftel/v1/status.pb.h"
#include "libftel/clock.h"
#include "libftel/mqtt_transport.h"
#include "libftel/shutdown_signal.h"
#include "libftel/topic_scheme.h"

namespace ftel {

// The project version from CMake, announced in every status.
inline constexpr char kAgentVersion[] = FTEL_VERSION;

struct AgentCounters {
  std::atomic<uint64_t> sampled{0};
  std::atomic<uint64_t> acknowledged{0};
  std::atomic<uint64_t> failed{0};
  // Sampled while no broker connection was up.
  std::atomic<uint64_t> unsent{0};
  std::atomic<uint64_t> connects{0};
};

class AgentRuntime {
 public:
  // All pointers are borrowed and must outlive the runtime.
  AgentRuntime(const LoadedAgentConfig& loaded, Sampler* sampler, MqttTransport* transport,
               const Clock* clock, uint64_t session_id);

  // Returns when `stop` is requested, after publishing the offline status.
  absl::Status Run(ShutdownSignal& stop);

  v1::NodeStatus MakeStatus(v1::NodeStatus::State state, bool is_last_will) const;
  const AgentCounters& counters() const { return counters_; }

 private:
  bool TryConnect();
  void PublishReport(const ReportWindow& window);

  const LoadedAgentConfig& loaded_;
  Sampler* sampler_;
  MqttTransport* transport_;
  const Clock* clock_;
  const uint64_t session_id_;
  const int64_t started_at_ms_;
  const TopicScheme topics_;
  AgentCounters counters_;
  bool warned_offline_ = false;
};

}  // namespace ftel

#endif  // FTEL_AGENT_AGENT_RUNTIME_H_
