// Delivery under faults, with real processes and a real mosquitto: the broker
// goes away, the agent is killed, its spool is damaged or fills up, the
// aggregator restarts. Each test prints produced / delivered / duplicated /
// lost and asserts the exact outcome.
#include <signal.h>

#include <cstdio>
#include <set>

#include "tests/integration/fault_fixture.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

TEST_F(FaultInjectionTest, BrokerRestartLosesNothingAndCountsEachReportOnce) {
  ASSERT_NO_FATAL_FAILURE(StartAllAndWaitForReports());
  broker_->Stop();
  ASSERT_TRUE(AgentLogged("broker connection lost")) << Logs();
  absl::SleepFor(absl::Milliseconds(1500));  // the agent spools meanwhile
  ASSERT_TRUE(broker_->Restart().ok());
  StartRecorder();
  ASSERT_TRUE(AgentLogged("spooled reports to send", absl::Seconds(20), 2)) << Logs();
  ASSERT_TRUE(WaitForDrain()) << Logs();
  Delivery d;
  d.produced = StopAgent(&d.left_in_spool);
  ASSERT_GT(d.produced, 15u);
  auto factory = WaitForReports(d.produced - d.left_in_spool);
  ASSERT_TRUE(factory.has_value()) << Logs();
  d.delivered = factory->reports();
  d.duplicated = factory->duplicates();
  d.Print("broker restart");
  EXPECT_EQ(d.delivered + d.left_in_spool, d.produced);
  EXPECT_EQ(d.lost(), 0);
  EXPECT_DOUBLE_EQ(factory->completeness().percent(), 100);
}

TEST_F(FaultInjectionTest, AfterABrokerOutageTheAgentIsBackAndDrainedWithinFifteenSeconds) {
  // The agent keeps the default backoff (500 ms doubling to 5 s, jittered
  // 0.5..1.5x); 20 s of outage take it to the cap, as a longer one would.
  StartBroker();
  StartAggregator();
  StartAgent("  - {id: PM-01, built: true}\n", "fsync: ALWAYS", /*default_backoff=*/true);
  ASSERT_TRUE(WaitForReports(5).has_value()) << Logs();
  broker_->Stop();
  ASSERT_TRUE(AgentLogged("broker connection lost")) << Logs();
  absl::SleepFor(absl::Seconds(20));
  ASSERT_TRUE(broker_->Restart().ok());
  const absl::Time back = absl::Now();
  StartRecorder();
  ASSERT_TRUE(AgentLogged("spooled reports to send", absl::Seconds(20), 2)) << Logs();
  const double reconnected_s = absl::ToDoubleSeconds(absl::Now() - back);
  ASSERT_TRUE(WaitForDrain()) << Logs();
  const double drained_s = absl::ToDoubleSeconds(absl::Now() - back);
  std::printf(
      "[fault] 20 s broker outage, default backoff: reconnected %.1f s and drained %.1f s "
      "after the broker was back\n",
      reconnected_s, drained_s);
  EXPECT_LE(reconnected_s, 7.5 + 1.0) << "at most 1.5 x reconnect_max_ms, plus the connect";
  EXPECT_LE(drained_s, 15.0);
  StopAgentAndCountExactly("20 s broker outage");
}

// The usual plant topology: agents talk to a factory broker, which bridges
// reports up to the central broker (and commits down); the aggregator runs
// at the centre. The central broker is killed, then the aggregator.
TEST_F(FaultInjectionTest, ThroughAFactoryBridgeKillingTheCentreLosesNothing) {
  StartBroker();  // the central broker, at broker_uri_
  StartAggregator();
  const int factory_port = FreeLoopbackPort();
  auto factory = BrokerProcess::Start(
      dir_,
      absl::StrCat("persistence true\npersistence_location ", dir_.path(),
                   "/\npersistence_file factory.db\nautosave_interval 1\n"
                   "max_queued_messages 100000\n"
                   "connection central\naddress 127.0.0.1:",
                   broker_port_,
                   "\ncleansession false\nrestart_timeout 1 2\n"
                   "topic ftel/v1/node/# out 1\ntopic ftel/v1/commit/# in 1\n"),
      factory_port);
  ASSERT_TRUE(factory.ok()) << factory.status();
  StartAgent("  - {id: PM-01, built: true}\n", "fsync: ALWAYS", false,
             absl::StrCat("tcp://127.0.0.1:", factory_port));
  ASSERT_TRUE(WaitForReports(5).has_value()) << Logs();

  broker_->Kill();
  absl::SleepFor(absl::Milliseconds(1500));  // the factory broker queues meanwhile
  ASSERT_TRUE(broker_->Restart().ok());
  StartRecorder();
  uint64_t seen = 0;
  ASSERT_TRUE(Eventually([&] {
    auto f = Factory();
    seen = f.has_value() ? f->reports() : 0;
    return seen > 10;
  })) << Logs();
  aggregator_->Signal(SIGKILL);
  ASSERT_TRUE(aggregator_->WaitForExit(absl::Seconds(5)).has_value());
  absl::SleepFor(absl::Milliseconds(700));
  ASSERT_NO_FATAL_FAILURE(StartAggregator());

  ASSERT_TRUE(WaitForDrain()) << Logs() << "\nfactory broker:\n" << (*factory)->process().Log();
  StopAgentAndCountExactly("factory bridge, central broker and aggregator killed");
}

