// The agent alone against a real mosquitto: what it puts on the wire, its
// retained status and its Last Will. Runs natively and, in the ARM builds,
// with the agent and this test under qemu against the host's mosquitto.
#include <signal.h>

#include <set>

#include "absl/strings/str_replace.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "gtest/gtest.h"
#include "libftel/platform/content_hash.h"
#include "libftel/platform/file_io.h"
#include "libftel/schema/scenario_catalogue.h"
#include "tests/integration/cell_agent_config.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

const std::string kConfig = CellAgentConfig(R"(broker: {uri: 'URI'}
identity: {factory_id: gamma, node_id: edge-1, factory_name: Gamma Cells, sector: electronics, region: sichuan}
spool: {dir: spool}
)");

class AgentBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = BrokerProcess::Start(dir_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    ASSERT_TRUE(recorder_.Start(broker_->uri()).ok());
    config_path_ = dir_.WriteFile(
        "gamma.yaml", absl::StrReplaceAll(
                          kConfig, {{"URI", broker_->uri()},
                                    {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}}));
    agent_ = StartAgent();
  }

  std::unique_ptr<ChildProcess> StartAgent() {
    auto agent = ChildProcess::Start(ProgramCommand(FTEL_AGENT_BIN, {"--config", config_path_}),
                                     dir_.path() + "/agent.log");
    EXPECT_TRUE(agent.ok()) << agent.status();
    return agent.ok() ? *std::move(agent) : nullptr;
  }

  std::vector<v1::Report> Reports() {
    std::vector<v1::Report> reports;
    for (const MqttMessage& message : recorder_.All()) {
      if (message.topic != "ftel/v1/node/gamma/edge-1/report") continue;
      EXPECT_EQ(message.qos, 1);
      EXPECT_FALSE(message.retained);
      v1::Report report;
      EXPECT_TRUE(report.ParseFromString(message.payload));
      reports.push_back(report);
    }
    return reports;
  }

  bool WaitForReports(size_t n) {
    return Eventually([&] { return Reports().size() >= n; });
  }

  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  TopicRecorder recorder_;
  std::string config_path_;
  std::unique_ptr<ChildProcess> agent_;
};

TEST_F(AgentBrokerTest, AnnouncesItselfRetained) {
  std::optional<v1::NodeStatus> status;
  ASSERT_TRUE(Eventually([&] {
    status = recorder_.GetStatus("gamma");
    return status.has_value();
  })) << agent_->Log();
  EXPECT_EQ(status->state(), v1::NodeStatus::ONLINE);
  EXPECT_EQ(status->identity().factory_name(), "Gamma Cells");
  EXPECT_EQ(status->agent_version(), "0.1.0");
  EXPECT_EQ(status->config_hash(), Fnv1a64Hex(*ReadFileToString(config_path_)));
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok());
  EXPECT_EQ(status->catalogue_version(), catalogue->version());

  // A subscriber that arrives later still learns the node is online.
  TopicRecorder late;
  ASSERT_TRUE(late.Start(broker_->uri(), "ftel/v1/node/+/+/status").ok());
  EXPECT_TRUE(Eventually([&] {
    auto seen = late.GetStatus("gamma");
    return seen.has_value() && seen->state() == v1::NodeStatus::ONLINE;
  }));
}

