#include "agent/sampler.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/test_agent_config.h"

namespace ftel {
namespace {

constexpr char kConfig[] = R"(broker: {uri: 'tcp://127.0.0.1:1883'}
identity: {factory_id: f1, node_id: n1, sector: electronics, region: jiangsu}
catalogue_path: CATALOGUE
sources:
  - name: fixed
    type: static
    fixed:
      inference_counts: {PM-01: 5}
      work_units:
        - {work_unit_id: line-1, planned_busy_time_s: 10, actual_production_time_s: 8, planned_run_time_per_unit_s: 2, produced_quantity: 4, good_quantity: 3}
  - name: sim
    type: simulated
    simulated: {seed: 7, ai_activity: 0.5, mean_inferences: 100}
scenarios:
  - {id: PM-01, built: true, ai_declared: true, evidence_source: fixed, model_ids: [m1]}
  - {id: PM-02, built: true}
  - {id: x-custom, custom: true, link: PO, built: true, ai_declared: true, evidence_source: sim}
work_units:
  - {id: line-1, source: fixed}
  - {id: line-2, source: sim}
inventory: {terminals: 10, ai_capable_terminals: 2}
)";

TEST(Sampler, ReportCarriesConfigAndStaticValues) {
  TempDir dir;
  const LoadedAgentConfig loaded = LoadTestAgentConfig(dir, kConfig);
  auto sampler = Sampler::Create(loaded);
  ASSERT_TRUE(sampler.ok()) << sampler.status();
  const v1::Report report = (*sampler)->Sample(ReportWindow{1000, 11000, 3}, 99);
  EXPECT_EQ(report.schema_version(), 1u);
  EXPECT_EQ(report.identity().region(), "jiangsu");
  EXPECT_EQ(report.session_id(), 99u);
  EXPECT_EQ(report.sequence(), 3u);
  EXPECT_EQ(report.window_start_ms(), 1000);
  EXPECT_EQ(report.window_end_ms(), 11000);
  EXPECT_FALSE(report.is_historical());
  ASSERT_EQ(report.scenarios_size(), 3);
  EXPECT_EQ(report.scenarios(0).catalogue_id(), "PM-01");
  EXPECT_EQ(report.scenarios(0).link(), "PM");  // from the catalogue
  EXPECT_EQ(report.scenarios(0).evidence().inference_count(), 5u);
  EXPECT_EQ(report.scenarios(0).evidence().model_ids(0), "m1");
  EXPECT_EQ(report.scenarios(1).evidence().inference_count(), 0u);
  EXPECT_EQ(report.scenarios(2).custom_id(), "x-custom");
  EXPECT_EQ(report.scenarios(2).link(), "PO");
  EXPECT_EQ(report.inventory().terminals(), 10u);
  ASSERT_EQ(report.work_units_size(), 2);
  EXPECT_EQ(report.work_units(0).work_unit_id(), "line-1");
  EXPECT_EQ(report.work_units(0).good_quantity(), 3u);
  EXPECT_EQ(report.work_units(1).work_unit_id(), "line-2");
  EXPECT_DOUBLE_EQ(report.work_units(1).planned_busy_time_s(), 10.0);
}

TEST(Sampler, SimulatedValuesAreReproducibleAndPlausible) {
  TempDir dir;
  const LoadedAgentConfig loaded = LoadTestAgentConfig(dir, kConfig);
  auto first = Sampler::Create(loaded);
  auto second = Sampler::Create(loaded);
  ASSERT_TRUE(first.ok() && second.ok());
  int active = 0;
  constexpr int kWindows = 400;
  for (int seq = 1; seq <= kWindows; ++seq) {
    const ReportWindow window{seq * 10000LL, (seq + 1) * 10000LL, static_cast<uint64_t>(seq)};
    const v1::Report a = (*first)->Sample(window, 1);
    const v1::Report b = (*second)->Sample(window, 1);
    EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString()) << "window " << seq;
    active += a.scenarios(2).evidence().inference_count() > 0;
    const v1::WorkUnitElements& unit = a.work_units(1);
    EXPECT_LE(unit.actual_production_time_s(), unit.planned_busy_time_s());
    EXPECT_LE(unit.good_quantity(), unit.produced_quantity());
    EXPECT_EQ(unit.scrap_quantity() + unit.rework_quantity() + unit.good_quantity(),
              unit.produced_quantity());
  }
  // ai_activity 0.5: about half the windows show inferences.
  EXPECT_GT(active, kWindows * 0.4);
  EXPECT_LT(active, kWindows * 0.6);
}

TEST(Sampler, DifferentSeedsGiveDifferentValues) {
  TempDir dir;
  std::string other_seed = kConfig;
  other_seed.replace(other_seed.find("seed: 7"), 7, "seed: 8");
  auto a = Sampler::Create(LoadTestAgentConfig(dir, kConfig));
  auto b = Sampler::Create(LoadTestAgentConfig(dir, other_seed));
  ASSERT_TRUE(a.ok() && b.ok());
  int differing = 0;
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    const ReportWindow window{0, 10000, seq};
    differing += (*a)->Sample(window, 1).work_units(1).produced_quantity() !=
                 (*b)->Sample(window, 1).work_units(1).produced_quantity();
  }
  EXPECT_GT(differing, 5);
}

TEST(CheckReportFitsSpool, AcceptsASmallReportAndNamesTheKeyForABigOne) {
  TempDir dir;
  const LoadedAgentConfig small = LoadTestAgentConfig(dir, kConfig);
  auto sampler = Sampler::Create(small);
  ASSERT_TRUE(sampler.ok()) << sampler.status();
  EXPECT_TRUE(CheckReportFitsSpool(small, **sampler).ok());

  // 40 work units with long ids make a report of about 6 KB; the smallest
  // segment (4096 bytes) cannot hold it.
  std::string big = std::string(kConfig) + "spool: {segment_bytes: 4096, max_bytes: 65536}\n";
  std::string units =
      "work_units:\n  - {id: line-1, source: fixed}\n  - {id: line-2, source: sim}\n";
  for (int u = 0; u < 40; ++u) {
    units += absl::StrCat("  - {id: ", std::string(60, 'w'), "-", u, ", source: sim}\n");
  }
  const size_t from = big.find("\nwork_units:\n") + 1;  // the top-level list
  big.replace(from, big.find("inventory:") - from, units);
  TempDir big_dir;
  const LoadedAgentConfig loaded = LoadTestAgentConfig(big_dir, big);
  auto big_sampler = Sampler::Create(loaded);
  ASSERT_TRUE(big_sampler.ok()) << big_sampler.status();
  const absl::Status fits = CheckReportFitsSpool(loaded, **big_sampler);
  EXPECT_EQ(fits.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(fits.message()),
              ::testing::StartsWith(loaded.path + ": spool.segment_bytes: must hold one report"));
  EXPECT_THAT(std::string(fits.message()), ::testing::EndsWith("got 4096"));
}

}  // namespace
}  // namespace ftel
