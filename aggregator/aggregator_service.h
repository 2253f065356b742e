// ftel-aggregator's loop: receives reports and statuses, validates and
// applies them to the fleet state, and republishes the retained results that
// changed, coalesced to at most one recompute per publish_min_interval_ms.
//
//   AggregatorService service(loaded, transport.get(), &clock);
//   absl::Status s = service.Run(ShutdownSignal::Install());
#ifndef FTEL_AGGREGATOR_AGGREGATOR_SERVICE_H_
#define FTEL_AGGREGATOR_AGGREGATOR_SERVICE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "aggregator/aggregator_config.h"
#include "aggregator/engine/penetration_engine.h"
#include "aggregator/input/input_validator.h"
#include "aggregator/outputs/metrics_exporter.h"
#include "aggregator/state/fleet_state.h"
#include "aggregator/state/state_store.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/shutdown_signal.h"

namespace ftel {

class AggregatorService {
 public:
  // Borrowed pointers must outlive the service. `store` may be null (state
  // in memory only); when given, it has been loaded into `state()` already.
  // `metrics`, when given, is updated after every turn of the loop.
  AggregatorService(const LoadedAggregatorConfig& loaded, MqttTransport* transport,
                    const Clock* clock, StateStore* store = nullptr,
                    AggregatorMetrics* metrics = nullptr);

  // The fleet state, for loading it from the store before Run.
  FleetState& state() { return state_; }

  // Connects (retrying), subscribes, and processes until `stop` is requested.
  absl::Status Run(ShutdownSignal& stop);

  // Queues a received message; thread-safe, never blocks on processing.
  void Enqueue(const MqttMessage& message);

  // Applies one message to the state now (the processing thread's step).
  void Process(const MqttMessage& message);
  // Recomputes results and publishes those that changed.
  void Recompute();

  AggregatorStats stats() const;

  // A consistent view for the metrics exporter (processing thread only).
  MetricsSnapshot Snapshot() const;

  // Healthy while connected to the broker and the processing loop turned
  // within the last 10 s. Thread-safe.
  bool Healthy(std::string* detail) const;

 private:
  bool ConnectAndSubscribe();
  void Reject(Rejection reason, const std::string& topic, const std::string& detail);
  // The topic of a result in a format (TopicScheme::kJsonRates / kProtobufRates),
  // or "" when the result is not published in that format.
  using TopicForFormat = std::function<std::string(const std::string& format)>;
  void PublishIfChanged(const TopicForFormat& topic_for, const google::protobuf::Message& result);
  // In a shared-subscription group: tells the peers what was accepted here.
  void ShareLocalWindows();
  // Stores this minute's history points and publishes the groups' histories.
  void RecordHistory(const FleetResults& results, int64_t now_ms);

  const LoadedAggregatorConfig& loaded_;
  MqttTransport* transport_;
  const Clock* clock_;
  StateStore* store_;
  AggregatorMetrics* metrics_;
  const TopicScheme topics_;
  const InputValidator validator_;
  FleetState state_;
  bool dirty_ = false;
  size_t next_uri_ = 0;
  std::atomic<bool> connection_lost_{false};
  bool warned_offline_ = false;
  // Last payload published per topic, without computed_at_ms.
  std::map<std::string, std::string> published_;

  // Result topics whose publish failed (set by Paho's thread).
  std::mutex failed_mu_;
  std::vector<std::string> failed_topics_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  struct Received {
    MqttMessage message;
    int64_t at_ms;
  };
  std::deque<Received> queue_;
  // For the metrics and the health endpoint.
  std::shared_ptr<const FleetResults> last_results_;
  // Rebuilds only the factories that changed between recomputes.
  ResultsCache results_cache_;
  // Every factory result is offered again (after a reconnect or a failed
  // publish), not only the changed ones; PublishIfChanged still skips what
  // the broker already holds.
  bool offer_all_factories_ = true;
  std::atomic<int64_t> last_loop_ms_{0};
  int64_t last_history_ms_ = 0;
  double processing_lag_s_ = 0;

  mutable std::mutex stats_mu_;
  AggregatorStats stats_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_AGGREGATOR_SERVICE_H_
