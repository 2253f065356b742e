// The fixture of the fault tests: a real mosquitto (persistent, like a
// production site's), a real aggregator and a real agent as child
// processes, a recorder of the retained results, and the produced /
// delivered / duplicated / lost count each test prints and asserts.
#ifndef FTEL_TESTS_INTEGRATION_FAULT_FIXTURE_H_
#define FTEL_TESTS_INTEGRATION_FAULT_FIXTURE_H_

#include <signal.h>

#include <cstdio>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/summary.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/file_io.h"
#include "libftel/schema/proto_json.h"
#include "libftel/schema/scenario_catalogue.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/log_numbers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {

inline constexpr char kAgentConfig[] =
    R"(broker: {uri: 'URI', reconnect_min_ms: 100, reconnect_max_ms: 400}
identity: {factory_id: delta, node_id: edge-1, sector: electronics, region: hubei}
publish_interval_ms: 100
catalogue_path: CATALOGUE
spool: {dir: spool, SPOOL_EXTRA}
sources:
  - name: plc
    type: static
    fixed:
      work_units:
        - {work_unit_id: line, planned_busy_time_s: 0.1, actual_production_time_s: 0.09, planned_run_time_per_unit_s: 0.01, produced_quantity: 8, good_quantity: 8}
scenarios:
SCENARIOS
work_units:
  - {id: line, source: plc}
)";

inline constexpr char kAggregatorConfig[] =
    R"(broker: {uri: 'URI', client_id: fault-aggregator, reconnect_min_ms: 100, reconnect_max_ms: 400}
catalogue_path: CATALOGUE
publish_min_interval_ms: 100
state_file: aggregator.db
http_listen: 'off'
)";

// The mosquitto of a production site: it keeps sessions (the aggregator's
// queued reports) across its own restarts.
inline std::string PersistentBrokerConfig(const TempDir& dir) {
  return absl::StrCat("persistence true\npersistence_location ", dir.path(),
                      "/\nautosave_interval 1\nmax_queued_messages 100000\n");
}

struct Delivery {
  uint64_t produced = 0;
  uint64_t delivered = 0;
  uint64_t duplicated = 0;
  uint64_t dropped_at_agent = 0;    // spool full or expired, and counted
  uint64_t discarded_at_agent = 0;  // damaged on disk, and counted
  uint64_t left_in_spool = 0;       // not sent yet: kept for the agent's next start
  int64_t lost() const {
    return static_cast<int64_t>(produced) -
           static_cast<int64_t>(delivered + dropped_at_agent + discarded_at_agent + left_in_spool);
  }
  void Print(const char* test) const {
    std::printf(
        "[fault] %s: produced=%llu delivered=%llu duplicated=%llu dropped_at_agent=%llu "
        "discarded_at_agent=%llu left_in_spool=%llu lost=%lld\n",
        test, Ull(produced), Ull(delivered), Ull(duplicated), Ull(dropped_at_agent),
        Ull(discarded_at_agent), Ull(left_in_spool), static_cast<long long>(lost()));
  }
  static unsigned long long Ull(uint64_t value) { return value; }
};

class FaultInjectionTest : public ::testing::Test {
 public:
  void SetUp() override {
    broker_port_ = FreeLoopbackPort();
    broker_uri_ = absl::StrCat("tcp://127.0.0.1:", broker_port_);
  }

