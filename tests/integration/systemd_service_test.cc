// The daemons as systemd runs them, without systemd: NOTIFY_SOCKET points at
// a datagram socket of the test's (the service manager's end), with
// WATCHDOG_USEC as WatchdogSec=1 sets it, and JOURNAL_STREAM names the
// child's stderr as journald's stream does.
#include <signal.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cell_agent_config.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/notify_listener.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr absl::Duration kWait = absl::Seconds(20);
// WATCHDOG_USEC below: systemd expects a ping at least this often.
constexpr absl::Duration kWatchdog = absl::Seconds(1);

const std::string kAgentConfig = CellAgentConfig(R"(broker: {uri: 'URI'}
identity: {factory_id: gamma, node_id: edge-1}
spool: {dir: spool}
)");

constexpr char kAggregatorConfig[] = R"(broker: {uri: 'URI'}
catalogue_path: CATALOGUE
publish_min_interval_ms: 100
state_file: aggregator.db
http_listen: '127.0.0.1:0'
)";

// `command` with the variables set, and none of systemd's inherited from
// whatever runs the test.
std::vector<std::string> WithEnvironment(const std::vector<std::string>& variables,
                                         const std::vector<std::string>& command) {
  std::vector<std::string> argv = {"env",           "-u", "NOTIFY_SOCKET", "-u",
                                   "WATCHDOG_USEC", "-u", "WATCHDOG_PID",  "-u",
                                   "JOURNAL_STREAM"};
  argv.insert(argv.end(), variables.begin(), variables.end());
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

std::string DeviceAndInode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return absl::StrCat(st.st_dev, ":", st.st_ino);
}