// A cloned config: two agents run with one identity (each its own spool).
// The broker throws them off each other; the aggregator counts the node's
// time once, says so, and never shows completeness above 100 %.
TEST_F(FaultInjectionTest, TwoAgentsWithOneIdentityCountTheNodesTimeOnce) {
  const absl::Time started = absl::Now();
  ASSERT_NO_FATAL_FAILURE(StartAllAndWaitForReports());
  const std::string config = dir_.WriteFile(
      "agent-clone.yaml",
      absl::StrReplaceAll(Fill(kAgentConfig, "  - {id: PM-01, built: true}\n", "fsync: ALWAYS"),
                          {{"dir: spool,", "dir: spool-clone,"}}));
  auto clone = ChildProcess::Start(ProgramCommand(FTEL_AGENT_BIN, {"--config", config}),
                                   dir_.path() + "/agent-clone.log");
  ASSERT_TRUE(clone.ok()) << clone.status();
  std::optional<v1::FactorySummary> factory;
  ASSERT_TRUE(Eventually(
      [&] {
        factory = Factory();
        return factory.has_value() && factory->overlapping_windows() >= 5;
      },
      absl::Seconds(30)))
      << Logs() << "\nclone:\n"
      << (*clone)->Log();
  (*clone)->Signal(SIGTERM);
  ASSERT_TRUE((*clone)->WaitForExit(absl::Seconds(15)).has_value());
  std::printf(
      "[fault] two agents, one identity: counted=%llu overlapping=%llu completeness=%.1f%%\n",
      static_cast<unsigned long long>(factory->reports()),
      static_cast<unsigned long long>(factory->overlapping_windows()),
      factory->completeness().percent());
  EXPECT_LE(factory->completeness().percent(), 100);
  // Counted once: no more 100 ms windows than the time the node has run.
  const double elapsed_ms = absl::ToDoubleMilliseconds(absl::Now() - started);
  EXPECT_LE(static_cast<double>(factory->reports()), elapsed_ms / 100 + 1);
  EXPECT_THAT(aggregator_->Log(), HasSubstr("are two agents running with one identity?"));
}

TEST_F(FaultInjectionTest, KilledAgentLosesNothingAndNothingCountsTwice) {
  ASSERT_NO_FATAL_FAILURE(StartAllAndWaitForReports());
  agent_->Signal(SIGKILL);
  ASSERT_TRUE(agent_->WaitForExit(absl::Seconds(5)).has_value());
  absl::SleepFor(absl::Milliseconds(300));
  StartAgent();  // same config, same spool
  ASSERT_TRUE(AgentLogged("connected to")) << Logs();
  absl::SleepFor(absl::Milliseconds(800));
  StopAgentAndCountExactly("agent SIGKILL");
}

// Finds the byte offsets of the spool records in a segment file.
std::vector<size_t> RecordOffsets(const std::string& data) {
  std::vector<size_t> offsets;
  for (size_t at = data.find("FTR1"); at != std::string::npos; at = data.find("FTR1", at + 1)) {
    offsets.push_back(at);
  }
  return offsets;
}

