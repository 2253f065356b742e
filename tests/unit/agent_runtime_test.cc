#include "agent/agent_runtime.h"

#include <atomic>
#include <thread>

#include "agent/spool/record_format.h"
#include "ftel/v1/commit.pb.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/topic_scheme.h"
#include "tests/support/eventually.h"
#include "tests/support/fake_env.h"
#include "tests/support/fake_mqtt_transport.h"
#include "tests/unit/test_agent_config.h"

namespace ftel {
namespace {

constexpr char kConfig[] = R"(broker:
  uri: 'tcp://127.0.0.1:1883'
  failover_uris: ['tcp://127.0.0.1:1884']
  reconnect_min_ms: 20
  reconnect_max_ms: 40
identity: {factory_id: f1, node_id: n1}
publish_interval_ms: 100
catalogue_path: CATALOGUE
spool: {dir: /spool}
sources: [{name: sim, type: simulated}]
scenarios: [{id: PM-01, built: true, ai_declared: true, evidence_source: sim}]
)";

v1::NodeStatus ParseStatus(const std::string& payload) {
  v1::NodeStatus status;
  EXPECT_TRUE(status.ParseFromString(payload));
  return status;
}

// A runtime on a fake broker and an in-memory disk, run on its own thread.
class AgentRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loaded_ = LoadTestAgentConfig(dir_, kConfig);
    auto sampler = Sampler::Create(loaded_);
    ASSERT_TRUE(sampler.ok());
    sampler_ = *std::move(sampler);
    auto spool = Spool::Open(&env_, &clock_, SpoolOptionsFrom(loaded_.config.spool()));
    ASSERT_TRUE(spool.ok());
    spool_ = *std::move(spool);
    runtime_ = std::make_unique<AgentRuntime>(loaded_, sampler_.get(), spool_.get(), &transport_,
                                              &clock_, std::vector<SessionStart>{{0xabc, 1}});
    // Like an aggregator that applies and saves each report at once.
    transport_.OnAcknowledged([this](const MqttMessage& message) {
      if (!commit_like_an_aggregator_ || message.topic != topics_.ReportTopic("f1", "n1")) return;
      v1::Report report;
      ASSERT_TRUE(report.ParseFromString(message.payload));
      transport_.Deliver(CommitMessage(report.session_id(), report.sequence()));
    });
  }

  MqttMessage CommitMessage(uint64_t session, uint64_t through) const {
    v1::NodeCommit commit;
    commit.set_schema_version(1);
    commit.mutable_identity()->set_factory_id("f1");
    commit.mutable_identity()->set_node_id("n1");
    v1::SessionCommit* s = commit.add_sessions();
    s->set_session_id(session);
    s->set_through_sequence(through);
    return MqttMessage{topics_.CommitTopic("f1", "n1"), commit.SerializeAsString(), 1, true};
  }

  void Start() {
    run_ = std::thread([this] { EXPECT_TRUE(runtime_->Run(stop_).ok()); });
  }

  void Stop() {
    stop_.Request();
    run_.join();
  }

  std::vector<v1::Report> PublishedReports() {
    std::vector<v1::Report> reports;
    for (const MqttMessage& m : transport_.published()) {
      if (m.topic != topics_.ReportTopic("f1", "n1")) continue;
      v1::Report report;
      EXPECT_TRUE(report.ParseFromString(m.payload));
      reports.push_back(report);
    }
    return reports;
  }

  TempDir dir_;
  LoadedAgentConfig loaded_;
  FakeEnv env_;
  SystemClock clock_;
  FakeMqttTransport transport_;
  std::unique_ptr<Sampler> sampler_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<AgentRuntime> runtime_;
  ShutdownSignal stop_;
  std::thread run_;
  const TopicScheme topics_{"ftel"};
  std::atomic<bool> commit_like_an_aggregator_{true};
};