class SystemdServiceTest : public ::testing::Test {
 public:  // for the helpers of the tests below
  void StartBroker() {
    auto broker = BrokerProcess::Start(dir_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    broker_uri_ = broker_->uri();
  }

  std::string WriteConfig(const std::string& name, const std::string& text,
                          const std::string& extra = "") {
    return dir_.WriteFile(
        name,
        absl::StrReplaceAll(text, {{"URI", broker_uri_},
                                   {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}}) +
            extra);
  }

  std::unique_ptr<ChildProcess> Start(const char* binary, const std::string& config,
                                      const std::vector<std::string>& variables,
                                      const std::string& log_name) {
    auto child = ChildProcess::Start(
        WithEnvironment(variables, ProgramCommand(binary, {"--config", config})),
        dir_.path() + "/" + log_name);
    EXPECT_TRUE(child.ok()) << child.status();
    return child.ok() ? *std::move(child) : nullptr;
  }

  // READY=1 from `child` itself, then WATCHDOG=1 at least every kWatchdog
  // for `watch`, then, after SIGTERM, STOPPING=1 and a clean exit.
  void ExpectTheServiceProtocol(ChildProcess& child, NotifyListener& listener,
                                const std::string& ready_status, absl::Duration watch) {
    std::optional<Notification> ready = listener.ReceiveStartingWith("READY=1", kWait);
    ASSERT_TRUE(ready.has_value()) << child.Log();
    EXPECT_EQ(ready->pid, child.pid()) << "sent by the daemon, not a helper";
    EXPECT_THAT(ready->text, HasSubstr("\nSTATUS=" + ready_status)) << ready->text;

    absl::Time last = ready->at;
    int pings = 0;
    absl::Duration longest = absl::ZeroDuration();
    while (absl::Now() - ready->at < watch) {
      std::optional<Notification> next = listener.Receive(2 * kWatchdog);
      ASSERT_TRUE(next.has_value()) << "no ping for " << 2 * kWatchdog << "\n" << child.Log();
      ASSERT_EQ(next->text, "WATCHDOG=1") << "before any SIGTERM\n" << child.Log();
      EXPECT_EQ(next->pid, child.pid());
      longest = std::max(longest, next->at - last);
      last = next->at;
      ++pings;
    }
    EXPECT_LT(longest, kWatchdog) << pings << " pings\n" << child.Log();
    // Half the interval apart: about two a second, not one per loop turn.
    EXPECT_GE(pings, static_cast<int>(watch / kWatchdog));
    EXPECT_LE(pings, static_cast<int>(4 * watch / kWatchdog) + 1);

    child.Signal(SIGTERM);
    std::optional<Notification> stopping = listener.ReceiveStartingWith("STOPPING=1", kWait);
    ASSERT_TRUE(stopping.has_value()) << child.Log();
    EXPECT_EQ(stopping->text, "STOPPING=1");
    EXPECT_EQ(child.WaitForExit(kWait), 0) << child.Log();
  }

  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  std::string broker_uri_;
};

TEST_F(SystemdServiceTest, AggregatorIsReadyFeedsTheWatchdogAndSaysItStops) {
  StartBroker();
  const std::string socket = dir_.path() + "/aggregator.notify";
  auto listener = NotifyListener::Bind(socket);
  ASSERT_TRUE(listener.ok()) << listener.status();
  std::unique_ptr<ChildProcess> aggregator =
      Start(FTEL_AGGREGATOR_BIN, WriteConfig("aggregator.yaml", kAggregatorConfig),
            {"NOTIFY_SOCKET=" + socket, "WATCHDOG_USEC=1000000"}, "aggregator.log");
  ASSERT_NE(aggregator, nullptr);
  ExpectTheServiceProtocol(*aggregator, **listener, "restored 0 nodes; HTTP on port ",
                           absl::Seconds(4));
}

TEST_F(SystemdServiceTest, AgentIsReadyFeedsTheWatchdogAndSaysItStops) {
  StartBroker();
  const std::string socket = "@ftel-test-agent-" + std::to_string(getpid());
  auto listener = NotifyListener::Bind(socket);
  ASSERT_TRUE(listener.ok()) << listener.status();
  std::unique_ptr<ChildProcess> agent =
      Start(FTEL_AGENT_BIN, WriteConfig("agent.yaml", kAgentConfig),
            {"NOTIFY_SOCKET=" + socket, "WATCHDOG_USEC=1000000"}, "agent.log");
  ASSERT_NE(agent, nullptr);
  ExpectTheServiceProtocol(*agent, **listener, "reporting every 200 ms as gamma/edge-1",
                           absl::Seconds(4));
  EXPECT_THAT(agent->Log(), HasSubstr("connected to " + broker_uri_));
}

// An edge box comes up without its broker: the agent is ready once its
// spool is open, and its loop keeps feeding the watchdog while it retries.
TEST_F(SystemdServiceTest, AgentIsReadyAndAliveWithoutABroker) {
  broker_uri_ = "tcp://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  const std::string socket = dir_.path() + "/agent.notify";
  auto listener = NotifyListener::Bind(socket);
  ASSERT_TRUE(listener.ok()) << listener.status();
  std::unique_ptr<ChildProcess> agent =
      Start(FTEL_AGENT_BIN, WriteConfig("agent.yaml", kAgentConfig),
            {"NOTIFY_SOCKET=" + socket, "WATCHDOG_USEC=1000000"}, "agent.log");
  ASSERT_NE(agent, nullptr);
  ExpectTheServiceProtocol(*agent, **listener, "reporting every 200 ms", absl::Seconds(3));
  EXPECT_THAT(agent->Log(), HasSubstr("reports are kept in the spool"));
  EXPECT_THAT(agent->Log(), Not(HasSubstr("connected to")));
}

// Every line of `log` in the journal's format, none with a timestamp.
void ExpectOnlyJournalLines(const std::string& log) {
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    EXPECT_THAT(std::string(line), MatchesRegex("<[3467]>(ERROR|WARN|INFO|DEBUG) .+"));
    ++lines;
  }
  EXPECT_GT(lines, 0);
}

