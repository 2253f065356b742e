// ftel-aggregator's loop, which reads as its data path: drain what arrived,
// validate it, apply it to the fleet state, save the state, recompute what
// changed (coalesced to at most one recompute per publish_min_interval_ms),
// publish the results that changed, and record history. After each save it
// publishes the end-to-end commits of what was saved, which let agents delete
// those reports. Each step is a part of its own: MessageInbox,
// InputValidator, FleetState, StateStore, CommitPublisher, ResultsCache,
// ResultPublisher, HistoryRecorder; the broker connection is a
// BrokerConnection whose on-connected hook subscribes and re-offers results
// and commits.
//
//   MessageInbox inbox;  // outlives the services: a reload hands it on
//   transport->SetMessageHandler([&](MqttMessage m) { inbox.Push(std::move(m), clock.NowMs()); });
//   AggregatorService service(loaded, transport.get(), &inbox, &clock, store.get(), &metrics);
//   absl::Status s = service.Run(ShutdownSignal::Install());
#ifndef FTEL_AGGREGATOR_AGGREGATOR_SERVICE_H_
#define FTEL_AGGREGATOR_AGGREGATOR_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "aggregator/aggregator_config.h"
#include "aggregator/engine/penetration_engine.h"
#include "aggregator/input/input_validator.h"
#include "aggregator/input/message_inbox.h"
#include "aggregator/outputs/commit_publisher.h"
#include "aggregator/outputs/factory_publish_schedule.h"
#include "aggregator/outputs/flat_view_publisher.h"
#include "aggregator/outputs/history_recorder.h"
#include "aggregator/outputs/metrics_exporter.h"
#include "aggregator/outputs/recompute_log.h"
#include "aggregator/outputs/result_publisher.h"
#include "aggregator/state/fleet_state.h"
#include "aggregator/state/state_store.h"
#include "libftel/mqtt/broker_connection.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/shutdown_signal.h"

namespace ftel {

class AggregatorService {
 public:
  // All pointers are borrowed. `inbox` is where the caller's message
  // handler on `transport` puts what arrives; both outlive the service,
  // which after a reload leaves the connection up and the inbox's unread
  // messages to the next one. `store` may be null (state in memory only, no
  // history); when given, it has been loaded into `state()` already.
  // `metrics`, when given, is updated after every turn of the loop.
  AggregatorService(const LoadedAggregatorConfig& loaded, MqttTransport* transport,
                    MessageInbox* inbox, const Clock* clock, StateStore* store = nullptr,
                    AggregatorMetrics* metrics = nullptr);

  // The fleet state, for loading it from the store before Run.
  FleetState& state() { return state_; }

  // Loads the history, then connects (retrying) or takes the connection
  // over, subscribes and processes until `stop` is requested; then applies
  // and saves what was taken, disconnects, applies and saves what arrived
  // meanwhile, and returns. An error means it could not start.
  absl::Status Run(ShutdownSignal& stop);

  // On SIGHUP Run asks `ready`: true (a new config was read and checked)
  // makes Run stop as for a shutdown, saving everything taken, and return
  // with reload_requested() true, still connected: the next service takes
  // the connection and what is left in the inbox over. False keeps it
  // running.
  void SetReloadCheck(std::function<bool()> ready) { reload_ready_ = std::move(ready); }
  bool reload_requested() const { return reload_requested_; }
  // A reloaded service goes on counting where the previous one stopped.
  void ContinueStats(const AggregatorStats& previous) ABSL_LOCKS_EXCLUDED(stats_mu_);

  // The loop's steps, for tests that drive them without a broker: applies
  // one message to the state; recomputes and publishes what changed.
  void Process(const MqttMessage& message);
  void Recompute();

  AggregatorStats stats() const ABSL_LOCKS_EXCLUDED(stats_mu_);
  // Healthy while connected to the broker and the processing loop turned
  // within the last 10 s. Thread-safe.
  bool Healthy(std::string* detail) const;

 private:
  BrokerConnectionHooks ConnectionHooks();
  // Subscribes and has every result offered again.
  absl::Status OnConnected(const std::string& uri);
  void ProcessBatch(std::deque<MessageInbox::Received> batch);
  void Reject(Rejection reason, const std::string& topic, const std::string& detail)
      ABSL_LOCKS_EXCLUDED(stats_mu_);
  // In a shared-subscription group: tells the peers what was accepted here.
  void ShareLocalWindows();
  // Saved before anything derived from it is published; then the commits
  // of what was saved go out.
  void SaveChangedNodes();
  // SaveChangedNodes once save_interval_ms has passed since the last one.
  // Returns whether results may be computed now: a save was due (even one
  // that failed: a broken disk must not freeze the results) or nothing
  // changed since the last.
  bool SaveIfDue();
  bool RecomputeDue(int64_t now_ms);
  // Between saves, when results may not be computed (the state holds
  // unsaved input): the factories whose interval is over go out from the
  // last recompute's results, which counted saved state only (unless a
  // save failed: results then go on from the state). Without this
  // a factory whose interval ends just after a save waited for the next
  // save: with both intervals at 30 s, its results came every 60 s.
  void PublishDueFactories(int64_t now_ms);
  // A consistent view for the metrics exporter (processing thread only).
  MetricsSnapshot Snapshot() const;

  const LoadedAggregatorConfig& loaded_;
  MqttTransport* const transport_;
  const Clock* const clock_;
  StateStore* const store_;
  AggregatorMetrics* const metrics_;
  const TopicScheme topics_;

  // The data path, in order.
  MessageInbox* const inbox_;
  const InputValidator validator_;
  ValidationResult input_;  // the message in hand; reused, with its storage
  FleetState state_;
  ResultsCache results_cache_;
  FactoryPublishSchedule factory_schedule_;
  ResultPublisher publisher_;
  FlatViewPublisher flat_views_;
  CommitPublisher commits_;
  std::optional<HistoryRecorder> history_;
  BrokerConnection connection_;

  // Processing thread only.
  std::function<bool()> reload_ready_;
  bool reload_requested_ = false;
  bool dirty_ = false;
  // Monotonic ms: a step of the wall clock must not stall the loop's timers.
  int64_t last_recompute_ms_ = 0;
  int64_t last_save_ms_ = 0;
  double processing_lag_s_ = 0;
  RecomputeLog recompute_log_;
  // For the metrics and the health endpoint.
  std::shared_ptr<const FleetResults> last_results_;
  std::atomic<int64_t> last_loop_ms_{0};

  mutable absl::Mutex stats_mu_;
  AggregatorStats stats_ ABSL_GUARDED_BY(stats_mu_);
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_AGGREGATOR_SERVICE_H_