TEST_F(AgentRuntimeTest, AnnouncesReportsAndSaysGoodbye) {
  Start();
  ASSERT_TRUE(Eventually([&] { return runtime_->counters().acknowledged.load() >= 3; }));
  Stop();

  // The Will registered with CONNECT says offline, retained, at QoS 1.
  ASSERT_EQ(transport_.connect_options().size(), 1u);
  const std::optional<MqttMessage> will = transport_.connect_options()[0].will;
  ASSERT_TRUE(will.has_value());
  EXPECT_EQ(will->topic, topics_.StatusTopic("f1", "n1"));
  EXPECT_TRUE(will->retained);
  EXPECT_EQ(will->qos, 1);
  EXPECT_EQ(ParseStatus(will->payload).state(), v1::NodeStatus::OFFLINE);
  EXPECT_TRUE(ParseStatus(will->payload).is_last_will());

  const std::vector<MqttMessage> published = transport_.published();
  ASSERT_GE(published.size(), 5u);  // online, 3+ reports, offline
  EXPECT_EQ(published.front().topic, topics_.StatusTopic("f1", "n1"));
  EXPECT_TRUE(published.front().retained);
  const v1::NodeStatus online = ParseStatus(published.front().payload);
  EXPECT_EQ(online.state(), v1::NodeStatus::ONLINE);
  EXPECT_EQ(online.session_id(), 0xabcu);
  EXPECT_EQ(online.config_hash(), loaded_.config_hash);
  EXPECT_EQ(online.catalogue_version(), loaded_.catalogue.version());

  const std::vector<v1::Report> reports = PublishedReports();
  ASSERT_EQ(reports.size(), published.size() - 2);
  for (size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].sequence(), i + 1);
    EXPECT_EQ(reports[i].session_id(), 0xabcu);
    EXPECT_FALSE(reports[i].is_historical());
    EXPECT_EQ(reports[i].window_end_ms() - reports[i].window_start_ms(), 100);
    EXPECT_GE(reports[i].health().spool_pending(), 1u);
  }
  const v1::NodeStatus goodbye = ParseStatus(published.back().payload);
  EXPECT_EQ(published.back().topic, topics_.StatusTopic("f1", "n1"));
  EXPECT_TRUE(published.back().retained);
  EXPECT_EQ(goodbye.state(), v1::NodeStatus::OFFLINE);
  EXPECT_FALSE(goodbye.is_last_will());
  EXPECT_EQ(transport_.disconnects(), 1);
  EXPECT_EQ(spool_->stats().pending_records, 0u);
}

TEST_F(AgentRuntimeTest, SpoolsWhileTheBrokerIsAwayAndReplaysInOrderAsHistorical) {
  transport_.FailConnects(absl::UnavailableError("broker down"));
  Start();
  ASSERT_TRUE(Eventually([&] { return runtime_->counters().sampled.load() >= 3; }));
  EXPECT_TRUE(PublishedReports().empty());
  transport_.FailConnects(absl::OkStatus());
  ASSERT_TRUE(Eventually([&] {
    const auto reports = PublishedReports();
    return reports.size() >= 5 && !reports.back().is_historical();
  }));
  Stop();
  const std::vector<v1::Report> reports = PublishedReports();
  size_t historical = 0;
  for (size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].sequence(), i + 1) << "replayed in order, none lost";
    if (reports[i].is_historical()) {
      ++historical;
      EXPECT_EQ(historical, i + 1) << "historical reports come before live ones";
    }
  }
  EXPECT_GE(historical, 3u);
  EXPECT_EQ(reports.back().health().reconnects(), 0u) << "the first connection is not a reconnect";
}

TEST_F(AgentRuntimeTest, UnacknowledgedReportsAreSentAgainAfterAReconnect) {
  Start();
  ASSERT_TRUE(Eventually([&] { return runtime_->counters().acknowledged.load() >= 1; }));
  transport_.HoldAcks(true);
  ASSERT_TRUE(Eventually([&] { return spool_->inflight() >= 2; }));
  const std::vector<v1::Report> before = PublishedReports();
  transport_.HoldAcks(false);
  transport_.DropConnection();
  ASSERT_TRUE(Eventually([&] { return transport_.connect_options().size() >= 2; }));
  ASSERT_TRUE(Eventually([&] {
    return spool_->stats().pending_records == 0 && PublishedReports().size() > before.size() + 2;
  }));
  Stop();
  // Every sequence number was acknowledged; those held when the connection
  // dropped went out twice, the second time marked historical.
  std::map<uint64_t, int> sent;
  for (const v1::Report& report : PublishedReports()) ++sent[report.sequence()];
  const uint64_t last = PublishedReports().back().sequence();
  for (uint64_t seq = 1; seq <= last; ++seq) EXPECT_GE(sent[seq], 1) << seq;
  EXPECT_GE(sent[before.back().sequence()], 2);
  EXPECT_EQ(PublishedReports().back().health().reconnects(), 1u);
}

