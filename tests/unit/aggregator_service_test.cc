#include "aggregator/aggregator_service.h"

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "ftel/v1/commit.pb.h"
#include "ftel/v1/summary.pb.h"
#include "gtest/gtest.h"
#include "libftel/schema/proto_json.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_mqtt_transport.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr int64_t kNow = 1800000000000;  // 2027-01-15

// The config the service tests run with: catalogue, short intervals, root "ftel".
LoadedAggregatorConfig TestConfig() {
  LoadedAggregatorConfig loaded;
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  EXPECT_TRUE(catalogue.ok()) << catalogue.status();
  if (catalogue.ok()) loaded.catalogue = *std::move(catalogue);
  loaded.config.set_topic_root("ftel");
  loaded.config.set_max_payload_bytes(2048);
  loaded.config.set_kpi_horizon_s(3600);
  loaded.config.set_publish_min_interval_ms(100);
  loaded.config.set_stale_after_s(300);
  loaded.config.set_max_clock_skew_s(300);
  return loaded;
}

class AggregatorServiceTest : public ::testing::Test {
 public:  // GoodReport is shared with the tests without a fixture
  void SetUp() override {
    loaded_ = TestConfig();
    ASSERT_EQ(loaded_.catalogue.scenarios().size(), 40u);
    ASSERT_TRUE(transport_.Connect({}).ok());
    service_ = std::make_unique<AggregatorService>(loaded_, &transport_, &inbox_, &clock_);
  }

  static v1::Report GoodReport(uint64_t sequence) {
    v1::Report report;
    report.set_schema_version(1);
    report.mutable_identity()->set_factory_id("f1");
    report.mutable_identity()->set_node_id("n1");
    report.set_session_id(5);
    report.set_sequence(sequence);
    report.set_window_start_ms(kNow - 1000 * (100 - sequence) - 1000);
    report.set_window_end_ms(kNow - 1000 * (100 - sequence));
    v1::ScenarioCoverage* s = report.add_scenarios();
    s->set_catalogue_id("PM-01");
    s->set_link("PM");
    s->set_built(true);
    s->set_ai_declared(true);
    return report;
  }

  void Send(const std::string& topic, const std::string& payload) {
    service_->Process(MqttMessage{topic, payload, 1, false});
  }

  uint64_t Rejected(const std::string& reason) {
    const auto stats = service_->stats();
    auto it = stats.rejected.find(reason);
    return it == stats.rejected.end() ? 0 : it->second;
  }

  LoadedAggregatorConfig loaded_;
  FakeMqttTransport transport_;
  FakeClock clock_{kNow};
  MessageInbox inbox_;
  std::unique_ptr<AggregatorService> service_;
  const std::string report_topic_ = "ftel/v1/node/f1/n1/report";
};

TEST_F(AggregatorServiceTest, UndecodablePayloadIsCountedAndDropped) {
  Send(report_topic_, std::string("\x0a\xff\xff\xff\xff\xff", 6));
  EXPECT_EQ(Rejected("undecodable"), 1u);
  EXPECT_EQ(service_->stats().reports, 0u);
}

TEST_F(AggregatorServiceTest, OversizedPayloadIsCountedAndDropped) {
  Send(report_topic_, std::string(4096, 'x'));
  EXPECT_EQ(Rejected("too_large"), 1u);
}

TEST_F(AggregatorServiceTest, TopicIdentityMustMatchPayload) {
  Send("ftel/v1/node/f2/n1/report", GoodReport(1).SerializeAsString());
  EXPECT_EQ(Rejected("identity_mismatch"), 1u);
  EXPECT_EQ(service_->stats().reports, 0u);
}

TEST_F(AggregatorServiceTest, WrongSchemaVersionIsRejected) {
  v1::Report report = GoodReport(1);
  report.set_schema_version(2);
  Send(report_topic_, report.SerializeAsString());
  EXPECT_EQ(Rejected("schema_version"), 1u);
}

