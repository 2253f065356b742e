#include "bench/load_generator/load_run.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/synthetic/report_builder.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/content_hash.h"
#include "libftel/platform/log.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

// How long publishes may take to be acknowledged once the schedule ended.
constexpr absl::Duration kDrainTimeout = absl::Seconds(30);
// A report published this long after its window closed counts as late.
constexpr int64_t kLateMs = 1000;
// The longest sleep between two looks at the stop request.
constexpr int64_t kMaxSleepMs = 200;
constexpr absl::Duration kProgressEvery = absl::Seconds(10);

FleetDraw DrawFor(const LoadOptions& options) {
  FleetDraw draw;
  draw.factories = options.factories;
  draw.seed = options.seed;
  draw.pyramid = options.pyramid;
  draw.id_prefix = options.id_prefix;
  return draw;
}

// A salt for the session ids that differs every run, so that a second run
// against the same aggregator state never repeats a (session, sequence).
uint64_t RunSalt() {
  std::random_device entropy;
  return (static_cast<uint64_t>(entropy()) << 32) ^ entropy() ^
         static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
}

// Runs `body(connection)` on one thread per connection and waits for all;
// meanwhile logs `progress()` every kProgressEvery.
void OnEveryConnection(int connections, const std::function<void(int)>& body,
                       const std::function<std::string()>& progress) {
  std::atomic<int> running{connections};
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      body(c);
      --running;
    });
  }
  absl::Time next = absl::Now() + kProgressEvery;
  while (running.load() > 0) {
    absl::SleepFor(absl::Milliseconds(50));
    if (progress && absl::Now() >= next) {
      LogInfo(progress());
      next += kProgressEvery;
    }
  }
  for (std::thread& t : threads) t.join();
}

PublishCounts Sum(const std::vector<std::unique_ptr<BoundedPublisher>>& publishers,
                  PublishKind kind) {
  PublishCounts sum;
  for (const auto& p : publishers) {
    const PublishCounts counts = p->counts(kind);
    sum.sent += counts.sent;
    sum.acknowledged += counts.acknowledged;
    sum.failed += counts.failed;
  }
  return sum;
}

bool DrainAll(const std::vector<std::unique_ptr<BoundedPublisher>>& publishers) {
  const absl::Time deadline = absl::Now() + kDrainTimeout;
  bool drained = true;
  for (const auto& p : publishers) drained &= p->Drain(deadline);
  return drained;
}

}  // namespace

LoadRun::LoadRun(LoadOptions options, const ScenarioCatalogue* catalogue)
    : options_(std::move(options)),
      catalogue_(catalogue),
      fleet_(DrawFleet(*catalogue, DrawFor(options_))) {}

v1::NodeStatus LoadRun::MakeStatus(const SyntheticNode& node, v1::NodeStatus::State state) const {
  const FactoryProfile& profile = fleet_[node.factory].profile;
  v1::NodeStatus status;
  status.set_schema_version(1);
  v1::NodeIdentity* identity = status.mutable_identity();
  identity->set_factory_id(profile.factory_id);
  identity->set_node_id(node.node_id);
  identity->set_factory_name(profile.factory_name);
  identity->set_sector(profile.sector);
  identity->set_region(profile.region);
  status.set_state(state);
  status.set_agent_version(absl::StrCat(FTEL_VERSION, "-loadgen"));
  status.set_catalogue_version(catalogue_->version());
  // What stands for the node's config: the draw that made it.
  status.set_config_hash(Fnv1a64Hex(absl::StrCat(options_.seed, "/", profile.factory_id, "/",
                                                 node.node_id, "/", options_.interval_ms)));
  status.set_started_at_ms(started_at_ms_);
  status.set_session_id(node.session_id);
  return status;
}

void LoadRun::Announce(BoundedPublisher& publisher, int connection, v1::NodeStatus::State state) {
  for (size_t g = static_cast<size_t>(connection); g < nodes_.size();
       g += static_cast<size_t>(options_.connections)) {
    const SyntheticNode& node = nodes_[g];
    // Retained, as the agent's: the aggregator learns the node from it.
    if (!publisher.Publish(
            MqttMessage{node.status_topic, MakeStatus(node, state).SerializeAsString(), 1, true},
            PublishKind::kStatus)) {
      return;
    }
  }
}

