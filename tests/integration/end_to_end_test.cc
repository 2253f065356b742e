// The whole path with real parts: mosquitto on a free loopback port, the
// aggregator and two agents as real processes, and a Paho subscriber reading
// the retained results. Expected numbers are computed by hand from the two
// static configs below.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <mutex>

#include "absl/strings/str_replace.h"
#include "ftel/v1/commit.pb.h"
#include "ftel/v1/status.pb.h"
#include "ftel/v1/summary.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/schema/proto_json.h"
#include "tests/integration/two_factory_fleet.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/http_get.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

constexpr char kAggregatorConfig[] = R"(broker: {uri: 'URI', client_id: test-aggregator}
catalogue_path: CATALOGUE
publish_min_interval_ms: 100
state_file: aggregator.db
http_listen: 127.0.0.1:HTTP_PORT
history_every_s: 1
)";

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = BrokerProcess::Start(dir_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    ASSERT_TRUE(observer_.Start(broker_->uri()).ok());
    aggregator_ = StartProgram(FTEL_AGGREGATOR_BIN, "aggregator", kAggregatorConfig);
    alpha_ = StartProgram(FTEL_AGENT_BIN, "alpha", kAlphaConfig);
    beta_ = StartProgram(FTEL_AGENT_BIN, "beta", kBetaConfig);
  }

  std::string WriteConfig(const std::string& name, const std::string& text) {
    return dir_.WriteFile(
        name + ".yaml",
        absl::StrReplaceAll(text, {{"URI", broker_->uri()},
                                   {"HTTP_PORT", std::to_string(http_port_)},
                                   {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}}));
  }

  std::unique_ptr<ChildProcess> StartProgram(const char* binary, const std::string& name,
                                             const std::string& config) {
    auto process =
        ChildProcess::Start(ProgramCommand(binary, {"--config", WriteConfig(name, config)}),
                            dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  // Waits until the fleet result covers both agents with at least two windows each.
  std::optional<v1::GroupSummary> WaitForFullFleet() {
    std::optional<v1::GroupSummary> fleet;
    Eventually([&] {
      fleet = observer_.GetJson<v1::GroupSummary>("ftel/v1/rates/fleet");
      return fleet.has_value() && fleet->factories() == 2 && fleet->factories_online() == 2 &&
             fleet->declared().pooled().denominator() == 9 && fleet->production().windows() >= 4;
    });
    return fleet;
  }

  std::string Logs() {
    return "aggregator:\n" + aggregator_->Log() + "\nalpha:\n" + alpha_->Log() + "\nbeta:\n" +
           beta_->Log();
  }

  TempDir dir_;
  const int http_port_ = FreeLoopbackPort();
  std::unique_ptr<BrokerProcess> broker_;
  TopicRecorder observer_;
  std::unique_ptr<ChildProcess> aggregator_;
  std::unique_ptr<ChildProcess> alpha_;
  std::unique_ptr<ChildProcess> beta_;
};

TEST_F(EndToEndTest, FactoryRatesEqualHandComputedNumbers) {
  ASSERT_TRUE(WaitForFullFleet().has_value()) << Logs();
  auto alpha = observer_.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/alpha");
  auto beta = observer_.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/beta");
  ASSERT_TRUE(alpha.has_value() && beta.has_value());

  EXPECT_EQ(alpha->factory_name(), "Alpha Works");
  EXPECT_EQ(alpha->sector(), "electronics");
  EXPECT_TRUE(alpha->online());
  EXPECT_DOUBLE_EQ(alpha->declared().numerator(), 3);
  EXPECT_DOUBLE_EQ(alpha->declared().denominator(), 5);
  EXPECT_DOUBLE_EQ(alpha->declared().percent(), 60);
  EXPECT_DOUBLE_EQ(alpha->observed().percent(), 40);
  EXPECT_EQ(alpha->custom_built(), 1u);
  EXPECT_EQ(alpha->custom_ai_observed(), 1u);
  EXPECT_DOUBLE_EQ(alpha->terminals().percent(), 40);
  EXPECT_DOUBLE_EQ(alpha->key_equipment().percent(), 25);
  EXPECT_EQ(alpha->vertical_models(), 3u);
  EXPECT_EQ(alpha->industrial_agents(), 1u);
  EXPECT_EQ(alpha->industrial_software(), 5u);
  // Pooled over two work units and every window: A = 130/200, E = (0.5*120 +
  // 1*40)/130, Q = 154/160, OEE = 100/200 * 154/160.
  const v1::ProductionKpis& p = alpha->production();
  EXPECT_NEAR(p.availability().percent(), 65, 1e-9);
  EXPECT_NEAR(p.effectiveness().percent(), 100.0 * 100 / 130, 1e-9);
  EXPECT_NEAR(p.quality().percent(), 96.25, 1e-9);
  EXPECT_NEAR(p.oee_percent(), 48.125, 1e-9);
  EXPECT_NEAR(p.first_pass_yield().percent(), 100.0 * 110 / 120, 1e-9);
  EXPECT_NEAR(p.mtbf_s(), 0.04, 1e-9);
  EXPECT_NEAR(p.mttr_s(), 0.01, 1e-9);
  EXPECT_NEAR(p.energy_kwh_per_unit(), 20.0 / 160, 1e-9);
  EXPECT_EQ(alpha->duplicates(), 0u);

  EXPECT_DOUBLE_EQ(beta->declared().percent(), 25);
  EXPECT_DOUBLE_EQ(beta->observed().percent(), 25);
  EXPECT_DOUBLE_EQ(beta->terminals().percent(), 10);
  EXPECT_DOUBLE_EQ(beta->key_equipment().percent(), 50);
  EXPECT_NEAR(beta->production().oee_percent(), 70, 1e-9);  // 72/100 * 70/72
}

TEST_F(EndToEndTest, FleetAndGroupRatesPoolCounts) {
  std::optional<v1::GroupSummary> fleet = WaitForFullFleet();
  ASSERT_TRUE(fleet.has_value()) << Logs();
  // (3 + 1) / (5 + 4); averaging 60% and 25% would give 42.5%.
  EXPECT_DOUBLE_EQ(fleet->declared().pooled().numerator(), 4);
  EXPECT_NEAR(fleet->declared().pooled().percent(), 400.0 / 9, 1e-9);
  EXPECT_NEAR(fleet->observed().pooled().percent(), 300.0 / 9, 1e-9);
  EXPECT_DOUBLE_EQ(fleet->declared().distribution().min_percent(), 25);
  EXPECT_DOUBLE_EQ(fleet->declared().distribution().median_percent(), 42.5);
  EXPECT_DOUBLE_EQ(fleet->declared().distribution().max_percent(), 60);
  EXPECT_EQ(fleet->declared().marks().at_or_above_20(), 2u);
  EXPECT_EQ(fleet->declared().marks().at_or_above_60(), 1u);
  EXPECT_EQ(fleet->declared().marks().at_or_above_70(), 0u);
  EXPECT_DOUBLE_EQ(fleet->terminals().percent(), 100.0 * 7 / 40);
  EXPECT_DOUBLE_EQ(fleet->key_equipment().percent(), 40);
  EXPECT_EQ(fleet->vertical_models(), 4u);
  // The fleet sums both factories' elements over the windows each sent; the
  // three results are compared once they come from the same recompute.
  std::optional<v1::FactorySummary> alpha;
  std::optional<v1::FactorySummary> beta;
  std::optional<v1::GroupSummary> same_time_fleet;
  ASSERT_TRUE(Eventually([&] {
    alpha = observer_.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/alpha");
    beta = observer_.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/beta");
    same_time_fleet = observer_.GetJson<v1::GroupSummary>("ftel/v1/rates/fleet");
    return alpha.has_value() && beta.has_value() && same_time_fleet.has_value() &&
           alpha->computed_at_ms() == same_time_fleet->computed_at_ms() &&
           beta->computed_at_ms() == same_time_fleet->computed_at_ms();
  }));
  EXPECT_EQ(alpha->production().windows() + beta->production().windows(),
            same_time_fleet->production().windows());
  EXPECT_NEAR(same_time_fleet->production().oee_percent(),
              FleetOeePercent(alpha->production().windows(), beta->production().windows()), 1e-9);

  auto pm = observer_.GetJson<v1::GroupSummary>("ftel/v1/rates/link/PM");
  ASSERT_TRUE(pm.has_value());
  EXPECT_EQ(pm->factories(), 2u);
  EXPECT_DOUBLE_EQ(pm->declared().pooled().percent(), 60);  // (2 + 1) / (2 + 3)
  auto po = observer_.GetJson<v1::GroupSummary>("ftel/v1/rates/link/PO");
  ASSERT_TRUE(po.has_value());
  EXPECT_DOUBLE_EQ(po->declared().pooled().percent(), 25);  // (1 + 0) / (3 + 1)
  EXPECT_DOUBLE_EQ(po->declared().distribution().min_percent(), 0);
  auto sector = observer_.GetJson<v1::GroupSummary>("ftel/v1/rates/sector/electronics");
  ASSERT_TRUE(sector.has_value());
  EXPECT_EQ(sector->factories(), 1u);
  EXPECT_DOUBLE_EQ(sector->declared().pooled().percent(), 60);
  auto region = observer_.GetJson<v1::GroupSummary>("ftel/v1/rates/region/guangdong");
  ASSERT_TRUE(region.has_value());
  EXPECT_DOUBLE_EQ(region->declared().pooled().percent(), 25);
}

TEST_F(EndToEndTest, KilledAgentTurnsOfflineThroughItsLastWill) {
  ASSERT_TRUE(WaitForFullFleet().has_value()) << Logs();
  beta_->Signal(SIGKILL);
  ASSERT_TRUE(beta_->WaitForExit(absl::Seconds(5)).has_value());
  std::optional<v1::NodeStatus> will;
  ASSERT_TRUE(Eventually([&] {
    will = observer_.GetStatus("beta");
    return will.has_value() && will->state() == v1::NodeStatus::OFFLINE;
  })) << Logs();
  EXPECT_TRUE(will->is_last_will());
  EXPECT_TRUE(Eventually([&] {
    auto beta = observer_.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/beta");
    auto fleet = observer_.GetJson<v1::GroupSummary>("ftel/v1/rates/fleet");
    return beta.has_value() && !beta->online() && fleet.has_value() &&
           fleet->factories_online() == 1 && fleet->factories() == 2;
  })) << Logs();
}

TEST_F(EndToEndTest, StoppedAgentSaysOfflineItselfAndExitsCleanly) {
  ASSERT_TRUE(WaitForFullFleet().has_value()) << Logs();
  // The aggregator commits to the node as its reports come (under qemu, with
  // other tests running, that can start seconds after the first results):
  // a stop then drains the spool within its three seconds.
  auto committed_through = [&]() -> uint64_t {
    std::optional<std::string> payload = observer_.Get("ftel/v1/commit/alpha/edge-1");
    v1::NodeCommit commit;
    if (!payload.has_value() || !commit.ParseFromString(*payload) || commit.sessions().empty()) {
      return 0;
    }
    return commit.sessions(0).through_sequence();
  };
  ASSERT_TRUE(Eventually([&] { return committed_through() >= 5; })) << Logs();
  alpha_->Signal(SIGTERM);
  EXPECT_EQ(alpha_->WaitForExit(absl::Seconds(10)), std::optional<int>(0));
  std::optional<v1::NodeStatus> status = observer_.GetStatus("alpha");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->state(), v1::NodeStatus::OFFLINE);
  EXPECT_FALSE(status->is_last_will());
  EXPECT_THAT(alpha_->Log(), HasSubstr("0 failed, 0 left in the spool")) << Logs();
}