TEST_F(AggregatorServiceTest, ForeignTopicIsRejected) {
  Send("ftel/v1/node/f1/n1/config", "x");
  EXPECT_EQ(Rejected("unknown_topic"), 1u);
}

TEST_F(AggregatorServiceTest, ClusterDeltaWithAnInvalidNodeIdIsRejectedWhole) {
  loaded_.config.set_shared_group("g");
  loaded_.config.set_member_id("m1");
  service_ = std::make_unique<AggregatorService>(loaded_, &transport_, &inbox_, &clock_);
  v1::ClusterDelta delta;
  delta.add_nodes()->mutable_identity()->set_factory_id("f9");
  delta.mutable_nodes(0)->mutable_identity()->set_node_id("n1");
  delta.add_nodes()->mutable_identity()->set_factory_id("a/#");  // would become a topic level
  delta.mutable_nodes(1)->mutable_identity()->set_node_id("n1");
  Send("ftel/v1/cluster/m2/delta", delta.SerializeAsString());
  EXPECT_EQ(Rejected("undecodable"), 1u);
  EXPECT_TRUE(service_->state().nodes().empty());

  delta.mutable_nodes()->RemoveLast();
  Send("ftel/v1/cluster/m2/delta", delta.SerializeAsString());
  EXPECT_EQ(Rejected("undecodable"), 1u);
  EXPECT_EQ(service_->state().nodes().count({"f9", "n1"}), 1u);
}

TEST_F(AggregatorServiceTest, GoodInputAfterBadInputStillCounts) {
  Send(report_topic_, "garbage that is not protobuf \xff");
  Send(report_topic_, GoodReport(1).SerializeAsString());
  Send(report_topic_, GoodReport(1).SerializeAsString());
  const auto stats = service_->stats();
  EXPECT_EQ(stats.reports, 1u);
  EXPECT_EQ(stats.duplicates, 1u);
}

// The messages on the result topics (rates/ and rates-pb/), in order.
std::vector<MqttMessage> RatesMessages(const std::vector<MqttMessage>& published) {
  std::vector<MqttMessage> rates;
  for (const MqttMessage& m : published) {
    if (m.topic.rfind("ftel/v1/rates", 0) == 0) rates.push_back(m);
  }
  return rates;
}

TEST_F(AggregatorServiceTest, RecomputePublishesRetainedResultsOnlyWhenChanged) {
  Send(report_topic_, GoodReport(1).SerializeAsString());
  service_->Recompute();
  const auto first = RatesMessages(transport_.published());
  const size_t first_all = transport_.published().size();
  EXPECT_GT(first_all, first.size()) << "the flat views go out too";
  // factory + 8 links + 1 sector + 1 region + fleet, as JSON and as protobuf
  ASSERT_EQ(first.size(), 24u);
  const MqttMessage* json = nullptr;
  const MqttMessage* binary = nullptr;
  for (const MqttMessage& m : first) {
    EXPECT_TRUE(m.retained);
    EXPECT_EQ(m.qos, 1);
    if (m.topic == "ftel/v1/rates/factory/f1") json = &m;
    if (m.topic == "ftel/v1/rates-pb/factory/f1") binary = &m;
  }
  ASSERT_NE(json, nullptr);
  ASSERT_NE(binary, nullptr);
  v1::FactorySummary summary;
  ASSERT_TRUE(FromJson(json->payload, &summary).ok()) << json->payload;
  EXPECT_DOUBLE_EQ(summary.declared().percent(), 100);
  EXPECT_EQ(summary.computed_at_ms(), kNow);
  v1::FactorySummary decoded;
  ASSERT_TRUE(decoded.ParseFromString(binary->payload));
  EXPECT_EQ(ToJson(decoded), json->payload) << "both formats carry the same result";

  clock_.Advance(5000);
  service_->Recompute();
  EXPECT_EQ(transport_.published().size(), first_all) << "nothing changed but the time";

  Send(report_topic_, GoodReport(2).SerializeAsString());
  service_->Recompute();
  // A second window changes the factory's counters and the pooled windows of
  // its groups; the coverage of every link stays as it was.
  std::set<std::string> republished;
  const auto all = RatesMessages(transport_.published());
  for (size_t i = first.size(); i < all.size(); ++i) republished.insert(all[i].topic);
  EXPECT_EQ(republished,
            (std::set<std::string>{"ftel/v1/rates/factory/f1", "ftel/v1/rates/sector/unknown",
                                   "ftel/v1/rates/region/unknown", "ftel/v1/rates/fleet",
                                   "ftel/v1/rates-pb/factory/f1", "ftel/v1/rates-pb/sector/unknown",
                                   "ftel/v1/rates-pb/region/unknown", "ftel/v1/rates-pb/fleet"}));
}

