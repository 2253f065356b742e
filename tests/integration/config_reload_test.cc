// Config reload on SIGHUP, with the real programs: a valid changed config
// takes effect without a restart, and nothing is lost or counted twice
// across it; a config with problems, or one changing what needs a restart,
// is refused with the problems logged while the old config keeps running.
#include <signal.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "tests/integration/fault_fixture.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

class ConfigReloadTest : public FaultInjectionTest {
 public:
  // The agent's config as StartAgent writes it, with `replacements`.
  void RewriteAgentConfig(const std::string& scenarios,
                          const std::vector<std::pair<std::string, std::string>>& replacements) {
    std::string text = Fill(kAgentConfig, scenarios, "fsync: ALWAYS");
    text = absl::StrReplaceAll(text, replacements);
    dir_.WriteFile("agent.yaml", text);
  }

  bool AggregatorLogged(const std::string& text) {
    return Eventually([&] { return absl::StrContains(aggregator_->Log(), text); });
  }

  // Messages the recorder saw on `topic` so far.
  int Seen(const std::string& topic) {
    int count = 0;
    for (const MqttMessage& message : recorder_->All()) count += message.topic == topic ? 1 : 0;
    return count;
  }

  bool Running(ChildProcess& process) {
    return !process.WaitForExit(absl::ZeroDuration()).has_value();
  }
};

constexpr char kTwoPlainScenarios[] =
    "  - {id: PM-01, built: true}\n  - {id: PM-02, built: true}\n";
constexpr char kThreeScenarios[] =
    "  - {id: PM-01, built: true}\n  - {id: PM-02, built: true}\n  - {id: PM-03, built: true}\n";

TEST_F(ConfigReloadTest, AgentReloadsAValidConfigAndRefusesABadOne) {
  StartAllAndWaitForReports();
  agent_->Signal(SIGHUP);  // the same file: nothing to do
  ASSERT_TRUE(AgentLogged("is unchanged; nothing to reload")) << agent_->Log();
  auto before = Factory();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->declared().denominator(), 2);

  // A third built scenario: it takes effect in the same process, with the
  // unchanged static source kept running.
  RewriteAgentConfig(kThreeScenarios, {});
  agent_->Signal(SIGHUP);
  ASSERT_TRUE(AgentLogged("config reloaded from")) << agent_->Log();
  EXPECT_THAT(agent_->Log(), HasSubstr("1 sources (1 kept running), reporting every 100 ms"));
  ASSERT_TRUE(Eventually([&] {
    auto factory = Factory();
    return factory.has_value() && factory->declared().denominator() == 3;
  })) << Logs();
  // Longer windows: the source, which scales to the window, starts anew.
  RewriteAgentConfig(kThreeScenarios, {{"publish_interval_ms: 100", "publish_interval_ms: 200"}});
  agent_->Signal(SIGHUP);
  ASSERT_TRUE(AgentLogged("reporting every 200 ms")) << agent_->Log();
  EXPECT_THAT(agent_->Log(), HasSubstr("1 sources (0 kept running), reporting every 200 ms"));

  // Problems: refused, each one named, and the reloaded config keeps running.
  RewriteAgentConfig(kTwoPlainScenarios, {{"publish_interval_ms: 100", "publish_interval_ms: 200"},
                                          {"scenarios:\n", "no_such_key: 1\nscenarios:\n"}});
  agent_->Signal(SIGHUP);
  ASSERT_TRUE(AgentLogged("config reload refused, still running the previous config"))
      << agent_->Log();
  EXPECT_THAT(agent_->Log(), HasSubstr("no_such_key"));
  // What only a restart can change: refused, naming the key.
  RewriteAgentConfig(kTwoPlainScenarios, {{"publish_interval_ms: 100", "publish_interval_ms: 200"},
                                          {"reconnect_max_ms: 400", "reconnect_max_ms: 500"}});
  agent_->Signal(SIGHUP);
  ASSERT_TRUE(AgentLogged("broker: change only with a restart")) << agent_->Log();

  const uint64_t counted = Factory()->reports();
  ASSERT_TRUE(WaitForReports(counted + 5).has_value()) << Logs();
  EXPECT_EQ(Factory()->declared().denominator(), 3) << "a refused config took effect";
  EXPECT_TRUE(Running(*agent_));
  std::optional<v1::FactorySummary> factory = StopAgentAndCountExactly("agent config reload");
  ASSERT_TRUE(factory.has_value());
  EXPECT_EQ(factory->duplicates(), 0);
  // One process all along: one start line.
  EXPECT_EQ(CountLinesWith(agent_->Log(), "ftel-agent " FTEL_VERSION " factory"), 1);
}