TEST_F(EndToEndTest, DecodePrintsEveryMessageAsJson) {
  ASSERT_TRUE(WaitForFullFleet().has_value()) << Logs();
  auto decode =
      ChildProcess::Start(ProgramCommand(FTEL_FTELCTL_BIN, {"decode", "--broker", broker_->uri(),
                                                            "--topic", "ftel/v1/node/alpha/+/+",
                                                            "--count", "3", "--timeout-s", "20"}),
                          dir_.path() + "/decode.log");
  ASSERT_TRUE(decode.ok());
  EXPECT_EQ((*decode)->WaitForExit(absl::Seconds(25)), std::optional<int>(0));
  const std::string out = (*decode)->Log();
  // The retained status comes first, then live reports.
  EXPECT_THAT(out, HasSubstr("{\"topic\":\"ftel/v1/node/alpha/edge-1/status\",\"retained\":true,"
                             "\"type\":\"ftel.v1.NodeStatus\",\"payload\":{"));
  EXPECT_THAT(out, HasSubstr("\"state\":\"ONLINE\""));
  EXPECT_THAT(out, HasSubstr("\"type\":\"ftel.v1.Report\""));
  EXPECT_THAT(out, HasSubstr("\"catalogue_id\":\"PO-05\""));

  // The aggregator's retained commit to the node decodes too.
  auto commit = ChildProcess::Start(
      ProgramCommand(FTEL_FTELCTL_BIN,
                     {"decode", "--broker", broker_->uri(), "--topic",
                      "ftel/v1/commit/alpha/edge-1", "--count", "1", "--timeout-s", "20"}),
      dir_.path() + "/decode-commit.log");
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ((*commit)->WaitForExit(absl::Seconds(25)), std::optional<int>(0));
  EXPECT_THAT((*commit)->Log(), HasSubstr("\"retained\":true,\"type\":\"ftel.v1.NodeCommit\","
                                          "\"payload\":{\"schema_version\":1"));
  EXPECT_THAT((*commit)->Log(), HasSubstr("\"through_sequence\":"));

  // The binary results decode to the same JSON schema.
  auto binary = ChildProcess::Start(
      ProgramCommand(FTEL_FTELCTL_BIN,
                     {"decode", "--broker", broker_->uri(), "--topic",
                      "ftel/v1/rates-pb/factory/alpha", "--count", "1", "--timeout-s", "20"}),
      dir_.path() + "/decode-pb.log");
  ASSERT_TRUE(binary.ok());
  EXPECT_EQ((*binary)->WaitForExit(absl::Seconds(25)), std::optional<int>(0));
  const std::string results = (*binary)->Log();
  EXPECT_THAT(results, HasSubstr("\"type\":\"ftel.v1.FactorySummary\",\"payload\":{"));
  EXPECT_THAT(results, HasSubstr("\"factory_id\":\"alpha\""));
  EXPECT_THAT(results,
              HasSubstr("\"declared\":{\"numerator\":3,\"denominator\":5,\"percent\":60}"));
}