  void StartBroker() {
    auto broker = BrokerProcess::Start(dir_, PersistentBrokerConfig(dir_), broker_port_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    StartRecorder();
  }

  void StartRecorder() {
    recorder_ = std::make_unique<TopicRecorder>();
    ASSERT_TRUE(recorder_->Start(broker_uri_).ok());
  }

  std::string Fill(std::string text, const std::string& scenarios, const std::string& spool_extra) {
    return absl::StrReplaceAll(text, {{"URI", broker_uri_},
                                      {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"},
                                      {"SCENARIOS", scenarios},
                                      {"SPOOL_EXTRA", spool_extra}});
  }

  void StartAgent(
      const std::string& scenarios = "  - {id: PM-01, built: true}\n  - {id: PM-02, built: true}\n",
      const std::string& spool_extra = "fsync: ALWAYS", bool default_backoff = false,
      const std::string& broker_uri = "") {
    std::string text = Fill(kAgentConfig, scenarios, spool_extra);
    if (!broker_uri.empty()) text = absl::StrReplaceAll(text, {{broker_uri_, broker_uri}});
    if (default_backoff) {
      text = absl::StrReplaceAll(text, {{", reconnect_min_ms: 100, reconnect_max_ms: 400", ""}});
    }
    const std::string config = dir_.WriteFile("agent.yaml", text + agent_extra_);
    std::vector<std::string> command = agent_wrapper_;
    for (std::string& arg : ProgramCommand(FTEL_AGENT_BIN, {"--config", config})) {
      command.push_back(std::move(arg));
    }
    auto agent = ChildProcess::Start(command, dir_.path() + "/agent.log");
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = *std::move(agent);
  }

  void StartAggregator() {
    std::string text = Fill(kAggregatorConfig, "", "");
    if (aggregator_http_port_ != 0) {
      text = absl::StrReplaceAll(
          text,
          {{"http_listen: 'off'", absl::StrCat("http_listen: 127.0.0.1:", aggregator_http_port_)}});
    }
    const std::string config = dir_.WriteFile("aggregator.yaml", text);
    auto aggregator = ChildProcess::Start(ProgramCommand(FTEL_AGGREGATOR_BIN, {"--config", config}),
                                          dir_.path() + "/aggregator.log");
    ASSERT_TRUE(aggregator.ok()) << aggregator.status();
    aggregator_ = *std::move(aggregator);
    // On a new broker the aggregator's first subscription must exist before
    // agents publish; after that its persistent session keeps their reports.
    if (broker_ != nullptr) {
      ASSERT_TRUE(Eventually([&] {
        return aggregator_->Log().find("subscribed") != std::string::npos;
      })) << aggregator_->Log();
    }
  }

  // Stops the agent cleanly; returns the last sequence it produced and sets
  // `left` to the reports it kept in its spool for the next start.
  uint64_t StopAgent(uint64_t* left = nullptr) {
    agent_->Signal(SIGTERM);
    EXPECT_EQ(agent_->WaitForExit(absl::Seconds(15)), std::optional<int>(0)) << agent_->Log();
    if (left != nullptr) *left = NumberBefore(agent_->Log(), " left in the spool");
    return NumberAfter(agent_->Log(), "last sequence ");
  }

  // Stops the agent cleanly, waits until the aggregator counted what it sent,
  // prints produced / delivered / duplicated / lost as `name` and asserts
  // that every report was counted exactly once or is still spooled.
  std::optional<v1::FactorySummary> StopAgentAndCountExactly(const char* name) {
    Delivery d;
    d.produced = StopAgent(&d.left_in_spool);
    return CountExactly(name, d);
  }

  // The second half of StopAgentAndCountExactly, for a test that stopped
  // the agent itself.
  std::optional<v1::FactorySummary> CountExactly(const char* name, Delivery d) {
    std::optional<v1::FactorySummary> factory = WaitForReports(d.produced - d.left_in_spool);
    EXPECT_TRUE(factory.has_value()) << Logs();
    if (!factory.has_value()) return factory;
    d.delivered = factory->reports();
    d.duplicated = factory->duplicates();
    d.Print(name);
    EXPECT_EQ(d.lost(), 0) << Logs();  // delivered + left in the spool == produced
    EXPECT_LE(factory->completeness().percent(), 100);
    return factory;
  }

  // Waits until a report sampled from now on says the agent's spool is
  // (nearly) empty; older results (retained ones, say) do not count.
  bool WaitForDrain() {
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    return Eventually([&] {
      auto factory = Factory();
      return factory.has_value() && factory->last_window_end_ms() > now_ms &&
             factory->agent_spool_pending() <= 2;
    });
  }

  std::optional<v1::FactorySummary> Factory() {
    return recorder_->GetJson<v1::FactorySummary>("ftel/v1/rates/factory/delta");
  }

  // Broker, aggregator and agent, until the aggregator has counted a few
  // reports: the starting point of most faults.
  void StartAllAndWaitForReports() {
    StartBroker();
    StartAggregator();
    StartAgent();
    ASSERT_TRUE(WaitForReports(5).has_value()) << Logs();
  }

  // Waits until the aggregator has counted `reports` distinct reports.
  std::optional<v1::FactorySummary> WaitForReports(uint64_t reports,
                                                   absl::Duration timeout = absl::Seconds(20)) {
    std::optional<v1::FactorySummary> factory;
    Eventually(
        [&] {
          factory = Factory();
          return factory.has_value() && factory->reports() >= reports;
        },
        timeout);
    return factory;
  }

  // Waits until the agent's log holds `text` at least `times` times.
  bool AgentLogged(const std::string& text, absl::Duration timeout = absl::Seconds(20),
                   int times = 1) {
    return Eventually(
        [&] {
          const std::string log = agent_->Log();
          int seen = 0;
          for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
            ++seen;
          }
          return seen >= times;
        },
        timeout);
  }

  std::string Logs() {
    return absl::StrCat("agent:\n", agent_ ? agent_->Log() : "", "\naggregator:\n",
                        aggregator_ ? aggregator_->Log() : "");
  }

  TempDir dir_;
  // Put before the agent's command (`env VAR=value`, say), and appended to
  // its config (top-level keys).
  std::vector<std::string> agent_wrapper_;
  std::string agent_extra_;
  // The aggregator's /metrics port; 0: off.
  int aggregator_http_port_ = 0;
  int broker_port_ = 0;
  std::string broker_uri_;
  std::unique_ptr<BrokerProcess> broker_;
  std::unique_ptr<TopicRecorder> recorder_;
  std::unique_ptr<ChildProcess> agent_;
  std::unique_ptr<ChildProcess> aggregator_;
};

}  // namespace ftel

#endif  // FTEL_TESTS_INTEGRATION_FAULT_FIXTURE_H_