TEST_F(ConfigReloadTest, AggregatorReloadsAValidConfigAndRefusesABadOne) {
  StartAllAndWaitForReports();
  const std::string binary = "ftel/v1/rates-pb/factory/delta";
  ASSERT_TRUE(Eventually([&] { return Seen(binary) > 0; }));
  aggregator_->Signal(SIGHUP);  // the same file: nothing to do
  ASSERT_TRUE(AggregatorLogged("is unchanged; nothing to reload")) << aggregator_->Log();
  EXPECT_THAT(aggregator_->Log(), ::testing::Not(HasSubstr("config reloaded")));

  // JSON only from now on: the protobuf results stop, the JSON ones go on.
  dir_.WriteFile("aggregator.yaml", Fill(kAggregatorConfig, "", "") + "outputs: JSON_ONLY\n");
  aggregator_->Signal(SIGHUP);
  ASSERT_TRUE(AggregatorLogged("config reloaded: restored 1 nodes")) << aggregator_->Log();
  const uint64_t at_reload = Factory()->reports();
  ASSERT_TRUE(WaitForReports(at_reload + 5).has_value()) << Logs();
  const int binary_after = Seen(binary);
  ASSERT_TRUE(WaitForReports(at_reload + 10).has_value()) << Logs();
  EXPECT_EQ(Seen(binary), binary_after) << "protobuf results after the reload to JSON_ONLY";

  // Problems, and a key that needs a restart: refused, still running.
  dir_.WriteFile("aggregator.yaml",
                 Fill(kAggregatorConfig, "", "") + "outputs: JSON_ONLY\nstale_after_s: nope\n");
  aggregator_->Signal(SIGHUP);
  ASSERT_TRUE(AggregatorLogged("config reload refused, still running the previous config"))
      << aggregator_->Log();
  EXPECT_THAT(aggregator_->Log(), HasSubstr("stale_after_s"));
  dir_.WriteFile("aggregator.yaml",
                 absl::StrReplaceAll(Fill(kAggregatorConfig, "", "") + "outputs: JSON_ONLY\n",
                                     {{"aggregator.db", "elsewhere.db"}}));
  aggregator_->Signal(SIGHUP);
  ASSERT_TRUE(AggregatorLogged("state_file: change only with a restart")) << aggregator_->Log();

  const uint64_t counted = Factory()->reports();
  ASSERT_TRUE(WaitForReports(counted + 5).has_value()) << Logs();
  EXPECT_EQ(Seen(binary), binary_after) << "a refused config took effect";
  EXPECT_TRUE(Running(*aggregator_));
  std::optional<v1::FactorySummary> factory = StopAgentAndCountExactly("aggregator config reload");
  ASSERT_TRUE(factory.has_value());
  EXPECT_EQ(factory->duplicates(), 0);
}

// Reloads in a burst, each a real change, on both programs while reports
// stream: every report is still counted once.
TEST_F(ConfigReloadTest, ABurstOfReloadsLosesNothing) {
  StartAllAndWaitForReports();
  const std::string aggregator_config = Fill(kAggregatorConfig, "", "");
  for (int i = 0; i < 10; ++i) {
    RewriteAgentConfig(i % 2 == 0 ? kThreeScenarios : kTwoPlainScenarios, {});
    agent_->Signal(SIGHUP);
    dir_.WriteFile("aggregator.yaml", aggregator_config + (i % 2 == 0 ? "outputs: JSON_ONLY\n"
                                                                      : "stale_after_s: 90\n"));
    aggregator_->Signal(SIGHUP);
    absl::SleepFor(absl::Milliseconds(300));
  }
  // The agent applies one per window; the aggregator takes the SIGHUPs that
  // came while it was saving and reconnecting as one.
  ASSERT_TRUE(AgentLogged("config reloaded from", absl::Seconds(10), 5)) << agent_->Log();
  EXPECT_GE(CountLinesWith(aggregator_->Log(), "config reloaded: restored"), 1) << Logs();
  EXPECT_TRUE(Running(*agent_));
  EXPECT_TRUE(Running(*aggregator_));
  std::optional<v1::FactorySummary> factory = StopAgentAndCountExactly("a burst of reloads");
  ASSERT_TRUE(factory.has_value());
  EXPECT_EQ(factory->duplicates(), 0);
}

}  // namespace
}  // namespace ftel