TEST_F(FaultInjectionTest, DamagedSpoolKeepsTheGoodRecordsAndSaysWhatItDiscarded) {
  // No broker yet: every report stays in the spool.
  StartAgent();
  ASSERT_TRUE(
      Eventually([&] { return agent_->Log().find("reports are kept") != std::string::npos; }));
  absl::SleepFor(absl::Milliseconds(1200));
  const uint64_t spooled = StopAgent();
  ASSERT_GE(spooled, 8u) << agent_->Log();

  const std::string segment = absl::StrFormat("%s/spool/seg-%020d.log", dir_.path(), 1);
  absl::StatusOr<std::string> data = ReadFileToString(segment);
  ASSERT_TRUE(data.ok()) << data.status();
  const std::vector<size_t> records = RecordOffsets(*data);
  ASSERT_EQ(records.size(), spooled);
  std::string damaged = *data;
  damaged[records[2] + 40] ^= 0x5a;    // corrupt record 3
  damaged.resize(damaged.size() - 5);  // tear the last record
  dir_.WriteFile("spool/" + segment.substr(segment.rfind('/') + 1), damaged);

  StartBroker();
  StartAggregator();
  agent_.reset();
  StartAgent();
  ASSERT_TRUE(AgentLogged("discarded 1 corrupt region(s) and 1 torn tail(s)")) << Logs();
  ASSERT_TRUE(AgentLogged("connected to")) << Logs();
  absl::SleepFor(absl::Milliseconds(500));
  Delivery d;
  d.produced = StopAgent();
  auto factory = WaitForReports(d.produced - 2);
  ASSERT_TRUE(factory.has_value()) << Logs();
  d.delivered = factory->reports();
  d.duplicated = factory->duplicates();
  d.discarded_at_agent = 2;  // as the agent logged
  d.Print("damaged spool");
  EXPECT_EQ(d.delivered, d.produced - 2) << "only the two damaged records are missing";
  EXPECT_EQ(d.lost(), 0);
  std::set<uint64_t> seen;
  for (const MqttMessage& message : recorder_->All()) {
    v1::Report report;
    if (message.topic.find("/report") != std::string::npos &&
        report.ParseFromString(message.payload)) {
      seen.insert(report.sequence());
      if (report.sequence() > spooled) {
        EXPECT_EQ(report.health().discarded_corrupt(), 1u);
        EXPECT_EQ(report.health().discarded_torn(), 1u);
      }
    }
  }
  for (uint64_t seq = 1; seq <= d.produced; ++seq) {
    const bool damaged_record = seq == 3 || seq == spooled;
    EXPECT_EQ(seen.count(seq), damaged_record ? 0u : 1u) << "sequence " << seq;
  }
}

TEST_F(FaultInjectionTest, FullSpoolDropsTheOldestAndTheAggregatorSeesTheExactCount) {
  // Every catalogue scenario makes a report of about 1.5 KB, so a 64 KiB
  // spool holds a few seconds of reports.
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok());
  std::string scenarios;
  for (const CatalogueScenario& s : catalogue->scenarios()) {
    scenarios += absl::StrCat("  - {id: ", s.id, ", built: true, model_ids: [model-for-", s.id,
                              "-with-a-long-name]}\n");
  }
  StartBroker();
  StartAggregator();
  StartAgent(scenarios, "max_bytes: 65536, segment_bytes: 8192");
  ASSERT_TRUE(WaitForReports(3).has_value()) << Logs();
  broker_->Stop();
  ASSERT_TRUE(AgentLogged("spool full: dropped", absl::Seconds(30))) << Logs();
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_TRUE(broker_->Restart().ok());
  StartRecorder();
  ASSERT_TRUE(AgentLogged("spooled reports to send", absl::Seconds(20), 2)) << Logs();
  ASSERT_TRUE(WaitForDrain()) << Logs();
  Delivery d;
  d.produced = StopAgent(&d.left_in_spool);
  std::optional<v1::FactorySummary> factory;
  ASSERT_TRUE(Eventually([&] {
    factory = Factory();
    return factory.has_value() && factory->agent_dropped() > 0 &&
           factory->reports() + factory->agent_dropped() + d.left_in_spool >= d.produced;
  })) << Logs();
  d.delivered = factory->reports();
  d.duplicated = factory->duplicates();
  d.dropped_at_agent = factory->agent_dropped();
  d.Print("full spool");
  EXPECT_EQ(d.lost(), 0) << "every report is delivered or counted as dropped";
  // The aggregator shows exactly what the agent says it dropped.
  // (The last "spool full: dropped N oldest unsent report(s), M in total"
  // line: the one about unconfirmed drops counts those apart.)
  const std::string log = agent_->Log();
  const std::string marker = "oldest unsent report(s), ";
  const size_t from = log.rfind(marker);
  ASSERT_NE(from, std::string::npos) << log;
  const size_t at = log.find(" in total", from);
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(log.substr(from + marker.size(), at - from - marker.size()),
            absl::StrCat(d.dropped_at_agent))
      << log;
  EXPECT_LT(factory->completeness().percent(), 100);
}