LoadRun::Lag LoadRun::PublishWindows(BoundedPublisher& publisher, int connection,
                                     const CommitLedger& ledger, ShutdownSignal& stop) const {
  SystemClock clock;
  Lag lag;
  std::vector<size_t> mine;
  for (size_t g = static_cast<size_t>(connection); g < nodes_.size();
       g += static_cast<size_t>(options_.connections)) {
    mine.push_back(g);
  }
  const int64_t interval = options_.interval_ms;
  v1::Report report;
  std::string payload;
  ReportStamp stamp;
  stamp.nodes = options_.nodes_per_factory;
  for (uint64_t k = 1;; ++k) {
    for (size_t at = 0; at < mine.size(); ++at) {
      const size_t g = mine[at];
      const SyntheticNode& node = nodes_[g];
      const int64_t end = windows_from_ms_ + node.phase_ms + static_cast<int64_t>(k) * interval;
      // The nodes come in the order of their phases: every later one of
      // this round, and every one of later rounds, ends later still.
      if (end > last_end_ms_) return lag;
      // A report is published once its window closed, as an agent does.
      for (int64_t now = clock.NowMs(); now < end; now = clock.NowMs()) {
        if (stop.requested()) return lag;
        absl::SleepFor(absl::Milliseconds(std::min(end - now, kMaxSleepMs)));
      }
      if (stop.requested()) return lag;
      const uint64_t through = std::min<uint64_t>(ledger.through(g), k - 1);
      stamp.node_id = node.node_id;
      stamp.node = node.node;
      stamp.session_id = node.session_id;
      stamp.sequence = k;
      stamp.window_start_ms = end - interval;
      stamp.window_end_ms = end;
      // As the agent stamps it from its spool: nothing below the commit
      // is held any more.
      stamp.uncommitted_from = through + 1;
      v1::AgentHealth& health = stamp.health.emplace();
      const uint64_t pending = k - through;
      health.set_spool_pending(pending);
      health.set_spool_bytes(pending * payload.size());
      const int64_t oldest_end =
          windows_from_ms_ + node.phase_ms + static_cast<int64_t>(through + 1) * interval;
      health.set_oldest_pending_age_ms(std::max<int64_t>(0, clock.NowMs() - oldest_end));
      BuildReport(fleet_[node.factory].profile, stamp, &report);
      payload.clear();
      report.SerializeToString(&payload);
      if (!publisher.Publish(MqttMessage{node.report_topic, payload, 1, false},
                             PublishKind::kReport)) {
        // The connection is gone: what this node and the others of the
        // connection would still have sent is counted as unsent.
        LogWarning(absl::StrCat("connection ", connection, " lost: its nodes stop publishing"));
        for (size_t rest = at; rest < mine.size(); ++rest) {
          const SyntheticNode& n = nodes_[mine[rest]];
          const int64_t first_end =
              windows_from_ms_ + n.phase_ms + static_cast<int64_t>(k) * interval;
          if (first_end <= last_end_ms_) lag.unsent += (last_end_ms_ - first_end) / interval + 1;
        }
        for (size_t rest = 0; rest < at; ++rest) {
          const SyntheticNode& n = nodes_[mine[rest]];
          const int64_t next_end =
              windows_from_ms_ + n.phase_ms + static_cast<int64_t>(k + 1) * interval;
          if (next_end <= last_end_ms_) lag.unsent += (last_end_ms_ - next_end) / interval + 1;
        }
        return lag;
      }
      if (probe_ != nullptr) probe_->Published(static_cast<size_t>(node.factory), k, clock.NowMs());
      const int64_t late_by = clock.NowMs() - end;
      lag.max_ms = std::max(lag.max_ms, late_by);
      if (late_by > kLateMs) ++lag.late;
    }
  }
}