TEST_F(EndToEndTest, MetricsAndHealthAreServedOverHttp) {
  ASSERT_TRUE(WaitForFullFleet().has_value()) << Logs();
  std::string metrics;
  ASSERT_TRUE(Eventually([&] {
    metrics = HttpGet(http_port_, "/metrics");
    return metrics.find("factory=\"beta\"") != std::string::npos;
  })) << metrics
      << Logs();
  EXPECT_THAT(metrics, HasSubstr("HTTP/1.0 200 OK"));
  EXPECT_THAT(metrics, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(
      metrics,
      HasSubstr(
          "ftel_factory_scenario_penetration_ratio{factory=\"alpha\",basis=\"declared\"} 0.6"));
  EXPECT_THAT(metrics, HasSubstr("ftel_aggregator_rejected_total{reason=\"undecodable\"} 0"));
  const std::string health = HttpGet(http_port_, "/healthz");
  EXPECT_THAT(health, HasSubstr("HTTP/1.0 200 OK"));
  EXPECT_THAT(health, HasSubstr("\"broker_connected\":true"));
  EXPECT_THAT(HttpGet(http_port_, "/nope"), HasSubstr("HTTP/1.0 404"));
  // Without its broker the aggregator is not healthy.
  broker_->Stop();
  EXPECT_TRUE(Eventually(
      [&] { return HttpGet(http_port_, "/healthz").find("HTTP/1.0 503") != std::string::npos; }));
}

TEST_F(EndToEndTest, HistoryIsStoredPublishedAndQueryable) {
  ASSERT_TRUE(WaitForFullFleet().has_value()) << Logs();
  // A point is taken every second here (history_every_s: 1); later ones
  // replace it within the same hour, so wait until it holds both factories.
  std::optional<v1::History> history;
  ASSERT_TRUE(Eventually([&] {
    history = observer_.GetJson<v1::History>("ftel/v1/history/fleet/all/hour");
    return history.has_value() && !history->points().empty() &&
           history->points().rbegin()->declared().denominator() == 9;
  })) << Logs();
  EXPECT_EQ(history->granularity(), "hour");
  const v1::HistoryPoint& point = *history->points().rbegin();
  EXPECT_EQ(point.bucket_start_ms() % 3600000, 0);
  EXPECT_NEAR(point.declared().percent(), 400.0 / 9, 1e-9);
  ASSERT_TRUE(observer_.GetJson<v1::History>("ftel/v1/history/sector/electronics/day").has_value());

  std::string out;
  int run = 0;
  EXPECT_TRUE(Eventually([&] {
    auto query = ChildProcess::Start(
        ProgramCommand(FTEL_FTELCTL_BIN, {"history", "--state-file", dir_.path() + "/aggregator.db",
                                          "--kind", "factory", "--key", "alpha"}),
        absl::StrCat(dir_.path(), "/history-", ++run, ".log"));
    if (!query.ok() || (*query)->WaitForExit(absl::Seconds(10)) != std::optional<int>(0)) {
      return false;
    }
    out = (*query)->Log();
    return out.find("\"declared\":{\"numerator\":3,\"denominator\":5,\"percent\":60}") !=
           std::string::npos;
  })) << out;
}

TEST(FtelctlValidateConfig, PrintsEveryProblemAndFails) {
  TempDir dir;
  const std::string path =
      dir.WriteFile("bad.yaml",
                    "broker: {uri: 'mqtt://x'}\nidentity: {factory_id: A, node_id: n}\n"
                    "publish_interval_ms: 1\n");
  auto run = ChildProcess::Start(ProgramCommand(FTEL_FTELCTL_BIN, {"validate-config", path}),
                                 dir.path() + "/out.log");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ((*run)->WaitForExit(absl::Seconds(10)), std::optional<int>(1));
  const std::string out = (*run)->Log();
  EXPECT_THAT(out, HasSubstr(path + ":1: broker.uri: must start with tcp:// or ssl://"));
  EXPECT_THAT(out, HasSubstr(path + ":2: identity.factory_id: must be 1 to 64 of [a-z0-9-]"));
  EXPECT_THAT(out, HasSubstr(path + ":3: publish_interval_ms: must be between 100"));
}

TEST(Ftelctl, UnknownOptionIsAUsageErrorNamingIt) {
  TempDir dir;
  auto run = ChildProcess::Start(
      ProgramCommand(FTEL_FTELCTL_BIN, {"history", "--granularty", "day", "--key", "x"}),
      dir.path() + "/out.log");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ((*run)->WaitForExit(absl::Seconds(10)), std::optional<int>(2));
  EXPECT_THAT((*run)->Log(), HasSubstr("ftelctl history: unknown option --granularty"));
}

TEST(FtelctlValidateConfig, AcceptsTheShippedDemoConfigs) {
  TempDir dir;
  for (const char* name :
       {"aggregator", "suzhou-electronics", "foshan-appliances", "tangshan-steel"}) {
    auto run = ChildProcess::Start(
        ProgramCommand(FTEL_FTELCTL_BIN,
                       {"validate-config", SourceConfigDir() + "/demo/" + name + ".yaml"}),
        dir.path() + "/" + name + ".log");
    ASSERT_TRUE(run.ok());
    EXPECT_EQ((*run)->WaitForExit(absl::Seconds(10)), std::optional<int>(0)) << (*run)->Log();
  }
}

}  // namespace
}  // namespace ftel
