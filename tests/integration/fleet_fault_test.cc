// Faults that hit several agents at once: the broker is killed before it
// saved the aggregator's session, or stays away for a minute while three
// agents keep sampling. Each test prints produced / delivered / duplicated /
// lost over the three agents and asserts lost = 0.
#include <signal.h>

#include <cstdio>

#include "tests/integration/fault_fixture.h"

namespace ftel {
namespace {

constexpr int kAgents = 3;

class FleetFaultTest : public FaultInjectionTest {
 public:
  // A mosquitto with persistence but its default autosave (every 30 min):
  // a SIGKILL loses the sessions and retained messages of the run.
  void StartBrokerWithDefaultAutosave() {
    auto broker = BrokerProcess::Start(dir_,
                                       absl::StrCat("persistence true\npersistence_location ",
                                                    dir_.path(), "/\nmax_queued_messages 100000\n"),
                                       broker_port_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    StartRecorder();
  }

  // Agents delta/edge-1 .. edge-3, each with its own spool.
  void StartAgents(bool default_backoff) {
    for (int i = 1; i <= kAgents; ++i) {
      std::string text = Fill(kAgentConfig, "  - {id: PM-01, built: true}\n", "fsync: ALWAYS");
      text = absl::StrReplaceAll(
          text, {{"node_id: edge-1", absl::StrCat("node_id: edge-", i)},
                 {"spool: {dir: spool,", absl::StrCat("spool: {dir: spool-", i, ",")}});
      if (default_backoff) {
        text = absl::StrReplaceAll(text, {{", reconnect_min_ms: 100, reconnect_max_ms: 400", ""}});
      }
      const std::string config = dir_.WriteFile(absl::StrCat("agent-", i, ".yaml"), text);
      auto agent = ChildProcess::Start(ProgramCommand(FTEL_AGENT_BIN, {"--config", config}),
                                       absl::StrCat(dir_.path(), "/agent-", i, ".log"));
      ASSERT_TRUE(agent.ok()) << agent.status();
      agents_.push_back(*std::move(agent));
    }
  }

  bool EachAgentLogged(const std::string& text, int times, absl::Duration timeout) {
    return Eventually(
        [&] {
          for (const auto& agent : agents_) {
            if (Occurrences(agent->Log(), text) < times) return false;
          }
          return true;
        },
        timeout);
  }

  static int Occurrences(const std::string& log, const std::string& text) {
    int seen = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++seen;
    return seen;
  }

  // Stops every agent cleanly and counts exactly, as StopAgentAndCountExactly
  // does for one.
  void StopAgentsAndCountExactly(const char* name) {
    Delivery d;
    for (const auto& agent : agents_) agent->Signal(SIGTERM);
    for (const auto& agent : agents_) {
      ASSERT_EQ(agent->WaitForExit(absl::Seconds(15)), std::optional<int>(0)) << agent->Log();
      d.produced += NumberAfter(agent->Log(), "last sequence ");
      d.left_in_spool += NumberBefore(agent->Log(), " left in the spool");
    }
    std::optional<v1::FactorySummary> factory = WaitForReports(d.produced - d.left_in_spool);
    ASSERT_TRUE(factory.has_value()) << AllLogs();
    d.delivered = factory->reports();
    d.duplicated = factory->duplicates();
    d.Print(name);
    EXPECT_EQ(d.lost(), 0) << AllLogs();
    EXPECT_EQ(factory->nodes(), static_cast<uint32_t>(kAgents));
    EXPECT_LE(factory->completeness().percent(), 100);
  }

  std::string AllLogs() {
    std::string logs = Logs();
    for (size_t i = 0; i < agents_.size(); ++i) {
      absl::StrAppend(&logs, "\nagent edge-", i + 1, ":\n", agents_[i]->Log());
    }
    return logs;
  }

  std::vector<std::unique_ptr<ChildProcess>> agents_;
};

TEST_F(FleetFaultTest, ABrokerKilledBeforeItSavedTheAggregatorsSessionLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartBrokerWithDefaultAutosave());
  StartAggregator();
  StartAgents(/*default_backoff=*/false);
  ASSERT_TRUE(WaitForReports(3 * 10).has_value()) << AllLogs();
  // Nothing of this run is saved: the aggregator's subscriptions and queue,
  // the retained commits and statuses are gone when the broker comes back.
  broker_->Kill();
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_TRUE(broker_->Restart().ok());
  StartRecorder();
  // Agents reconnect within 0.4 s, the aggregator too: reports published
  // before it subscribed again are acknowledged by the broker and dropped.
  ASSERT_TRUE(EachAgentLogged("spooled reports to send", 2, absl::Seconds(20))) << AllLogs();
  absl::SleepFor(absl::Seconds(3));
  // The commits show the gap; each agent sends what is uncommitted again
  // (after 5 s) and the aggregator counts each report once.
  const int64_t since_ms = absl::ToUnixMillis(absl::Now());
  ASSERT_TRUE(Eventually(
      [&] {
        auto factory = Factory();
        return factory.has_value() && factory->last_window_end_ms() > since_ms + 6000 &&
               factory->agent_spool_pending() <= 3 * 3;
      },
      absl::Seconds(30)))
      << AllLogs();
  int resent = 0;
  for (const auto& agent : agents_) {
    resent += Occurrences(agent->Log(), "sending the uncommitted reports again") > 0;
  }
  std::printf(
      "[fault] broker SIGKILL before autosave: %d of %d agents saw a commit gap and resent\n",
      resent, kAgents);
  StopAgentsAndCountExactly("broker SIGKILL before autosave, three agents");
}

TEST_F(FleetFaultTest, AfterAMinuteLongOutageEveryAgentIsBackAndDrainedWithinFifteenSeconds) {
  StartBroker();
  StartAggregator();
  StartAgents(/*default_backoff=*/true);
  ASSERT_TRUE(WaitForReports(3 * 5).has_value()) << AllLogs();
  broker_->Stop();
  ASSERT_TRUE(EachAgentLogged("broker connection lost", 1, absl::Seconds(10))) << AllLogs();
  absl::SleepFor(absl::Seconds(60));
  ASSERT_TRUE(broker_->Restart().ok());
  const absl::Time back = absl::Now();
  StartRecorder();
  ASSERT_TRUE(EachAgentLogged("spooled reports to send", 2, absl::Seconds(20))) << AllLogs();
  const double reconnected_s = absl::ToDoubleSeconds(absl::Now() - back);
  // Drained: a report sampled after the return says each spool is
  // (nearly) empty.
  const int64_t back_ms = absl::ToUnixMillis(back);
  ASSERT_TRUE(Eventually(
      [&] {
        auto factory = Factory();
        return factory.has_value() && factory->last_window_end_ms() > back_ms &&
               factory->agent_spool_pending() <= 3 * 2 && factory->nodes_online() == 3;
      },
      absl::Seconds(30)))
      << AllLogs();
  const double drained_s = absl::ToDoubleSeconds(absl::Now() - back);
  std::printf(
      "[fault] 60 s broker outage, three agents, default backoff: all reconnected %.1f s and "
      "drained %.1f s after the broker was back\n",
      reconnected_s, drained_s);
  EXPECT_LE(reconnected_s, 7.5 + 1.0) << "at most 1.5 x reconnect_max_ms, plus the connect";
  EXPECT_LE(drained_s, 15.0);
  StopAgentsAndCountExactly("60 s broker outage, three agents");
}

}  // namespace
}  // namespace ftel