TEST_F(SystemdServiceTest, AgentWritesSyslogPrioritiesWhenStderrIsTheJournalStream) {
  broker_uri_ = "tcp://127.0.0.1:" + std::to_string(FreeLoopbackPort());  // nothing there
  const std::string config = WriteConfig("agent.yaml", kAgentConfig);
  // The log file exists before the child opens it for appending, so its
  // device and inode are those of the child's stderr.
  const std::string log = dir_.WriteFile("agent.log", "");
  std::unique_ptr<ChildProcess> agent =
      Start(FTEL_AGENT_BIN, config, {"JOURNAL_STREAM=" + DeviceAndInode(log)}, "agent.log");
  ASSERT_NE(agent, nullptr);
  ASSERT_TRUE(Eventually(
      [&] { return absl::StrContains(agent->Log(), "; reports are kept in the spool"); }, kWait))
      << agent->Log();
  agent->Signal(SIGTERM);
  ASSERT_EQ(agent->WaitForExit(kWait), 0) << agent->Log();
  const std::string text = agent->Log();
  EXPECT_THAT(text, MatchesRegex("(.*\n)?<6>INFO ftel-agent [0-9.]+ factory gamma node edge-1 "
                                 "session [0-9a-f]{16}; spool .*\n.*"));
  EXPECT_THAT(text, MatchesRegex("(.*\n)?<4>WARN connect to " + broker_uri_ +
                                 " failed: [^\n]*; reports are kept in the spool\n.*"));
  EXPECT_THAT(text, MatchesRegex("(.*\n)?<6>INFO stopped: [0-9]+ reports sampled, .*\n"));
  ExpectOnlyJournalLines(text);
}

TEST_F(SystemdServiceTest, LogLevelWarningLeavesOutTheAgentsInfoLines) {
  broker_uri_ = "tcp://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  const std::string config = WriteConfig("agent.yaml", kAgentConfig, "log_level: WARNING\n");
  const std::string log = dir_.WriteFile("agent.log", "");
  std::unique_ptr<ChildProcess> agent =
      Start(FTEL_AGENT_BIN, config, {"JOURNAL_STREAM=" + DeviceAndInode(log)}, "agent.log");
  ASSERT_NE(agent, nullptr);
  ASSERT_TRUE(Eventually(
      [&] { return absl::StrContains(agent->Log(), "; reports are kept in the spool"); }, kWait))
      << agent->Log();
  agent->Signal(SIGTERM);
  ASSERT_EQ(agent->WaitForExit(kWait), 0) << agent->Log();
  const std::string text = agent->Log();
  EXPECT_THAT(text, HasSubstr("<4>WARN connect to "));
  EXPECT_THAT(text, Not(HasSubstr("INFO")));
  ExpectOnlyJournalLines(text);
}

