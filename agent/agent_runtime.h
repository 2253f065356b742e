// The agent's main loop. Every interval it samples a report, appends it to
// the disk spool, and publishes from the spool (QoS 1, at most max_inflight
// awaiting PUBACK). A report leaves the spool only when an aggregator's
// end-to-end commit covers it (its retained NodeCommit on the node's commit
// topic, which the agent subscribes to): a PUBACK only says the broker has
// it. The connection is a BrokerConnection (failover, jittered backoff); on
// each new one the agent registers a fresh Last Will, subscribes to its
// commits, announces a retained online status and sends every uncommitted
// report again, marked historical. On stop it announces offline.
//
//   AgentRuntime runtime(loaded, sampler.get(), spool.get(), transport.get(), &clock, session);
//   absl::Status s = runtime.Run(ShutdownSignal::Install());
#ifndef FTEL_AGENT_AGENT_RUNTIME_H_
#define FTEL_AGENT_AGENT_RUNTIME_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "agent/agent_config.h"
#include "agent/clock_hold.h"
#include "agent/config_reload.h"
#include "agent/node_session.h"
#include "agent/sampler.h"
#include "agent/spool/spool.h"
#include "agent/window_scheduler.h"
#include "ftel/v1/status.pb.h"
#include "libftel/mqtt/broker_connection.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/clock_sync.h"
#include "libftel/platform/doorbell.h"
#include "libftel/platform/shutdown_signal.h"

namespace ftel {

// The project version from CMake, announced in every status.
inline constexpr char kAgentVersion[] = FTEL_VERSION;

struct AgentCounters {
  std::atomic<uint64_t> sampled{0};
  std::atomic<uint64_t> published{0};
  std::atomic<uint64_t> acknowledged{0};
  std::atomic<uint64_t> failed{0};
};

class AgentRuntime {
 public:
  // All pointers are borrowed. The transport must be destroyed (or
  // disconnected) before the runtime: its callbacks refer to the runtime.
  // `sessions` are the node's session starts, oldest first; the last is the
  // current session (LoadSessionStarts, RecordSessionStart).
  // `sync_check` tells whether the wall clock is synchronised (the config's
  // clock.sync_check); null: always (never hold a window).
  AgentRuntime(const LoadedAgentConfig& loaded, Sampler* sampler, Spool* spool,
               MqttTransport* transport, const Clock* clock, std::vector<SessionStart> sessions,
               const ClockSyncCheck* sync_check = nullptr);

  // Returns when `stop` is requested, after publishing the offline status.
  absl::Status Run(ShutdownSignal& stop);

  // The sampler that runs now (the one given, or a reloaded config's); its
  // sources are stopped by the caller after Run, as at start.
  Sampler* sampler() const { return sampler_; }

  // One sampling step, as the loop takes it once per interval: samples the
  // window and appends the report (with the agent's health) to the spool.
  // Public so that tests and benchmarks can drive it without waiting.
  absl::Status SampleWindow(const ReportWindow& window);

  v1::NodeStatus MakeStatus(v1::NodeStatus::State state, bool is_last_will) const;
  const AgentCounters& counters() const { return counters_; }

