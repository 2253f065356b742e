// The synthetic fleets the benchmarks and ftel-loadgen use (bench/synthetic):
// the MIIT pyramid's proportions, each level's coverage floor, the same
// fleet from the same seed, and reports the aggregator accepts at any window
// length and split over any number of nodes.
#include "bench/synthetic/synthetic_fleet.h"

#include <array>
#include <set>

#include "aggregator/input/input_validator.h"
#include "bench/synthetic/report_builder.h"
#include "bench/synthetic/typical_report.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr int64_t kNow = 1800000000000;

const ScenarioCatalogue& Catalogue() {
  static const ScenarioCatalogue* catalogue = new ScenarioCatalogue(
      *ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv"));
  return *catalogue;
}

ReportStamp Stamp(const std::string& node_id, uint64_t session, uint64_t sequence) {
  ReportStamp stamp;
  stamp.node_id = node_id;
  stamp.session_id = session;
  stamp.sequence = sequence;
  stamp.window_start_ms = kNow - 10000;
  stamp.window_end_ms = kNow;
  return stamp;
}

std::vector<SyntheticFactory> Pyramid(int factories, uint64_t seed = 1) {
  FleetDraw draw;
  draw.factories = factories;
  draw.seed = seed;
  draw.pyramid = true;
  return DrawFleet(Catalogue(), draw);
}

TEST(MiitLevelQuotas, TheWholePyramidIsTheMinistrysCounts) {
  EXPECT_EQ(MiitLevelQuotas(kMiitPyramidTotal), (std::array<int, 4>{35000, 8200, 500, 15}));
}

TEST(MiitLevelQuotas, ASmallFleetHasItsSizeAndEveryLevel) {
  for (int factories : {4, 5, 17, 300, 1000, 10000}) {
    const std::array<int, 4> quotas = MiitLevelQuotas(factories);
    EXPECT_EQ(quotas[0] + quotas[1] + quotas[2] + quotas[3], factories) << factories;
    for (int q : quotas) EXPECT_GE(q, 1) << factories;
    EXPECT_GE(quotas[0], quotas[1]) << factories;
  }
  EXPECT_EQ(MiitLevelQuotas(300), (std::array<int, 4>{239, 56, 4, 1}));
  EXPECT_EQ(MiitLevelQuotas(2), (std::array<int, 4>{2, 0, 0, 0}));
}

TEST(SyntheticFleet, EveryLevelMeetsItsFloor) {
  std::array<int, 4> seen{};
  for (const SyntheticFactory& f : Pyramid(3000)) {
    ASSERT_TRUE(f.level.has_value());
    ++seen[static_cast<int>(*f.level)];
    const int built = f.profile.built();
    const int declared = f.profile.declared();
    ASSERT_GT(built, 0);
    switch (*f.level) {
      case MiitLevel::kLeading:
        EXPECT_GT(declared * 100, 70 * built) << f.profile.factory_id;
        EXPECT_EQ(f.profile.evidenced(), declared) << f.profile.factory_id;
        break;
      case MiitLevel::kExcellent:
        EXPECT_GE(declared * 100, 20 * built) << f.profile.factory_id;
        break;
      case MiitLevel::kAdvanced:
      case MiitLevel::kBasic:
        EXPECT_LT(declared * 100, 60 * built) << f.profile.factory_id;
        break;
    }
    EXPECT_LE(f.profile.evidenced(), declared);
  }
  EXPECT_EQ(seen, MiitLevelQuotas(3000));
}

TEST(SyntheticFleet, TheSameSeedDrawsTheSameFleet) {
  const std::vector<SyntheticFactory> a = Pyramid(200, 5);
  const std::vector<SyntheticFactory> b = Pyramid(200, 5);
  const std::vector<SyntheticFactory> c = Pyramid(200, 6);
  const ReportStamp stamp = Stamp("edge-1", 1, 1);
  int differ_from_c = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    v1::Report ra, rb, rc;
    BuildReport(a[i].profile, stamp, &ra);
    BuildReport(b[i].profile, stamp, &rb);
    BuildReport(c[i].profile, stamp, &rc);
    EXPECT_EQ(a[i].level, b[i].level);
    EXPECT_EQ(ra.SerializeAsString(), rb.SerializeAsString());
    differ_from_c += ra.SerializeAsString() != rc.SerializeAsString();
  }
  EXPECT_GT(differ_from_c, 150);
}

TEST(SyntheticFleet, SectorsAndRegionsAreSpread) {
  std::set<std::string> sectors, regions;
  for (const SyntheticFactory& f : Pyramid(2000)) {
    sectors.insert(f.profile.sector);
    regions.insert(f.profile.region);
  }
  EXPECT_EQ(sectors.size(), 8u);
  EXPECT_GE(regions.size(), 28u);
}