// How many messages went out on `topic`.
int Seen(const FakeMqttTransport& transport, const std::string& topic) {
  int n = 0;
  for (const MqttMessage& m : transport.published()) n += m.topic == topic;
  return n;
}

// Polls `done` for up to 3 s of real time; the fake clock stands still.
bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 300 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// The broker connection, clock and inbox of an aggregator process, faked,
// with the message handler its main installs.
struct FakeProcess {
  FakeProcess() {
    transport.SetMessageHandler([this](MqttMessage m) { inbox.Push(std::move(m), clock.NowMs()); });
  }
  FakeMqttTransport transport;
  FakeClock clock{kNow};
  MessageInbox inbox;
};

// A service with a state file of its own, running on its thread until
// destroyed.
struct RunningService {
  explicit RunningService(LoadedAggregatorConfig config) : loaded(std::move(config)) {
    loaded.config.mutable_broker()->set_uri("tcp://127.0.0.1:1");
    auto opened = StateStore::Open(dir.path() + "/aggregator.db");
    EXPECT_TRUE(opened.ok()) << opened.status();
    if (opened.ok()) store = *std::move(opened);
    service = std::make_unique<AggregatorService>(loaded, &process.transport, &process.inbox,
                                                  &process.clock, store.get());
    run = std::thread([this] { EXPECT_TRUE(service->Run(stop).ok()); });
  }
  ~RunningService() {
    stop.Request();
    run.join();
  }
  int Seen(const std::string& topic) const { return ftel::Seen(process.transport, topic); }

  TempDir dir;
  LoadedAggregatorConfig loaded;
  std::unique_ptr<StateStore> store;
  FakeProcess process;
  std::unique_ptr<AggregatorService> service;
  ShutdownSignal stop;
  std::thread run;
};