 private:
  BrokerConnectionHooks ConnectionHooks();
  // The on-connected hook: what is spooled becomes a replay, and the node
  // announces itself online.
  absl::Status OnConnected(const std::string& uri);
  // Samples a closed window, stamped on the time line `window_line_ms`,
  // and appends it; with a clock.sync_check, through the hold, which keeps
  // it (and later ones) while the clock is unsynchronised and moves what it
  // releases to the scheduler's current line.
  void CloseWindow(const ReportWindow& window, int64_t window_line_ms, int64_t current_line_ms);
  // Appends what the hold releases now.
  void ReleaseHeld(int64_t current_line_ms);
  // Appends a sampled report, with the agent's health, to the spool.
  absl::Status AppendReport(v1::Report report);
  void AppendAll(std::vector<v1::Report> reports);
  // Writes <spool.dir>/health (health_file.h) for health checks.
  void WriteLiveness(bool connected);
  // One round of publishing from the spool, up to max_inflight.
  void Pump();
  // Takes a commit from the transport's thread (on the commit topic).
  void OnCommit(const MqttMessage& message) ABSL_LOCKS_EXCLUDED(commits_mu_);
  // Acknowledges in the spool what the commits received so far cover; when
  // a commit's gap persists, sends the uncommitted reports again.
  void ApplyCommits(int64_t now_ms) ABSL_LOCKS_EXCLUDED(commits_mu_);
  // Warns, at most every 10 minutes, when reports stay uncommitted while
  // connected: no aggregator, or the broker drops them (an ACL denial).
  void WarnIfCommitsLag(const ClockReading& now);

  // SIGHUP: reads and checks the config again; holds it for the next window
  // boundary, or logs why it was refused.
  void PrepareReload();
  // Between two windows: the new config's sampler takes over the sources
  // that did not change, starts the others, and the rest stop.
  void ApplyReload(const WindowScheduler::Window& closed, WindowScheduler* windows);

  void Wake();
  // Sleeps up to `ms`, or until woken.
  void SleepUnlessWoken(int64_t ms);

  // Loop thread only: replaced by a reload.
  const LoadedAgentConfig* loaded_;
  Sampler* sampler_;
  // What a reload brought (the first config and sampler are the caller's).
  std::unique_ptr<LoadedAgentConfig> reloaded_config_;
  std::unique_ptr<Sampler> reloaded_sampler_;
  std::optional<AgentReload> pending_reload_;
  // Fixed for the process (a reload may not change it); read on the
  // transport's thread.
  const v1::NodeIdentity identity_;
  Spool* spool_;
  MqttTransport* transport_;
  const Clock* clock_;
  const std::vector<SessionStart> sessions_;
  const ClockSyncCheck* sync_check_;
  ClockHold clock_hold_;
  const uint64_t session_id_;
  const int64_t started_at_ms_;
  const TopicScheme topics_;
  const std::string report_topic_;
  const std::string status_topic_;
  const std::string commit_topic_;
  // Spool ids below this were appended before the current connection:
  // sending them is a replay.
  uint64_t live_from_id_ = 0;
  AgentCounters counters_;
  BrokerConnection connection_;
  // Publishes awaiting PUBACK in the current connection; callbacks of an
  // earlier connection (generation) do not count. Signed: a callback racing
  // a reconnect may take it below 0, which only widens the window once.
  std::atomic<int64_t> awaiting_puback_{0};
  std::atomic<uint64_t> generation_{0};
  int64_t last_lag_warning_ms_ = 0;
  int64_t connected_at_monotonic_ms_ = 0;
  int64_t disconnected_since_ms_ = 0;  // wall clock, for the health file
  bool health_warned_ = false;

  // The highest through_sequence committed per session, from the commits.
  absl::Mutex commits_mu_;
  std::map<uint64_t, uint64_t> commits_ ABSL_GUARDED_BY(commits_mu_);
  bool commits_changed_ ABSL_GUARDED_BY(commits_mu_) = false;
  // Per session, the newest commit's applied_above: past through_sequence,
  // it shows a gap.
  std::map<uint64_t, uint64_t> applied_above_ ABSL_GUARDED_BY(commits_mu_);
  // Loop thread: since when the watermark stood still with a gap, and how
  // long to let it stand before sending the uncommitted reports again.
  bool commit_gap_ = false;  // as of the last commit applied
  int64_t gap_since_ms_ = 0;
  int64_t gap_wait_ms_ = 0;

  // Rung by the transport's thread to wake the loop early; the loop's
  // sleep is on the monotonic clock.
  Doorbell wake_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_AGENT_RUNTIME_H_