TEST_F(AgentBrokerTest, PublishesContiguousWindowsWithItsConfiguredValues) {
  ASSERT_TRUE(WaitForReports(4)) << agent_->Log();
  const std::vector<v1::Report> reports = Reports();
  const std::optional<v1::NodeStatus> status = recorder_.GetStatus("gamma");
  ASSERT_TRUE(status.has_value());
  for (size_t i = 0; i < reports.size(); ++i) {
    const v1::Report& r = reports[i];
    EXPECT_EQ(r.schema_version(), 1u);
    EXPECT_EQ(r.identity().factory_id(), "gamma");
    EXPECT_EQ(r.session_id(), status->session_id());
    EXPECT_EQ(r.sequence(), i + 1);
    EXPECT_EQ(r.window_end_ms() - r.window_start_ms(), 200);
    if (i > 0) {
      EXPECT_EQ(r.window_start_ms(), reports[i - 1].window_end_ms());
    }
    ASSERT_EQ(r.scenarios_size(), 2);
    EXPECT_EQ(r.scenarios(0).catalogue_id(), "PO-05");
    EXPECT_EQ(r.scenarios(0).link(), "PO");
    EXPECT_EQ(r.scenarios(0).evidence().inference_count(), 42u);
    EXPECT_EQ(r.scenarios(0).evidence().model_ids(0), "vision-v1");
    EXPECT_FALSE(r.scenarios(1).ai_declared());
    EXPECT_EQ(r.inventory().ai_capable_terminals(), 1u);
    ASSERT_EQ(r.work_units_size(), 1);
    EXPECT_DOUBLE_EQ(r.work_units(0).actual_production_time_s(), 0.054);
    EXPECT_EQ(r.work_units(0).good_quantity(), 24u);
  }
}

TEST_F(AgentBrokerTest, KilledAgentLeavesItsWillAndResumesItsSequenceAfterRestart) {
  ASSERT_TRUE(WaitForReports(2)) << agent_->Log();
  const uint64_t session = recorder_.GetStatus("gamma")->session_id();
  agent_->Signal(SIGKILL);
  ASSERT_TRUE(agent_->WaitForExit(absl::Seconds(5)).has_value());
  std::optional<v1::NodeStatus> will;
  ASSERT_TRUE(Eventually([&] {
    will = recorder_.GetStatus("gamma");
    return will.has_value() && will->state() == v1::NodeStatus::OFFLINE;
  }));
  EXPECT_TRUE(will->is_last_will());
  EXPECT_EQ(will->session_id(), session);
  const size_t before_restart = Reports().size();
  const uint64_t last_sequence = Reports().back().sequence();

  agent_ = StartAgent();
  ASSERT_TRUE(Eventually([&] { return Reports().size() >= before_restart + 3; })) << agent_->Log();
  std::optional<v1::NodeStatus> again = recorder_.GetStatus("gamma");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->state(), v1::NodeStatus::ONLINE);
  EXPECT_EQ(again->session_id(), session) << "the session lives in the state directory";
  // The new process goes on from the spool: no sequence number is reused for
  // new data, and none is skipped.
  const std::vector<v1::Report> reports = Reports();
  std::set<uint64_t> seen;
  for (const v1::Report& report : reports) {
    seen.insert(report.sequence());
    if (report.sequence() > last_sequence && !report.is_historical()) {
      EXPECT_EQ(report.session_id(), session);
    }
  }
  EXPECT_EQ(seen.size(), *seen.rbegin()) << "sequences 1..n without a gap";
  EXPECT_GT(*seen.rbegin(), last_sequence);
}

}  // namespace
}  // namespace ftel

namespace ftel {
namespace {

// `ftelctl agent-health`, as a container HEALTHCHECK runs it, against a real
// running agent: healthy while it runs; a missing health file is not.
TEST_F(AgentBrokerTest, AgentHealthSaysARunningAgentIsHealthy) {
  auto check = [&](std::string* output) {
    auto probe =
        ChildProcess::Start(ProgramCommand(FTEL_FTELCTL_BIN, {"agent-health", config_path_}),
                            dir_.path() + "/health-check.log");
    EXPECT_TRUE(probe.ok()) << probe.status();
    const std::optional<int> code = (*probe)->WaitForExit(absl::Seconds(30));
    *output = (*probe)->Log();
    return code.value_or(-1);
  };
  std::string output;
  ASSERT_TRUE(Eventually([&] { return check(&output) == 0; })) << output;
  EXPECT_NE(output.find("healthy: written"), std::string::npos) << output;
  EXPECT_NE(output.find("broker connected"), std::string::npos) << output;
  agent_->Signal(SIGKILL);
  ASSERT_TRUE(agent_->WaitForExit(absl::Seconds(10)).has_value());
  std::remove((dir_.path() + "/spool/health").c_str());
  EXPECT_EQ(check(&output), 1);
  EXPECT_NE(output.find("unhealthy"), std::string::npos) << output;
}

}  // namespace
}  // namespace ftel
