#include "agent/config_reload.h"

#include <memory>
#include <string>

#include "absl/strings/str_replace.h"
#include "agent/sampler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/test_agent_config.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

constexpr char kConfig[] = R"(broker: {uri: 'tcp://127.0.0.1:1883'}
identity: {factory_id: f1, node_id: n1, sector: electronics, region: hubei}
catalogue_path: CATALOGUE
publish_interval_ms: 1000
sources:
  - {name: a, type: static, fixed: {work_units: [{work_unit_id: u1, produced_quantity: 1}]}}
  - {name: b, type: static, fixed: {work_units: [{work_unit_id: u2, produced_quantity: 2}]}}
scenarios:
  - {id: PM-01, built: true}
work_units:
  - {id: u1, source: a}
  - {id: u2, source: b}
)";

LoadedAgentConfig Load(const std::string& yaml) {
  TempDir dir;
  return LoadTestAgentConfig(dir, yaml);
}

TEST(CheckReloadable, NamesEachKeyThatNeedsARestart) {
  const LoadedAgentConfig running = Load(kConfig);
  EXPECT_TRUE(CheckReloadable(running, Load(absl::StrReplaceAll(kConfig, {{"produced_quantity: 2",
                                                                           "produced_quantity: 3"},
                                                                          {"1000", "2000"}})))
                  .ok());
  const absl::Status refused = CheckReloadable(
      running,
      Load(absl::StrReplaceAll(kConfig, {{"node_id: n1", "node_id: n2"}, {"1883", "1884"}})));
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("identity, broker: change only with a restart"));
}

TEST(SamplerTakeOver, TakesTheRunningSourcesThatDidNotChangeAndGivesThemBack) {
  const LoadedAgentConfig running = Load(kConfig);
  const LoadedAgentConfig next =
      Load(absl::StrReplaceAll(kConfig, {{"produced_quantity: 2", "produced_quantity: 3"}}));
  auto old_sampler = Sampler::Create(running);
  auto new_sampler = Sampler::Create(next);
  ASSERT_TRUE(old_sampler.ok() && new_sampler.ok());
  // Nothing runs yet: nothing to take over.
  EXPECT_EQ((*new_sampler)->TakeOverSources(**old_sampler), 0);
  ASSERT_TRUE((*old_sampler)->Start().ok());
  EXPECT_EQ((*new_sampler)->TakeOverSources(**old_sampler), 1);  // `a`; `b` changed
  EXPECT_EQ((*new_sampler)->TakeOverSources(**old_sampler), 0);  // taken already
  EXPECT_EQ((*old_sampler)->TakeOverSources(**new_sampler), 1);  // back
  (*old_sampler)->Stop();
  (*new_sampler)->Stop();
}

}  // namespace
}  // namespace ftel