absl::StatusOr<LoadOutcome> LoadRun::Run(ShutdownSignal& stop) {
  const TopicScheme topics(options_.topic_root);
  const uint64_t salt = RunSalt();
  nodes_ = MakeNodes(fleet_, options_.nodes_per_factory, options_.interval_ms, topics, salt);
  const std::string tag = absl::StrFormat("%08x", static_cast<uint32_t>(salt >> 32));
  CommitLedger ledger(nodes_);
  ResultsCollector results(fleet_, topics);
  SystemClock clock;

  // One connection watches what the aggregator publishes: the nodes'
  // commits from the start, as their agents would, and the results.
  std::unique_ptr<MqttTransport> watcher =
      NewPahoMqttTransport(options_.broker, absl::StrCat("ftel-loadgen-", tag, "-watch"));
  // Twenty factories of the fleet time their reports to their results.
  std::optional<LatencyProbe> probe;
  if (options_.nodes_per_factory == 1) {
    probe.emplace(fleet_, topics, std::max<int>(1, static_cast<int>(fleet_.size()) / 20));
    probe_ = &*probe;
  }
  watcher->SetMessageHandler([&](MqttMessage message) {
    if (ledger.OnCommit(message)) return;
    if (probe.has_value()) probe->OnMessage(message, clock.NowMs());
    results.OnMessage(message);
  });
  MqttConnectOptions connect;
  RETURN_IF_ERROR(watcher->Connect(connect));
  // One subscription for all nodes' commits rather than one per node: the
  // broker sends the same messages, and 43,715 SUBSCRIBEs are not load
  // the aggregator sees.
  RETURN_IF_ERROR(watcher->Subscribe(topics.CommitTopic("+", "+"), 1));
  RETURN_IF_ERROR(watcher->Subscribe(topics.FleetRatesTopic(), 1));
  if (probe.has_value()) {
    for (const std::string& topic : probe->topics()) RETURN_IF_ERROR(watcher->Subscribe(topic, 1));
  }

  std::vector<std::unique_ptr<BoundedPublisher>> publishers;
  for (int c = 0; c < options_.connections; ++c) {
    publishers.push_back(std::make_unique<BoundedPublisher>(
        NewPahoMqttTransport(options_.broker, absl::StrCat("ftel-loadgen-", tag, "-", c)),
        options_.max_inflight));
  }
  // All at once: each connect beside an open one takes Paho about two
  // seconds (its I/O thread notices a new socket at its next poll timeout),
  // which one after the other adds up.
  std::vector<absl::Status> connected(publishers.size());
  OnEveryConnection(
      options_.connections, [&](int c) { connected[c] = publishers[c]->Connect(connect); },
      nullptr);
  for (const absl::Status& status : connected) RETURN_IF_ERROR(status);
  LogInfo(absl::StrCat("connected to ", options_.broker, " with ", options_.connections,
                       " connections for ", nodes_.size(), " nodes of ", fleet_.size(),
                       " factories (session salt ", tag, ")"));

  LoadOutcome outcome;
  started_at_ms_ = clock.NowMs();
  OnEveryConnection(
      options_.connections, [&](int c) { Announce(*publishers[c], c, v1::NodeStatus::ONLINE); },
      nullptr);
  outcome.drained = DrainAll(publishers);
  outcome.statuses = Sum(publishers, PublishKind::kStatus);
  LogInfo(absl::StrCat(outcome.statuses.acknowledged, " ONLINE statuses acknowledged in ",
                       clock.NowMs() - started_at_ms_, " ms"));

  windows_from_ms_ = clock.NowMs();
  last_end_ms_ = windows_from_ms_ + static_cast<int64_t>(options_.duration_s) * 1000;
  std::vector<Lag> lags(static_cast<size_t>(options_.connections));
  const absl::Time publishing = absl::Now();
  OnEveryConnection(
      options_.connections,
      [&](int c) { lags[c] = PublishWindows(*publishers[c], c, ledger, stop); },
      [&] {
        const PublishCounts reports = Sum(publishers, PublishKind::kReport);
        return absl::StrCat("reports sent ", reports.sent, ", acknowledged ", reports.acknowledged,
                            ", failed ", reports.failed, ", committed ", ledger.Committed());
      });
  outcome.publishing_s = absl::ToDoubleSeconds(absl::Now() - publishing);
  outcome.drained &= DrainAll(publishers);
  outcome.reports = Sum(publishers, PublishKind::kReport);
  for (const Lag& lag : lags) {
    outcome.max_lag_ms = std::max(outcome.max_lag_ms, lag.max_ms);
    outcome.late += lag.late;
    outcome.unsent += lag.unsent;
  }
  LogInfo(absl::StrCat("publishing done: ", outcome.reports.sent, " reports sent, ",
                       outcome.reports.acknowledged, " acknowledged; waiting up to ",
                       options_.results_timeout_s, " s for the aggregator's results"));

  // The retained results of every factory come at once on subscribing;
  // later recomputes follow until the aggregator has counted all.
  const absl::Time waiting = absl::Now();
  RETURN_IF_ERROR(watcher->Subscribe(topics.FactoryRatesTopic("+"), 1));
  const absl::Time deadline = waiting + absl::Seconds(options_.results_timeout_s);
  const int factories = static_cast<int>(fleet_.size());
  const uint64_t acknowledged = outcome.reports.acknowledged;
  for (;;) {
    const ResultsCollector::Progress p = results.progress();
    // Settled: every factory's result is in, they count every acknowledged
    // report, the fleet's result is as new as the newest of them, and the
    // commits cover what was acknowledged (they follow the state's save).
    outcome.settled = p.seen == factories && p.reports >= acknowledged &&
                      p.fleet_computed_at_ms >= p.newest_computed_at_ms &&
                      ledger.Committed() >= acknowledged;
    if (outcome.settled || absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  outcome.results_wait_s = absl::ToDoubleSeconds(absl::Now() - waiting);
  outcome.results = results.Snapshot();
  if (probe.has_value()) outcome.latency = probe->figures();
  probe_ = nullptr;
  outcome.committed = ledger.Committed();
  if (options_.aggregator_port != 0) {
    absl::StatusOr<AggregatorCounters> counters = ReadAggregatorCounters(options_.aggregator_port);
    if (counters.ok()) {
      outcome.aggregator = *std::move(counters);
    } else {
      outcome.aggregator_error = std::string(counters.status().message());
    }
  }

  // A clean stop, as the agents' own: OFFLINE, retained.
  OnEveryConnection(
      options_.connections, [&](int c) { Announce(*publishers[c], c, v1::NodeStatus::OFFLINE); },
      nullptr);
  DrainAll(publishers);
  for (auto& p : publishers) p->Disconnect();
  (void)watcher->Disconnect(absl::Seconds(2));
  return outcome;
}

}  // namespace ftel
