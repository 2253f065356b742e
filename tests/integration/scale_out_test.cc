// Scale-out: two aggregators in one shared-subscription group split the
// reports between them, exchange what they accepted, and each publishes the
// same fleet numbers a single aggregator does (the hand-computed ones).
#include <signal.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "ftel/v1/summary.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/two_factory_fleet.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

constexpr char kMemberConfig[] = R"(broker: {uri: 'URI', client_id: MEMBER}
catalogue_path: CATALOGUE
publish_min_interval_ms: 100
state_file: MEMBER.db
http_listen: 'off'
shared_group: rates
log_level: DEBUG
)";

// "N reports" from the last recompute line (a debug line, hence log_level
// above): the reports this member accepted from the broker itself (not from
// its peer).
uint64_t LocalReports(const std::string& log) {
  const size_t at = log.rfind(" reports, ");
  if (at == std::string::npos) return 0;
  const size_t start = log.rfind(' ', at - 1) + 1;
  uint64_t reports = 0;
  (void)absl::SimpleAtoi(log.substr(start, at - start), &reports);
  return reports;
}

TEST(ScaleOutTest, TwoAggregatorsOnASharedSubscriptionPublishTheSingleAggregatorNumbers) {
  TempDir dir;
  auto broker = BrokerProcess::Start(dir);
  ASSERT_TRUE(broker.ok()) << broker.status();
  auto fill = [&](const std::string& text, const std::string& member) {
    return absl::StrReplaceAll(text, {{"URI", (*broker)->uri()},
                                      {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"},
                                      {"MEMBER", member}});
  };
  std::vector<std::unique_ptr<ChildProcess>> members;
  for (const std::string member : {"agg-a", "agg-b"}) {
    const std::string config = dir.WriteFile(member + ".yaml", fill(kMemberConfig, member));
    auto process = ChildProcess::Start(ProgramCommand(FTEL_AGGREGATOR_BIN, {"--config", config}),
                                       dir.path() + "/" + member + ".log");
    ASSERT_TRUE(process.ok());
    members.push_back(*std::move(process));
    ASSERT_TRUE(Eventually([&] {
      return members.back()->Log().find("as member " + member + " of rates") != std::string::npos;
    })) << members.back()->Log();
  }
  TopicRecorder observer;
  ASSERT_TRUE(observer.Start((*broker)->uri()).ok());
  std::vector<std::unique_ptr<ChildProcess>> agents;
  for (const auto& [name, text] :
       {std::make_pair("alpha", kAlphaConfig), std::make_pair("beta", kBetaConfig)}) {
    const std::string config = dir.WriteFile(std::string(name) + ".yaml", fill(text, ""));
    auto process = ChildProcess::Start(ProgramCommand(FTEL_AGENT_BIN, {"--config", config}),
                                       dir.path() + "/" + name + ".log");
    ASSERT_TRUE(process.ok());
    agents.push_back(*std::move(process));
  }
  // Enough windows that both members get a share of them.
  std::optional<v1::GroupSummary> fleet;
  ASSERT_TRUE(Eventually([&] {
    fleet = observer.GetJson<v1::GroupSummary>("ftel/v1/rates/fleet");
    return fleet.has_value() && fleet->factories() == 2 &&
           fleet->declared().pooled().denominator() == 9 && fleet->production().windows() >= 20 &&
           LocalReports(members[0]->Log()) > 0 && LocalReports(members[1]->Log()) > 0;
  })) << members[0]->Log()
      << members[1]->Log();

  // Stop the agents, then compare what each member computed.
  for (auto& agent : agents) {
    agent->Signal(SIGTERM);
    ASSERT_EQ(agent->WaitForExit(absl::Seconds(10)), std::optional<int>(0));
  }
  absl::SleepFor(absl::Seconds(1));
  for (auto& member : members) {
    member->Signal(SIGTERM);
    ASSERT_EQ(member->WaitForExit(absl::Seconds(10)), std::optional<int>(0));
  }
  const uint64_t a = LocalReports(members[0]->Log());
  const uint64_t b = LocalReports(members[1]->Log());
  fleet = observer.GetJson<v1::GroupSummary>("ftel/v1/rates/fleet");
  ASSERT_TRUE(fleet.has_value());
  std::printf("[scale-out] member a accepted %llu reports, member b %llu; fleet windows %llu\n",
              static_cast<unsigned long long>(a), static_cast<unsigned long long>(b),
              static_cast<unsigned long long>(fleet->production().windows()));
  EXPECT_GT(a, 0u);
  EXPECT_GT(b, 0u);
  EXPECT_EQ(fleet->production().windows(), a + b) << "every window counted once, by one member";
  EXPECT_DOUBLE_EQ(fleet->declared().pooled().numerator(), 4);
  EXPECT_NEAR(fleet->declared().pooled().percent(), 400.0 / 9, 1e-9);
  EXPECT_NEAR(fleet->observed().pooled().percent(), 300.0 / 9, 1e-9);
  EXPECT_DOUBLE_EQ(fleet->terminals().percent(), 100.0 * 7 / 40);
  auto alpha = observer.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/alpha");
  auto beta = observer.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/beta");
  ASSERT_TRUE(alpha.has_value() && beta.has_value());
  EXPECT_NEAR(alpha->production().oee_percent(), 48.125, 1e-9);
  EXPECT_EQ(alpha->production().windows() + beta->production().windows(), a + b);
  EXPECT_NEAR(fleet->production().oee_percent(),
              FleetOeePercent(alpha->production().windows(), beta->production().windows()), 1e-9);
}

}  // namespace
}  // namespace ftel