TEST_F(AgentRuntimeTest, ABrokerAcknowledgementAloneKeepsReportsUntilACommitCoversThem) {
  commit_like_an_aggregator_ = false;  // the broker acknowledges; no aggregator commits
  Start();
  ASSERT_TRUE(Eventually([&] { return runtime_->counters().acknowledged.load() >= 4; }));
  EXPECT_EQ(transport_.subscriptions(), std::vector<std::string>{topics_.CommitTopic("f1", "n1")});
  EXPECT_GE(spool_->stats().pending_records, 4u) << "acknowledged, not committed: still spooled";
  const uint64_t published_before = PublishedReports().size();
  // A reconnect sends every uncommitted report again, marked historical.
  transport_.DropConnection();
  ASSERT_TRUE(Eventually([&] { return PublishedReports().size() >= published_before + 4; }));
  const std::vector<v1::Report> after = PublishedReports();
  EXPECT_EQ(after[published_before].sequence(), 1u) << "from the oldest uncommitted one";
  EXPECT_TRUE(after[published_before].is_historical());
  EXPECT_GE(after.back().uncommitted_from(), 1u);
  // A commit through 3 lets 1..3 go; a stale or foreign one changes nothing.
  transport_.Deliver(CommitMessage(0xabc, 3));
  ASSERT_TRUE(Eventually([&] { return spool_->acknowledged_through() == 3; }));
  transport_.Deliver(CommitMessage(0xabc, 2));
  transport_.Deliver(CommitMessage(0xdef, 50));
  v1::NodeCommit foreign;
  foreign.set_schema_version(1);
  foreign.mutable_identity()->set_factory_id("f2");
  foreign.mutable_identity()->set_node_id("n1");
  foreign.add_sessions()->set_session_id(0xabc);
  foreign.mutable_sessions(0)->set_through_sequence(60);
  transport_.Deliver(
      MqttMessage{topics_.CommitTopic("f1", "n1"), foreign.SerializeAsString(), 1, true});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(spool_->acknowledged_through(), 3u);
  Stop();
  EXPECT_GE(spool_->stats().pending_records, 1u) << "the rest waits for its commit";
  const v1::Report last = PublishedReports().back();
  EXPECT_GE(last.health().spool_pending(), 1u);
}

TEST_F(AgentRuntimeTest, ReportHealthCountsTheDropsItsOwnArrivalCaused) {
  v1::SpoolConfig& config = *loaded_.config.mutable_spool();
  config.set_dir("/small-spool");
  config.set_max_bytes(65536);
  config.set_segment_bytes(4096);
  auto small = Spool::Open(&env_, &clock_, SpoolOptionsFrom(config));
  ASSERT_TRUE(small.ok()) << small.status();
  Spool& spool = **small;
  AgentRuntime runtime(loaded_, sampler_.get(), &spool, &transport_, &clock_, {{0xabc, 1}});
  uint64_t sequence = 0;
  while (spool.stats().dropped_full == 0 && sequence < 100000) {
    ++sequence;
    const int64_t start = static_cast<int64_t>(sequence) * 100;
    ASSERT_TRUE(runtime.SampleWindow(ReportWindow{start, start + 100, sequence}).ok());
  }
  const SpoolStats stats = spool.stats();
  ASSERT_GT(stats.dropped_full, 0u);
  std::optional<v1::Report> last;
  for (;;) {
    absl::StatusOr<std::optional<SpoolRecord>> next = spool.Next();
    ASSERT_TRUE(next.ok()) << next.status();
    if (!next->has_value()) break;
    last.emplace();
    ASSERT_TRUE(last->ParseFromString((*next)->payload));
  }
  ASSERT_TRUE(last.has_value());
  // The report whose arrival dropped the oldest ones says so, and counts
  // itself as pending.
  EXPECT_EQ(last->sequence(), sequence);
  EXPECT_EQ(last->health().dropped_full(), stats.dropped_full);
  EXPECT_EQ(last->health().dropped_expired(), 0u);
  EXPECT_EQ(last->health().spool_pending(), stats.pending_records);
  EXPECT_EQ(last->health().spool_bytes() + kRecordHeaderBytes + last->ByteSizeLong(), stats.bytes);
}

TEST_F(AgentRuntimeTest, FailsOverBetweenBrokersWithBackoff) {
  transport_.FailConnects(absl::UnavailableError("down"));
  Start();
  ASSERT_TRUE(Eventually([&] { return transport_.connect_options().size() >= 4; }));
  Stop();
  const auto attempts = transport_.connect_options();
  EXPECT_EQ(attempts[0].server_uri, "tcp://127.0.0.1:1883");
  EXPECT_EQ(attempts[1].server_uri, "tcp://127.0.0.1:1884");
  EXPECT_EQ(attempts[2].server_uri, "tcp://127.0.0.1:1883");
  for (const auto& attempt : attempts) {
    ASSERT_TRUE(attempt.will.has_value()) << "a fresh Will with every CONNECT";
  }
}

}  // namespace
}  // namespace ftel