// The aggregator dies (SIGKILL) or stops (SIGTERM) while reports stream in,
// three times, and comes back: its broker session acknowledged reports it
// had not saved yet. The agent keeps every report until a commit covers it
// and sends again what a commit's gap shows lost, so none is lost and none
// counts twice.
void AggregatorRestartsLoseNothing(FaultInjectionTest* test, int signal, const char* name);

TEST_F(FaultInjectionTest, KilledAggregatorLosesNothingItsBrokerSessionAcknowledged) {
  AggregatorRestartsLoseNothing(this, SIGKILL, "aggregator SIGKILL x3");
}

TEST_F(FaultInjectionTest, StoppedAggregatorLosesNothingItsBrokerSessionAcknowledged) {
  AggregatorRestartsLoseNothing(this, SIGTERM, "aggregator SIGTERM x3");
}

TEST_F(FaultInjectionTest, RestartedAggregatorPublishesTheSameNumbers) {
  ASSERT_NO_FATAL_FAILURE(StartAllAndWaitForReports());
  const uint64_t produced = StopAgent();
  auto before = WaitForReports(produced);
  ASSERT_TRUE(before.has_value()) << Logs();
  ASSERT_TRUE(Eventually([&] {
    auto f = Factory();
    return f.has_value() && !f->online();
  })) << Logs();
  before = Factory();
  auto fleet_before = recorder_->GetJson<v1::GroupSummary>("ftel/v1/rates/fleet");
  ASSERT_TRUE(fleet_before.has_value());

  aggregator_->Signal(SIGTERM);
  ASSERT_EQ(aggregator_->WaitForExit(absl::Seconds(10)), std::optional<int>(0));
  // Clear the retained results, so that what is seen next is republished.
  auto clearer = NewPahoMqttTransport(broker_uri_, "fault-clearer");
  ASSERT_TRUE(clearer->Connect({}).ok());
  for (const std::string topic : {"ftel/v1/rates/factory/delta", "ftel/v1/rates/fleet"}) {
    ASSERT_TRUE(PublishAndWait(*clearer, {topic, "", 1, true}, absl::Seconds(5)).ok());
  }
  ASSERT_TRUE(Eventually([&] { return recorder_->Get("ftel/v1/rates/fleet") == ""; }));

  StartAggregator();
  std::optional<v1::FactorySummary> after;
  std::optional<v1::GroupSummary> fleet_after;
  ASSERT_TRUE(Eventually([&] {
    after = Factory();
    fleet_after = recorder_->GetJson<v1::GroupSummary>("ftel/v1/rates/fleet");
    return after.has_value() && fleet_after.has_value();
  })) << Logs();
  EXPECT_THAT(aggregator_->Log(), HasSubstr("restored 1 nodes"));
  before->clear_computed_at_ms();
  after->clear_computed_at_ms();
  fleet_before->clear_computed_at_ms();
  fleet_after->clear_computed_at_ms();
  EXPECT_EQ(ToJson(*after), ToJson(*before));
  EXPECT_EQ(ToJson(*fleet_after), ToJson(*fleet_before));
  std::printf("[fault] aggregator restart: produced=%llu delivered=%llu before and %llu after\n",
              static_cast<unsigned long long>(produced),
              static_cast<unsigned long long>(before->reports()),
              static_cast<unsigned long long>(after->reports()));
}

void AggregatorRestartsLoseNothing(FaultInjectionTest* test, int signal, const char* name) {
  ASSERT_NO_FATAL_FAILURE(test->StartAllAndWaitForReports());
  for (int round = 0; round < 3; ++round) {
    // Just after a result moved, with the next reports on their way.
    const std::optional<v1::FactorySummary> before = test->Factory();
    ASSERT_TRUE(before.has_value()) << test->Logs();
    const uint64_t seen = before->reports();
    ASSERT_TRUE(Eventually([&] {
      auto factory = test->Factory();
      return factory.has_value() && factory->reports() > seen + 2;
    })) << test->Logs();
    absl::SleepFor(absl::Milliseconds(30 * round));
    test->aggregator_->Signal(signal);
    ASSERT_TRUE(test->aggregator_->WaitForExit(absl::Seconds(10)).has_value());
    absl::SleepFor(absl::Milliseconds(400));  // the agent goes on reporting
    ASSERT_NO_FATAL_FAILURE(test->StartAggregator());
  }
  ASSERT_TRUE(test->WaitForDrain()) << test->Logs();
  test->StopAgentAndCountExactly(name);
}

}  // namespace
}  // namespace ftel
