#include "aggregator/aggregator_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "aggregator/engine/penetration_engine.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "libftel/mqtt/connect_options.h"
#include "libftel/mqtt/reconnect_backoff.h"
#include "libftel/platform/log.h"
#include "libftel/schema/proto_json.h"

namespace ftel {
namespace {

constexpr int64_t kIdleRecomputeMs = 5000;

std::string PercentText(const v1::Ratio& ratio) {
  return ratio.has_percent() ? absl::StrFormat("%.1f%%", ratio.percent()) : "n/a";
}

}  // namespace

AggregatorService::AggregatorService(const LoadedAggregatorConfig& loaded, MqttTransport* transport,
                                     const Clock* clock, StateStore* store,
                                     AggregatorMetrics* metrics)
    : loaded_(loaded),
      transport_(transport),
      clock_(clock),
      store_(store),
      metrics_(metrics),
      topics_(loaded.config.topic_root()),
      validator_(loaded.config.topic_root(), &loaded.catalogue,
                 ValidationLimits{loaded.config.max_payload_bytes(),
                                  static_cast<int64_t>(loaded.config.max_clock_skew_s()) * 1000}),
      state_(static_cast<int64_t>(loaded.config.kpi_horizon_s()) * 1000),
      results_cache_(loaded.catalogue, static_cast<int64_t>(loaded.config.stale_after_s()) * 1000) {
  state_.set_record_local_windows(!loaded.config.shared_group().empty());
}

AggregatorStats AggregatorService::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
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
  const int64_t since_loop_ms = clock_->NowMs() - last_loop_ms_.load();
  const bool turning = last_loop_ms_.load() != 0 && since_loop_ms < 10000;
  *detail = absl::StrCat("{\"broker_connected\":", connected ? "true" : "false",
                         ",\"ms_since_last_loop\":", since_loop_ms, "}");
  return connected && turning;
}

void AggregatorService::Enqueue(const MqttMessage& message) {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_.push_back(Received{message, clock_->NowMs()});
  }
  queue_cv_.notify_one();
}

void AggregatorService::Reject(Rejection reason, const std::string& topic,
                               const std::string& detail) {
  uint64_t count;
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    count = ++stats_.rejected[RejectionName(reason)];
  }
  // The first few of each reason are logged, then every 1000th: a flood of
  // bad input must not become a flood of log lines.
  if (count <= 5 || count % 1000 == 0) {
    LogWarning(absl::StrCat("rejected (", RejectionName(reason), ", #", count, ") on ", topic, ": ",
                            detail));
  }
}

void AggregatorService::Process(const MqttMessage& message) {
  if (!loaded_.config.shared_group().empty()) {
    if (std::optional<std::string> member = topics_.ParseClusterDeltaTopic(message.topic)) {
      if (*member == loaded_.config.member_id()) return;  // our own delta
      v1::ClusterDelta delta;
      if (!delta.ParseFromString(message.payload)) {
        Reject(Rejection::kUndecodable, message.topic, "not a ftel.v1.ClusterDelta");
        return;
      }
      // A member's ids end up in result topics: a peer's delta is held to
      // the rule an agent's reports are.
      for (const v1::NodeSnapshot& node : delta.nodes()) {
        if (!IsValidId(node.identity().factory_id()) || !IsValidId(node.identity().node_id())) {
          Reject(Rejection::kUndecodable, message.topic,
                 absl::StrCat("cluster delta names an invalid node '", node.identity().factory_id(),
                              "/", node.identity().node_id(), "'"));
          return;
        }
      }
      for (const v1::NodeSnapshot& node : delta.nodes()) state_.MergeDelta(node);
      dirty_ = true;
      return;
    }
  }
  ValidationResult input = validator_.Validate(message, clock_->NowMs());
  switch (input.kind) {
    case ValidationResult::Kind::kRejected:
      Reject(input.rejection, message.topic, input.detail);
      return;
    case ValidationResult::Kind::kStatusCleared:
      return;
    case ValidationResult::Kind::kStatus: {
      state_.ApplyStatus(input.status);
      dirty_ = true;
      std::lock_guard<std::mutex> lock(stats_mu_);
      ++stats_.statuses;
      return;
    }
    case ValidationResult::Kind::kReport:
      break;
  }
  const ReportOutcome outcome = state_.ApplyReport(input.report);
  std::lock_guard<std::mutex> lock(stats_mu_);
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
  }
}