// That a failed save holds the commits back is the early return in
// SaveChangedNodes; this test shows commits following saves, a gap holding
// one back, a settled rejection, and the commit's state surviving a restart.
TEST(AggregatorServiceCommits, CommitsFollowSavesAndSurviveARestart) {
  TempDir dir;
  LoadedAggregatorConfig loaded = TestConfig();
  loaded.config.set_publish_min_interval_ms(10);
  loaded.config.set_history_every_s(60);
  loaded.config.set_history_points(4);
  loaded.config.mutable_broker()->set_uri("tcp://127.0.0.1:1");
  loaded.config.mutable_broker()->set_reconnect_min_ms(10);
  loaded.config.mutable_broker()->set_reconnect_max_ms(20);
  auto store = StateStore::Open(dir.path() + "/aggregator.db");
  ASSERT_TRUE(store.ok());
  FakeProcess process;
  FakeMqttTransport& transport = process.transport;
  FakeClock& clock = process.clock;
  MessageInbox& inbox = process.inbox;
  AggregatorService service(loaded, &transport, &inbox, &clock, store->get());
  ShutdownSignal stop;
  std::thread run([&] { EXPECT_TRUE(service.Run(stop).ok()); });
  auto commits_of = [&] {
    std::vector<v1::NodeCommit> commits;
    for (const MqttMessage& m : transport.published()) {
      if (m.topic != "ftel/v1/commit/f1/n1") continue;
      EXPECT_TRUE(m.retained);
      commits.emplace_back().ParseFromString(m.payload);
    }
    return commits;
  };
  auto wait_for = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 300 && !done(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return transport.IsConnected(); }));
  auto report = [](uint64_t sequence) {
    v1::Report r = AggregatorServiceTest::GoodReport(sequence);
    r.set_uncommitted_from(1);
    return MqttMessage{"ftel/v1/node/f1/n1/report", r.SerializeAsString(), 1, false};
  };
  transport.Deliver(report(1));
  transport.Deliver(report(3));
  ASSERT_TRUE(wait_for([&] { return !commits_of().empty(); }));
  EXPECT_EQ(commits_of().back().sessions(0).session_id(), 5u);
  EXPECT_EQ(commits_of().back().sessions(0).through_sequence(), 1u) << "2 is missing";
  transport.Deliver(report(2));
  ASSERT_TRUE(wait_for([&] { return commits_of().back().sessions(0).through_sequence() == 3; }));
  // A report rejected for its content is settled: sending it again would not
  // make it valid, so it must not hold the commit back.
  v1::Report bad = AggregatorServiceTest::GoodReport(4);
  bad.set_uncommitted_from(1);
  bad.mutable_scenarios(0)->set_built(false);  // AI on an unbuilt scenario
  transport.Deliver(MqttMessage{"ftel/v1/node/f1/n1/report", bad.SerializeAsString(), 1, false});
  transport.Deliver(report(5));
  ASSERT_TRUE(wait_for([&] { return commits_of().back().sessions(0).through_sequence() == 5; }));
  EXPECT_EQ(service.stats().rejected.at("inconsistent_counts"), 1u);
  EXPECT_EQ(service.stats().reports, 4u) << "settled, not counted";
  // What the commit says is on disk: a restarted aggregator knows it.
  stop.Request();
  run.join();
  FleetState restored(3600000);
  ASSERT_TRUE((*store)->Load(&restored).ok());
  const NodeRecord& node = restored.nodes().at({"f1", "n1"});
  ASSERT_EQ(node.commits.Commits().size(), 1u);
  EXPECT_EQ(node.commits.Commits()[0].through_sequence(), 5u);
}

// With save_interval_ms the commits wait for the save, and so do the
// results: nothing derived from unsaved state goes out.
TEST(AggregatorServiceCommits, ASaveIntervalHoldsCommitsAndResultsUntilTheSave) {
  LoadedAggregatorConfig loaded = TestConfig();
  loaded.config.set_publish_min_interval_ms(10);
  loaded.config.set_save_interval_ms(60000);
  RunningService running(loaded);
  FakeClock& clock = running.process.clock;
  auto seen = [&](const std::string& topic) { return running.Seen(topic); };
  auto wait_for = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 300 && !done(); ++i) {
      clock.Advance(20);  // the loop's timers move, far less than the interval
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return seen("ftel/v1/rates/fleet") > 0; }));
  running.process.transport.Deliver(
      MqttMessage{"ftel/v1/node/f1/n1/report",
                  AggregatorServiceTest::GoodReport(1).SerializeAsString(), 1, false});
  ASSERT_TRUE(wait_for([&] { return running.service->stats().reports == 1; }));
  const int fleet_before = seen("ftel/v1/rates/fleet");
  EXPECT_FALSE(wait_for([&] { return seen("ftel/v1/commit/f1/n1") > 0; }))
      << "committed before the save was due";
  EXPECT_EQ(seen("ftel/v1/rates/factory/f1"), 0) << "a result from unsaved state";
  EXPECT_EQ(seen("ftel/v1/rates/fleet"), fleet_before);
  clock.Advance(60000);
  EXPECT_TRUE(wait_for([&] { return seen("ftel/v1/commit/f1/n1") > 0; }));
  EXPECT_TRUE(wait_for([&] { return seen("ftel/v1/rates/factory/f1") > 0; }));
}

