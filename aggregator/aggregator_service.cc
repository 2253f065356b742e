#include "aggregator/aggregator_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libftel/platform/log.h"
#include "libftel/platform/status_macros.h"
#include "libftel/platform/systemd_notify.h"

namespace ftel {
namespace {

// Staleness changes with time alone: results are recomputed this often
// even without input.
constexpr int64_t kIdleRecomputeMs = 5000;
// The longest the loop waits for input before it turns anyway.
constexpr int64_t kMaxWaitMs = 200;

}  // namespace

AggregatorService::AggregatorService(const LoadedAggregatorConfig& loaded, MqttTransport* transport,
                                     MessageInbox* inbox, const Clock* clock, StateStore* store,
                                     AggregatorMetrics* metrics)
    : loaded_(loaded),
      transport_(transport),
      clock_(clock),
      store_(store),
      metrics_(metrics),
      topics_(loaded.config.topic_root()),
      inbox_(inbox),
      validator_(loaded.config.topic_root(), &loaded.catalogue,
                 ValidationLimits{loaded.config.max_payload_bytes(),
                                  static_cast<int64_t>(loaded.config.max_clock_skew_s()) * 1000},
                 loaded.config.shared_group().empty() ? "" : loaded.config.member_id()),
      state_(static_cast<int64_t>(loaded.config.kpi_horizon_s()) * 1000,
             static_cast<int64_t>(loaded.config.evidence_horizon_s()) * 1000),
      results_cache_(loaded.catalogue, static_cast<int64_t>(loaded.config.stale_after_s()) * 1000),
      factory_schedule_(loaded.config.factory_results_min_interval_ms()),
      publisher_(loaded.config.topic_root(), loaded.config.outputs(), transport),
      flat_views_(loaded.config.topic_root(), loaded.config.flat_views(), transport),
      commits_(loaded.config.topic_root(), transport),
      connection_(loaded.config.broker(), transport, clock, static_cast<uint64_t>(clock->NowMs()),
                  ConnectionHooks()) {
  state_.set_record_local_windows(!loaded.config.shared_group().empty());
  if (store_ != nullptr) {
    history_.emplace(store_, loaded.config.history_every_s(),
                     static_cast<int>(loaded.config.history_points()));
  }
}

absl::Status AggregatorService::Run(ShutdownSignal& stop) {
  if (history_.has_value()) RETURN_IF_ERROR(history_->Load());
  const absl::Duration wait =
      absl::Milliseconds(std::min<int64_t>(loaded_.config.publish_min_interval_ms(), kMaxWaitMs));
  LoopWatchdog watchdog(clock_);  // systemd's WatchdogSec=, fed once per turn
  while (!stop.requested()) {
    watchdog.Turned();
    if (stop.TakeReload() && reload_ready_ && reload_ready_()) {
      reload_requested_ = true;
      break;
    }
    const bool connected = connection_.Maintain();
    ProcessBatch(inbox_->Drain(wait));  // validate -> apply
    ShareLocalWindows();
    const bool results_may_go = SaveIfDue();
    if (publisher_.TakeFailures()) dirty_ = true;
    if (connected && results_may_go && RecomputeDue(clock_->MonotonicMs())) {
      Recompute();  // -> publish -> history
    } else if (connected && !results_may_go) {
      PublishDueFactories(clock_->MonotonicMs());
    }
    last_loop_ms_ = clock_->MonotonicMs();
    if (metrics_ != nullptr) metrics_->Update(Snapshot());
  }
  // What follows is the stop (or the reload), not a stuck loop.
  if (reload_requested_) {
    NotifyReloading();
  } else {
    NotifyStopping();
  }
  // Apply, share and save what was taken. A reload keeps the connection:
  // Paho acknowledges a report to the broker before it hands it over, so a
  // disconnect drops what it holds; the next service reads on from the
  // inbox. A stop disconnects, then applies and saves what arrived
  // meanwhile, so that nothing the transport acknowledged is left
  // unprocessed.
  ProcessBatch(inbox_->Drain(absl::ZeroDuration()));
  ShareLocalWindows();
  SaveChangedNodes();
  if (reload_requested_) {
    // No callback of this service runs later; the next one's connection
    // notices a loss from IsConnected until it sets its own handler.
    transport_->SetConnectionLostHandler(nullptr);
    transport_->SettlePublishes(absl::Seconds(2));
  } else {
    (void)transport_->Disconnect(absl::Seconds(2));
    ProcessBatch(inbox_->Drain(absl::ZeroDuration()));
    SaveChangedNodes();
  }
  if (const size_t unshared = state_.TakeLocalDelta().size(); unshared > 0) {
    LogWarning(absl::StrCat(unshared,
                            " node(s) had windows accepted while stopping that the "
                            "group's peers were not sent"));
  }
  LogInfo(reload_requested_ ? "stopped for the config reload, state saved" : "stopped");
  return absl::OkStatus();
}

BrokerConnectionHooks AggregatorService::ConnectionHooks() {
  BrokerConnectionHooks hooks;
  // A persistent session: while the aggregator is away (restart, network)
  // the broker queues the reports for it instead of dropping them.
  hooks.prepare = [](MqttConnectOptions* options) {
    options->clean_session = false;
    // Results go out at once, not after the broker's delayed ACK.
    options->no_delay = true;
  };
  hooks.on_connected = [this](const std::string& uri) { return OnConnected(uri); };
  return hooks;
}

absl::Status AggregatorService::OnConnected(const std::string& uri) {
  RETURN_IF_ERROR(transport_->Subscribe(topics_.AllStatuses(), 1));
  const std::string& group = loaded_.config.shared_group();
  const std::string reports = group.empty() ? topics_.AllReports() : topics_.SharedReports(group);
  RETURN_IF_ERROR(transport_->Subscribe(reports, 1));
  if (!group.empty()) RETURN_IF_ERROR(transport_->Subscribe(topics_.AllClusterDeltas(), 1));
  // After a (re)connect the broker may have lost our retained results.
  publisher_.Reset();
  flat_views_.Reset();
  commits_.Reset();
  dirty_ = true;
  LogInfo(absl::StrCat(
      uri.empty() ? "kept the broker connection" : absl::StrCat("connected to ", uri),
      ", subscribed to ", reports, " and ", topics_.AllStatuses(),
      group.empty() ? "" : absl::StrCat(" as member ", loaded_.config.member_id(), " of ", group)));
  return absl::OkStatus();
}

void AggregatorService::ProcessBatch(std::deque<MessageInbox::Received> batch) {
  if (batch.empty()) return;
  processing_lag_s_ = static_cast<double>(clock_->NowMs() - batch.front().at_ms) / 1000.0;
  for (const MessageInbox::Received& received : batch) Process(received.message);
}

void AggregatorService::Process(const MqttMessage& message) {
  validator_.Validate(message, clock_->NowMs(), &input_);
  const ValidationResult& input = input_;
  switch (input.kind) {
    case ValidationResult::Kind::kRejected:
      Reject(input.rejection, message.topic, input.detail);
      if (input.settles) state_.SettleRejected(input.report);
      return;
    case ValidationResult::Kind::kStatusCleared:
    case ValidationResult::Kind::kOwnClusterDelta:
      return;
    case ValidationResult::Kind::kClusterDelta:
      for (const v1::NodeSnapshot& node : input.delta.nodes()) state_.MergeDelta(node);
      // A peer's delta may be a whole batch of nodes: its storage is not
      // kept for the next message, as a report's is.
      input_.delta = v1::ClusterDelta();
      dirty_ = true;
      return;
    case ValidationResult::Kind::kStatus: {
      state_.ApplyStatus(input.status);
      dirty_ = true;
      absl::MutexLock lock(&stats_mu_);
      ++stats_.statuses;
      return;
    }
    case ValidationResult::Kind::kReport:
      break;
  }
  const uint64_t session = input.report.session_id();
  const ReportOutcome outcome = state_.ApplyReport(input.report);
  if (outcome == ReportOutcome::kOverlapping) {
    uint64_t count;
    {
      absl::MutexLock lock(&stats_mu_);
      count = ++stats_.overlapping;
    }
    if (count <= 5 || count % 1000 == 0) {
      LogWarning(absl::StrCat("not counted (#", count, "): a report of session ",
                              absl::Hex(session, absl::kZeroPad16), " on ", message.topic,
                              " covers time already counted for the node; are two agents ",
                              "running with one identity?"));
    }
    dirty_ = true;
    return;
  }
  absl::MutexLock lock(&stats_mu_);
  switch (outcome) {
    case ReportOutcome::kAccepted:
      ++stats_.reports;
      dirty_ = true;
      break;
    case ReportOutcome::kDuplicate:
      ++stats_.duplicates;
      dirty_ = true;  // the duplicate counter is part of the factory summary
      break;
    case ReportOutcome::kOutsideHorizon:
      ++stats_.outside_horizon;
      break;
    case ReportOutcome::kOverlapping:
      break;  // counted above
  }
}

void AggregatorService::Reject(Rejection reason, const std::string& topic,
                               const std::string& detail) {
  uint64_t count;
  {
    absl::MutexLock lock(&stats_mu_);
    count = ++stats_.rejected[RejectionName(reason)];
  }
  // The first few of each reason are logged, then every 1000th: a flood of
  // bad input must not become a flood of log lines.
  if (count <= 5 || count % 1000 == 0) {
    LogWarning(absl::StrCat("rejected (", RejectionName(reason), ", #", count, ") on ", topic, ": ",
                            detail));
  }
}

void AggregatorService::ShareLocalWindows() {
  if (loaded_.config.shared_group().empty()) return;
  std::vector<v1::NodeSnapshot> nodes = state_.TakeLocalDelta();
  if (nodes.empty()) return;
  v1::ClusterDelta delta;
  delta.set_member_id(loaded_.config.member_id());
  for (v1::NodeSnapshot& node : nodes) *delta.add_nodes() = std::move(node);
  // QoS 1 and the peers' persistent sessions carry it through short outages.
  transport_->Publish(MqttMessage{topics_.ClusterDeltaTopic(loaded_.config.member_id()),
                                  delta.SerializeAsString(), 1, false},
                      [](absl::Status done) {
                        if (!done.ok()) LogWarning(absl::StrCat("cluster delta: ", done.message()));
                      });
}

bool AggregatorService::SaveIfDue() {
  if (store_ == nullptr) return true;  // nothing is ever saved: results as they are
  const int64_t now_ms = clock_->MonotonicMs();
  if (now_ms - last_save_ms_ < loaded_.config.save_interval_ms()) return !state_.HasChanged();
  last_save_ms_ = now_ms;
  // Every due turn, changed or not: commits whose publish failed go again.
  // A failed save (a full disk) still lets the results go on.
  SaveChangedNodes();
  return true;
}

void AggregatorService::SaveChangedNodes() {
  if (store_ == nullptr) return;
  const std::set<FleetState::NodeKey> changed = state_.TakeChanged();
  absl::Status saved = store_->Save(state_, changed);
  if (!saved.ok()) {
    LogError(absl::StrCat("state store: ", saved.message()));
    state_.MarkChanged(changed);
    return;  // nothing unsaved is ever committed
  }
  state_.WindowsSaved(changed);
  // Everything in the state is on disk now: commits may say so.
  const uint64_t sent = commits_.Publish(state_, changed, clock_->NowMs());
  if (sent > 0) {
    absl::MutexLock lock(&stats_mu_);
    stats_.commits += sent;
  }
}

bool AggregatorService::RecomputeDue(int64_t now_ms) {
  if (now_ms - last_recompute_ms_ >= kIdleRecomputeMs) dirty_ = true;
  // A factory whose results waited for its interval is due.
  if (factory_schedule_.NextDueMs() <= now_ms) dirty_ = true;
  return dirty_ && now_ms - last_recompute_ms_ >= loaded_.config.publish_min_interval_ms();
}

void AggregatorService::PublishDueFactories(int64_t now_ms) {
  if (last_results_ == nullptr || factory_schedule_.NextDueMs() > now_ms) return;
  const std::vector<DueFactory> due = factory_schedule_.TakeDue(now_ms);
  const uint64_t published = publisher_.PublishResults(*last_results_, due);
  flat_views_.Publish(*last_results_, due);
  absl::MutexLock lock(&stats_mu_);
  stats_.published += published;
}

void AggregatorService::Recompute() {
  const absl::Time started = absl::Now();
  const int64_t now_ms = clock_->NowMs();
  std::vector<std::string> changed_factories;
  last_results_ =
      results_cache_.Update(state_, state_.TakeChangedFactories(), now_ms, &changed_factories);
  const FleetResults& results = *last_results_;
  // A factory's own results at most once per factory_results_min_interval_ms.
  factory_schedule_.Changed(changed_factories, clock_->MonotonicMs(), results.computed_at_ms);
  const std::vector<DueFactory> due_factories = factory_schedule_.TakeDue(clock_->MonotonicMs());
  uint64_t published = publisher_.PublishResults(results, due_factories);
  // Flat JSON views for Grafana's MQTT data source (not counted in
  // published_total).
  flat_views_.Publish(results, due_factories);
  if (history_.has_value()) {
    for (const v1::History* history : history_->Record(results, now_ms)) {
      published += publisher_.PublishHistory(*history);
    }
  }
  dirty_ = false;
  last_recompute_ms_ = clock_->MonotonicMs();
  AggregatorStats now;
  {
    absl::MutexLock lock(&stats_mu_);
    ++stats_.recomputes;
    stats_.published += published;
    now = stats_;
  }
  recompute_log_.Recomputed(last_recompute_ms_, results.fleet, now, published,
                            absl::Now() - started);
}

void AggregatorService::ContinueStats(const AggregatorStats& previous) {
  absl::MutexLock lock(&stats_mu_);
  stats_ = previous;
}

AggregatorStats AggregatorService::stats() const {
  absl::MutexLock lock(&stats_mu_);
  return stats_;
}

MetricsSnapshot AggregatorService::Snapshot() const {
  MetricsSnapshot snapshot;
  snapshot.stats = stats();
  snapshot.broker_connected = transport_->IsConnected();
  snapshot.processing_lag_s = processing_lag_s_;
  snapshot.results = last_results_;
  return snapshot;
}

bool AggregatorService::Healthy(std::string* detail) const {
  const bool connected = transport_->IsConnected();
  const int64_t since_loop_ms = clock_->MonotonicMs() - last_loop_ms_.load();
  const bool turning = last_loop_ms_.load() != 0 && since_loop_ms < 10000;
  *detail = absl::StrCat("{\"broker_connected\":", connected ? "true" : "false",
                         ",\"ms_since_last_loop\":", since_loop_ms, "}");
  return connected && turning;
}

}  // namespace ftel