// What the aggregator's validator says of every factory's report, for
// windows from the agent's shortest interval to an hour, on 1 to 3 nodes.
TEST(SyntheticReports, PassTheAggregatorsValidation) {
  const InputValidator validator("ftel", &Catalogue(), ValidationLimits{});
  std::vector<SyntheticFactory> fleet = Pyramid(400);
  FleetDraw typical;
  typical.factories = 3;
  for (SyntheticFactory& f : DrawFleet(Catalogue(), typical)) fleet.push_back(std::move(f));
  v1::Report report;
  for (int64_t window_ms : {100, 1000, 10000, 3600000}) {
    for (int nodes : {1, 3}) {
      for (const SyntheticFactory& f : fleet) {
        for (int node = 0; node < nodes; ++node) {
          ReportStamp stamp;
          stamp.node_id = absl::StrCat("edge-", node + 1);
          stamp.session_id = 42;
          stamp.sequence = 7;
          stamp.window_start_ms = kNow - window_ms;
          stamp.window_end_ms = kNow;
          stamp.node = node;
          stamp.nodes = nodes;
          BuildReport(f.profile, stamp, &report);
          const MqttMessage message{
              absl::StrCat("ftel/v1/node/", f.profile.factory_id, "/", stamp.node_id, "/report"),
              report.SerializeAsString(), 1, false};
          ValidationResult result;
          validator.Validate(message, kNow, &result);
          ASSERT_EQ(result.kind, ValidationResult::Kind::kReport)
              << f.profile.factory_id << " window " << window_ms << " ms, node " << node << " of "
              << nodes << ": " << result.detail;
        }
      }
    }
  }
}

TEST(SyntheticReports, AFactorysNodesTogetherReportItsProfile) {
  const std::vector<SyntheticFactory> fleet = Pyramid(50);
  const FactoryProfile& profile = fleet[7].profile;
  constexpr int kNodes = 3;
  std::set<std::string> scenarios;
  int declared = 0;
  uint32_t terminals = 0, ai_terminals = 0;
  int units = 0;
  for (int node = 0; node < kNodes; ++node) {
    ReportStamp stamp = Stamp(absl::StrCat("edge-", node + 1), 9, 1);
    stamp.node = node;
    stamp.nodes = kNodes;
    v1::Report report;
    BuildReport(profile, stamp, &report);
    for (const v1::ScenarioCoverage& s : report.scenarios()) {
      EXPECT_TRUE(scenarios.insert(s.catalogue_id()).second) << s.catalogue_id();
      declared += s.built() && s.ai_declared();
    }
    terminals += report.inventory().terminals();
    ai_terminals += report.inventory().ai_capable_terminals();
    EXPECT_LE(report.inventory().ai_capable_terminals(), report.inventory().terminals());
    units += report.work_units_size();
  }
  EXPECT_EQ(scenarios.size(), profile.scenarios.size());
  EXPECT_EQ(declared, profile.declared());
  EXPECT_EQ(terminals, profile.inventory.terminals());
  EXPECT_EQ(ai_terminals, profile.inventory.ai_capable_terminals());
  EXPECT_EQ(units, static_cast<int>(profile.work_units.size()));
}

TEST(TypicalReport, IsTheBenchmarksFactory) {
  const v1::Report report = TypicalReport(Catalogue(), "f1", 3, kNow);
  EXPECT_EQ(report.scenarios_size(), 40);
  EXPECT_EQ(report.work_units_size(), 20);
  int declared = 0, evidenced = 0;
  for (const v1::ScenarioCoverage& s : report.scenarios()) {
    declared += s.ai_declared();
    evidenced += s.evidence().inference_count() > 0;
  }
  EXPECT_EQ(declared, 20);
  EXPECT_EQ(evidenced, 20);
  const v1::WorkUnitElements& unit = report.work_units(0);
  EXPECT_DOUBLE_EQ(unit.planned_busy_time_s(), 10);
  EXPECT_DOUBLE_EQ(unit.actual_production_time_s(), 9);
  EXPECT_EQ(unit.produced_quantity(), 17u);
  EXPECT_EQ(unit.good_quantity(), 16u);
  EXPECT_EQ(unit.scrap_quantity(), 1u);
  EXPECT_NEAR(unit.energy_kwh(), 0.8, 1e-9);
  EXPECT_EQ(KpiSamples(report), 40 * 3 + 20 * 13 + 7);
}

}  // namespace
}  // namespace ftel