// With both intervals set, a factory whose interval ends between two saves
// goes out when it ends, from the results of the last save, not at the next
// save (which made a 30 s factory interval 60 s when saves were 30 s
// apart); what arrived since that save is not in it.
TEST(AggregatorServiceCommits, AFactoryDueBetweenSavesGoesOutFromTheSavedResults) {
  LoadedAggregatorConfig loaded = TestConfig();
  loaded.config.set_publish_min_interval_ms(7000);
  loaded.config.set_save_interval_ms(30000);
  loaded.config.set_factory_results_min_interval_ms(30000);
  RunningService running(loaded);
  FakeClock& clock = running.process.clock;
  const AggregatorService& service = *running.service;
  auto quiet = [] { std::this_thread::sleep_for(std::chrono::milliseconds(500)); };
  auto deliver = [&](uint64_t sequence) {
    running.process.transport.Deliver(
        MqttMessage{"ftel/v1/node/f1/n1/report",
                    AggregatorServiceTest::GoodReport(sequence).SerializeAsString(), 1, false});
    return WaitFor([&] { return service.stats().reports == sequence; });
  };
  auto recomputes = [&] { return service.stats().recomputes; };
  const std::string factory = "ftel/v1/rates-pb/factory/f1";
  const std::string commit = "ftel/v1/commit/f1/n1";
  // The clock moves in whole steps only. The service's starts at 1 s;
  // saves are due from 30 s on, and recomputes 7 s apart.
  clock.Advance(6000);  // 7 s: the first recompute
  ASSERT_TRUE(WaitFor([&] { return recomputes() == 1; }));
  clock.Advance(22000);  // an idle recompute at 29 s
  ASSERT_TRUE(WaitFor([&] { return recomputes() == 2; }));
  ASSERT_TRUE(deliver(1));
  clock.Advance(1000);  // the save at 30 s; the next recompute may come at 36 s
  ASSERT_TRUE(WaitFor([&] { return running.Seen(commit) == 1; }));
  quiet();
  EXPECT_EQ(running.Seen(factory), 0);
  clock.Advance(6000);  // 36 s: the factory goes out for the first time
  ASSERT_TRUE(WaitFor([&] { return running.Seen(factory) == 1; }));
  ASSERT_TRUE(deliver(2));
  clock.Advance(24000);  // the save at 60 s; the factory's interval ends at 66 s
  ASSERT_TRUE(WaitFor([&] { return running.Seen(commit) == 2; }));
  ASSERT_TRUE(WaitFor([&] { return recomputes() == 4; }));
  quiet();
  EXPECT_EQ(running.Seen(factory), 1) << "published before its interval was over";
  ASSERT_TRUE(deliver(3));  // unsaved until 90 s: no recompute before then
  clock.Advance(6000);      // 66 s
  ASSERT_TRUE(WaitFor([&] { return running.Seen(factory) == 2; }))
      << "the factory waited for the next save";
  EXPECT_EQ(recomputes(), 4u);
  v1::FactorySummary summary;
  for (const MqttMessage& m : running.process.transport.published()) {
    if (m.topic == factory) {
      ASSERT_TRUE(summary.ParseFromString(m.payload));
    }
  }
  EXPECT_EQ(summary.reports(), 2u) << "the unsaved third report is not in it";
}