// A JOURNAL_STREAM inherited by a process whose stderr is a file (a shell
// under the unit redirected it) names another file: the lines keep their
// timestamps.
TEST_F(SystemdServiceTest, AnInheritedJournalStreamOfAnotherFileKeepsTheTimestamps) {
  broker_uri_ = "tcp://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  const std::string config = WriteConfig("agent.yaml", kAgentConfig);
  const std::string journal = dir_.WriteFile("journal", "");
  std::unique_ptr<ChildProcess> agent =
      Start(FTEL_AGENT_BIN, config, {"JOURNAL_STREAM=" + DeviceAndInode(journal)}, "agent.log");
  ASSERT_NE(agent, nullptr);
  ASSERT_TRUE(Eventually(
      [&] { return absl::StrContains(agent->Log(), "; reports are kept in the spool"); }, kWait))
      << agent->Log();
  const std::string text = agent->Log();
  EXPECT_THAT(text, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z INFO ftel-agent .*"));
  EXPECT_THAT(text, HasSubstr("Z WARN connect to "));
  EXPECT_THAT(text, Not(HasSubstr("<4>")));
}

TEST_F(SystemdServiceTest, AggregatorAtDebugLogsEveryRecomputeWithItsPriority) {
  StartBroker();
  const std::string config =
      WriteConfig("aggregator.yaml", kAggregatorConfig, "log_level: DEBUG\n");
  const std::string log = dir_.WriteFile("aggregator.log", "");
  std::unique_ptr<ChildProcess> aggregator = Start(
      FTEL_AGGREGATOR_BIN, config, {"JOURNAL_STREAM=" + DeviceAndInode(log)}, "aggregator.log");
  ASSERT_NE(aggregator, nullptr);
  // Without input it recomputes every 5 s: the first one, then one more.
  auto recomputes = [&] {
    const std::string text = aggregator->Log();
    int count = 0;
    for (size_t at = text.find("\n<7>DEBUG recompute: "); at != std::string::npos;
         at = text.find("\n<7>DEBUG recompute: ", at + 1)) {
      ++count;
    }
    return count;
  };
  ASSERT_TRUE(Eventually([&] { return recomputes() >= 2; }, kWait)) << aggregator->Log();
  aggregator->Signal(SIGTERM);
  ASSERT_EQ(aggregator->WaitForExit(kWait), 0) << aggregator->Log();
  const std::string text = aggregator->Log();
  EXPECT_THAT(text, HasSubstr("\n<6>INFO results: 0 factories (0 online), fleet declared n/a "
                              "(0/0) observed n/a, 0 reports, 0 duplicates, 0 rejected; first "
                              "recompute, "));
  EXPECT_THAT(text, HasSubstr("<6>INFO serving /metrics and /healthz on http://127.0.0.1:"));
  ExpectOnlyJournalLines(text);
}

}  // namespace
}  // namespace ftel

namespace ftel {
namespace {

// `systemctl reload` (SIGHUP): RELOADING=1, then READY=1 once the new
// config runs, both from the daemon; the watchdog goes on meanwhile.
void ExpectReloadingThenReady(ChildProcess& child, NotifyListener& listener) {
  std::optional<Notification> reloading = listener.ReceiveStartingWith("RELOADING=1", kWait);
  ASSERT_TRUE(reloading.has_value()) << child.Log();
  EXPECT_EQ(reloading->pid, child.pid());
  std::optional<Notification> ready = listener.ReceiveStartingWith("READY=1", kWait);
  ASSERT_TRUE(ready.has_value()) << child.Log();
  EXPECT_EQ(ready->pid, child.pid());
  EXPECT_TRUE(listener.ReceiveStartingWith("WATCHDOG=1", kWait).has_value()) << child.Log();
}

// Starts `binary` under a test notify socket, changes its config by
// `change`, sends SIGHUP and expects RELOADING=1 then READY=1, then stops it.
void ExpectAReloadOf(SystemdServiceTest& test, const char* binary, const std::string& name,
                     const std::string& config, const std::string& change) {
  test.StartBroker();
  const std::string socket = test.dir_.path() + "/" + name + ".notify";
  auto listener = NotifyListener::Bind(socket);
  ASSERT_TRUE(listener.ok()) << listener.status();
  std::unique_ptr<ChildProcess> child =
      test.Start(binary, test.WriteConfig(name + ".yaml", config),
                 {"NOTIFY_SOCKET=" + socket, "WATCHDOG_USEC=1000000"}, name + ".log");
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE((*listener)->ReceiveStartingWith("READY=1", kWait).has_value()) << child->Log();
  test.WriteConfig(name + ".yaml", config, change);
  child->Signal(SIGHUP);
  ExpectReloadingThenReady(*child, **listener);
  child->Signal(SIGTERM);
  EXPECT_EQ(child->WaitForExit(kWait), 0) << child->Log();
}

TEST_F(SystemdServiceTest, AgentReloadSaysReloadingThenReady) {
  ExpectAReloadOf(*this, FTEL_AGENT_BIN, "agent", kAgentConfig, "log_level: DEBUG\n");
}

TEST_F(SystemdServiceTest, AggregatorReloadSaysReloadingThenReady) {
  ExpectAReloadOf(*this, FTEL_AGGREGATOR_BIN, "aggregator", kAggregatorConfig,
                  "stale_after_s: 90\n");
}

}  // namespace
}  // namespace ftel