void AggregatorService::PublishIfChanged(const TopicForFormat& topic_for,
                                         const google::protobuf::Message& result) {
  const std::string topic = topic_for(TopicScheme::kJsonRates);
  // computed_at_ms alone does not make a result new.
  std::unique_ptr<google::protobuf::Message> comparable(result.New());
  comparable->CopyFrom(result);
  if (const auto* field = comparable->GetDescriptor()->FindFieldByName("computed_at_ms")) {
    comparable->GetReflection()->ClearField(comparable.get(), field);
  }
  std::string key = comparable->SerializeAsString();
  auto it = published_.find(topic);
  if (it != published_.end() && it->second == key) return;
  if (!transport_->IsConnected()) return;  // republished in full after reconnect
  published_[topic] = std::move(key);
  const v1::AggregatorConfig::Outputs outputs = loaded_.config.outputs();
  std::vector<MqttMessage> messages;
  const std::string binary_topic = topic_for(TopicScheme::kProtobufRates);
  if (outputs != v1::AggregatorConfig::PROTOBUF_ONLY || binary_topic.empty()) {
    messages.push_back(MqttMessage{topic, ToJson(result), 1, true});
  }
  if (outputs != v1::AggregatorConfig::JSON_ONLY && !binary_topic.empty()) {
    messages.push_back(MqttMessage{binary_topic, result.SerializeAsString(), 1, true});
  }
  for (const MqttMessage& message : messages) {
    transport_->Publish(message, [this, topic, target = message.topic](absl::Status done) {
      if (done.ok()) return;
      LogWarning(absl::StrCat("publish ", target, ": ", done.message(), "; will retry"));
      std::lock_guard<std::mutex> lock(failed_mu_);
      failed_topics_.push_back(topic);
    });
  }
  std::lock_guard<std::mutex> lock(stats_mu_);
  stats_.published += messages.size();
}

void AggregatorService::Recompute() {
  const absl::Time started = absl::Now();
  std::vector<std::string> changed_factories;
  last_results_ = results_cache_.Update(state_, state_.TakeChangedFactories(), clock_->NowMs(),
                                        &changed_factories);
  const FleetResults& results = *last_results_;
  uint64_t published_before;
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    published_before = stats_.published;
    ++stats_.recomputes;
  }
  auto publish_factory = [&](const v1::FactorySummary& factory) {
    PublishIfChanged(
        [&](const std::string& format) {
          return topics_.FactoryRatesTopic(factory.factory_id(), format);
        },
        factory);
  };
  if (offer_all_factories_) {
    for (const v1::FactorySummary& factory : results.factories) publish_factory(factory);
    offer_all_factories_ = !transport_->IsConnected();
  } else {
    // results.factories is ordered by factory id.
    for (const std::string& id : changed_factories) {
      auto it = std::lower_bound(
          results.factories.begin(), results.factories.end(), id,
          [](const v1::FactorySummary& f, const std::string& key) { return f.factory_id() < key; });
      if (it != results.factories.end() && it->factory_id() == id) publish_factory(*it);
    }
  }
  for (const v1::GroupSummary& group : results.groups) {
    PublishIfChanged(
        [&](const std::string& format) {
          return topics_.GroupRatesTopic(group.kind(), group.key(), format);
        },
        group);
  }
  PublishIfChanged([&](const std::string& format) { return topics_.FleetRatesTopic(format); },
                   results.fleet);
  RecordHistory(results, clock_->NowMs());
  dirty_ = false;
  const AggregatorStats now = stats();
  LogInfo(absl::StrFormat(
      "recompute: %d factories (%d online), fleet declared %s (%g/%g) observed %s, "
      "%d reports, %d duplicates, %d rejected, %d messages published, %.1f ms",
      results.fleet.factories(), results.fleet.factories_online(),
      PercentText(results.fleet.declared().pooled()), results.fleet.declared().pooled().numerator(),
      results.fleet.declared().pooled().denominator(),
      PercentText(results.fleet.observed().pooled()), now.reports, now.duplicates,
      [&now] {
        uint64_t total = 0;
        for (const auto& entry : now.rejected) total += entry.second;
        return total;
      }(),
      now.published - published_before, absl::ToDoubleMilliseconds(absl::Now() - started)));
}