// A reload keeps the connection (a disconnect would drop what Paho holds,
// acknowledged already) and hands the inbox on: a report that arrives
// between the two services is counted by the next one, and the connection
// is taken over, subscribed again, not made again.
TEST(AggregatorServiceReloadTest, TheNextServiceTakesTheConnectionAndTheInboxOver) {
  LoadedAggregatorConfig loaded = TestConfig();
  loaded.config.mutable_broker()->set_uri("tcp://127.0.0.1:1");
  FakeProcess process;
  FakeMqttTransport& transport = process.transport;
  FakeClock& clock = process.clock;
  MessageInbox& inbox = process.inbox;
  auto report = [](uint64_t sequence) {
    return MqttMessage{"ftel/v1/node/f1/n1/report",
                       AggregatorServiceTest::GoodReport(sequence).SerializeAsString(), 1, false};
  };
  ShutdownSignal stop;
  {
    AggregatorService first(loaded, &transport, &inbox, &clock);
    first.SetReloadCheck([] { return true; });
    std::thread run([&] { EXPECT_TRUE(first.Run(stop).ok()); });
    ASSERT_TRUE(WaitFor([&] { return transport.subscriptions().size() == 2; }));
    transport.Deliver(report(1));
    ASSERT_TRUE(WaitFor([&] { return first.stats().reports == 1; }));
    stop.RequestReload();
    run.join();
    EXPECT_TRUE(first.reload_requested());
    EXPECT_EQ(transport.disconnects(), 0);
    EXPECT_EQ(transport.settles(), 1);
    EXPECT_TRUE(transport.IsConnected());
  }
  transport.Deliver(report(2));                                  // between the two services
  AggregatorService second(loaded, &transport, &inbox, &clock);  // no store: a fresh state
  std::thread run([&] { EXPECT_TRUE(second.Run(stop).ok()); });
  ASSERT_TRUE(WaitFor([&] { return second.stats().reports == 1; })) << "report 2 was lost";
  EXPECT_EQ(transport.subscriptions().size(), 4u) << "subscribed again on the kept connection";
  EXPECT_EQ(transport.connect_options().size(), 1u) << "no new connection";
  stop.Request();
  run.join();
  EXPECT_EQ(transport.disconnects(), 1) << "a stop disconnects";
  EXPECT_EQ(second.state().nodes().at({"f1", "n1"}).reports, 1u);
}

TEST_F(AggregatorServiceTest, StaleFactoriesAreCountedAndLeftOutOfTheFreshFigures) {
  // f2 (0 of 1 scenarios with AI) reports once; f1 (1 of 1) reports again
  // after f2 has been silent for longer than stale_after_s.
  v1::Report f2 = GoodReport(99);
  f2.mutable_identity()->set_factory_id("f2");
  f2.mutable_scenarios(0)->set_ai_declared(false);
  Send("ftel/v1/node/f2/n1/report", f2.SerializeAsString());
  clock_.Advance(301000);
  v1::Report f1 = GoodReport(1);
  f1.set_window_start_ms(clock_.NowMs() - 2000);
  f1.set_window_end_ms(clock_.NowMs() - 1000);
  Send(report_topic_, f1.SerializeAsString());
  service_->Recompute();
  v1::GroupSummary fleet;
  v1::FactorySummary f2_summary;
  v1::FactorySummary f1_summary;
  for (const MqttMessage& m : transport_.published()) {
    // The newest payload of each topic wins, as on a broker.
    google::protobuf::Message* into = nullptr;
    if (m.topic == "ftel/v1/rates/fleet") into = &fleet;
    if (m.topic == "ftel/v1/rates/factory/f2") into = &f2_summary;
    if (m.topic == "ftel/v1/rates/factory/f1") into = &f1_summary;
    if (into != nullptr) {
      into->Clear();
      EXPECT_TRUE(FromJson(m.payload, into).ok());
    }
  }
  EXPECT_TRUE(f2_summary.stale());
  EXPECT_FALSE(f1_summary.stale());
  EXPECT_EQ(fleet.factories(), 2u);
  EXPECT_EQ(fleet.factories_stale(), 1u);
  EXPECT_DOUBLE_EQ(fleet.declared().pooled().percent(), 50);         // with f2
  EXPECT_DOUBLE_EQ(fleet.declared_fresh().pooled().percent(), 100);  // without it
}

}  // namespace
}  // namespace ftel