void AggregatorService::RecordHistory(const FleetResults& results, int64_t now_ms) {
  const int64_t every_ms = static_cast<int64_t>(loaded_.config.history_every_s()) * 1000;
  if (store_ == nullptr || (last_history_ms_ != 0 && now_ms - last_history_ms_ < every_ms)) {
    return;
  }
  last_history_ms_ = now_ms;
  constexpr int64_t kHourMs = 3600LL * 1000;
  constexpr int64_t kDayMs = 24 * kHourMs;
  std::vector<StateStore::HistoryRow> rows;
  auto add = [&](const std::string& kind, const std::string& key, v1::HistoryPoint point) {
    point.set_bucket_start_ms(now_ms - now_ms % kHourMs);
    rows.push_back({kind, key, "hour", point});
    point.set_bucket_start_ms(now_ms - now_ms % kDayMs);
    rows.push_back({kind, key, "day", point});
  };
  auto group_point = [](const v1::GroupSummary& g) {
    v1::HistoryPoint point;
    *point.mutable_declared() = g.declared().pooled();
    *point.mutable_observed() = g.observed().pooled();
    if (g.production().has_oee_percent()) point.set_oee_percent(g.production().oee_percent());
    *point.mutable_completeness() = g.completeness();
    point.set_factories(g.factories());
    point.set_factories_online(g.factories_online());
    return point;
  };
  for (const v1::FactorySummary& f : results.factories) {
    v1::HistoryPoint point;
    *point.mutable_declared() = f.declared();
    *point.mutable_observed() = f.observed();
    if (f.production().has_oee_percent()) point.set_oee_percent(f.production().oee_percent());
    *point.mutable_completeness() = f.completeness();
    point.set_factories(1);
    point.set_factories_online(f.online() ? 1 : 0);
    add("factory", f.factory_id(), point);
  }
  for (const v1::GroupSummary& g : results.groups) add(g.kind(), g.key(), group_point(g));
  add("fleet", "all", group_point(results.fleet));
  absl::Status saved = store_->SaveHistory(rows, now_ms);
  if (!saved.ok()) {
    LogError(absl::StrCat("history: ", saved.message()));
    return;
  }
  // Dashboards get the groups' histories; a factory's is there for ftelctl.
  for (const StateStore::HistoryRow& row : rows) {
    if (row.kind == "factory") continue;
    absl::StatusOr<v1::History> history = store_->LoadHistory(
        row.kind, row.key, row.granularity, static_cast<int>(loaded_.config.history_points()));
    if (!history.ok()) continue;
    PublishIfChanged(
        [&](const std::string& format) {
          return format == TopicScheme::kJsonRates
                     ? topics_.HistoryTopic(row.kind, row.key, row.granularity)
                     : std::string();
        },
        *history);
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

bool AggregatorService::ConnectAndSubscribe() {
  const v1::BrokerConfig& broker = loaded_.config.broker();
  const size_t uris = 1 + static_cast<size_t>(broker.failover_uris_size());
  const size_t index = next_uri_++ % uris;
  const std::string& uri = index == 0 ? broker.uri() : broker.failover_uris(index - 1);
  absl::StatusOr<MqttConnectOptions> options = ConnectOptionsFor(broker, uri);
  absl::Status status = options.status();
  if (options.ok()) {
    // A persistent session: while the aggregator is away (restart, network)
    // the broker queues the reports for it instead of dropping them.
    options->clean_session = false;
    status = transport_->Connect(*options);
  }
  if (status.ok()) status = transport_->Subscribe(topics_.AllStatuses(), 1);
  const std::string& group = loaded_.config.shared_group();
  const std::string reports = group.empty() ? topics_.AllReports() : topics_.SharedReports(group);
  if (status.ok()) status = transport_->Subscribe(reports, 1);
  if (status.ok() && !group.empty()) status = transport_->Subscribe(topics_.AllClusterDeltas(), 1);
  if (!status.ok()) {
    // One line per outage, not per attempt.
    if (!warned_offline_) LogWarning(std::string(status.message()));
    warned_offline_ = true;
    return false;
  }
  warned_offline_ = false;
  next_uri_ = index;
  // After a (re)connect the broker may have lost our retained results.
  published_.clear();
  offer_all_factories_ = true;
  dirty_ = true;
  LogInfo(absl::StrCat(
      "connected to ", uri, ", subscribed to ", reports, " and ", topics_.AllStatuses(),
      group.empty() ? "" : absl::StrCat(" as member ", loaded_.config.member_id(), " of ", group)));
  return true;
}

absl::Status AggregatorService::Run(ShutdownSignal& stop) {
  transport_->SetMessageHandler([this](const MqttMessage& message) { Enqueue(message); });
  transport_->SetConnectionLostHandler([this](const std::string& cause) {
    LogWarning(absl::StrCat("broker connection lost: ", cause));
    connection_lost_ = true;
  });
  const int64_t min_interval_ms = loaded_.config.publish_min_interval_ms();
  int64_t last_recompute_ms = 0;
  int64_t next_connect_ms = 0;
  const v1::BrokerConfig& broker = loaded_.config.broker();
  ReconnectBackoff backoff(broker.reconnect_min_ms(), broker.reconnect_max_ms(),
                           static_cast<uint64_t>(clock_->NowMs()));
  std::deque<Received> batch;
  while (!stop.requested()) {
    if (connection_lost_.exchange(false)) next_connect_ms = clock_->NowMs() + backoff.NextDelayMs();
    if (!transport_->IsConnected() && clock_->NowMs() >= next_connect_ms) {
      if (ConnectAndSubscribe()) {
        backoff.Reset();
      } else {
        next_connect_ms = clock_->NowMs() + backoff.NextDelayMs();
      }
    }
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(min_interval_ms, 200)),
                         [this] { return !queue_.empty(); });
      batch.swap(queue_);
    }
    if (!batch.empty()) {
      processing_lag_s_ = static_cast<double>(clock_->NowMs() - batch.front().at_ms) / 1000.0;
    }
    for (const Received& received : batch) Process(received.message);
    batch.clear();
    ShareLocalWindows();
    if (store_ != nullptr) {
      // Saved before anything derived from it is published.
      const std::set<FleetState::NodeKey> changed = state_.TakeChanged();
      absl::Status saved = store_->Save(state_, changed);
      if (!saved.ok()) {
        LogError(absl::StrCat("state store: ", saved.message()));
        state_.MarkChanged(changed);
      }
    }
    {
      // A result whose publish failed is published again at the next recompute.
      std::lock_guard<std::mutex> lock(failed_mu_);
      for (const std::string& topic : failed_topics_) published_.erase(topic);
      if (!failed_topics_.empty()) dirty_ = offer_all_factories_ = true;
      failed_topics_.clear();
    }
    const int64_t now = clock_->NowMs();
    // Staleness changes with time alone: recompute now and then without input.
    if (now - last_recompute_ms >= kIdleRecomputeMs) dirty_ = true;
    if (dirty_ && transport_->IsConnected() && now - last_recompute_ms >= min_interval_ms) {
      Recompute();
      last_recompute_ms = now;
    }
    last_loop_ms_ = clock_->NowMs();
    if (metrics_ != nullptr) metrics_->Update(Snapshot());
  }
  (void)transport_->Disconnect(absl::Seconds(2));
  LogInfo("stopped");
  return absl::OkStatus();
}

}  // namespace ftel
