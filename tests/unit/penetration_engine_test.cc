#include "aggregator/engine/penetration_engine.h"

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

struct Scenario {
  const char* id;
  const char* link;
  bool built;
  bool ai;
  uint64_t inferences;
  bool custom = false;
};

v1::Report MakeReport(const std::string& factory, const std::string& node,
                      const std::string& sector, const std::string& region,
                      const std::vector<Scenario>& scenarios, uint32_t terminals,
                      uint32_t ai_terminals) {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id(factory);
  report.mutable_identity()->set_node_id(node);
  report.mutable_identity()->set_sector(sector);
  report.mutable_identity()->set_region(region);
  report.set_session_id(1);
  report.set_sequence(1);
  report.set_window_end_ms(1000);
  for (const Scenario& s : scenarios) {
    v1::ScenarioCoverage* c = report.add_scenarios();
    if (s.custom) {
      c->set_custom_id(s.id);
    } else {
      c->set_catalogue_id(s.id);
    }
    c->set_link(s.link);
    c->set_built(s.built);
    c->set_ai_declared(s.ai);
    c->mutable_evidence()->set_inference_count(s.inferences);
  }
  report.mutable_inventory()->set_terminals(terminals);
  report.mutable_inventory()->set_ai_capable_terminals(ai_terminals);
  return report;
}

class PenetrationEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
    ASSERT_TRUE(catalogue.ok()) << catalogue.status();
    catalogue_ = *std::move(catalogue);
    // alpha: 5 built catalogue scenarios, 3 declare AI, 2 show inferences;
    // an unbuilt AI-declared scenario and a custom one must not count.
    state_.ApplyReport(MakeReport("alpha", "n1", "electronics", "jiangsu",
                                  {{"PM-01", "PM", true, true, 50},
                                   {"PM-02", "PM", true, true, 0},
                                   {"PO-05", "PO", true, true, 10},
                                   {"PO-08", "PO", true, false, 0},
                                   {"PO-09", "PO", true, false, 0},
                                   {"RD-01", "RD", false, true, 99},
                                   {"x-vision", "PO", true, true, 5, true}},
                                  10, 4));
    // beta: 4 built, 1 declares AI and shows inferences.
    state_.ApplyReport(MakeReport("beta", "n1", "Heavy Equipment", "guangdong",
                                  {{"PM-01", "PM", true, true, 7},
                                   {"PM-03", "PM", true, false, 0},
                                   {"PM-04", "PM", true, false, 0},
                                   {"PO-01", "PO", true, false, 0}},
                                  30, 3));
    results_ = ComputeResults(state_, catalogue_, 5000);
  }

  const v1::GroupSummary& Group(const std::string& kind, const std::string& key) {
    for (const v1::GroupSummary& g : results_.groups) {
      if (g.kind() == kind && g.key() == key) return g;
    }
    ADD_FAILURE() << "no group " << kind << "/" << key;
    static v1::GroupSummary none;
    return none;
  }

  ScenarioCatalogue catalogue_;
  FleetState state_{3600000};
  FleetResults results_;
};

TEST_F(PenetrationEngineTest, FactoryRatesCountOnlyBuiltCatalogueScenarios) {
  ASSERT_EQ(results_.factories.size(), 2u);
  const v1::FactorySummary& alpha = *results_.factories[0];
  EXPECT_EQ(alpha.factory_id(), "alpha");
  EXPECT_DOUBLE_EQ(alpha.declared().numerator(), 3);
  EXPECT_DOUBLE_EQ(alpha.declared().denominator(), 5);
  EXPECT_DOUBLE_EQ(alpha.declared().percent(), 60);
  EXPECT_DOUBLE_EQ(alpha.observed().percent(), 40);
  EXPECT_EQ(alpha.custom_built(), 1u);
  EXPECT_EQ(alpha.custom_ai_declared(), 1u);
  EXPECT_EQ(alpha.custom_ai_observed(), 1u);
  EXPECT_DOUBLE_EQ(alpha.terminals().percent(), 40);
  EXPECT_EQ(results_.computed_at_ms, 5000);
  EXPECT_EQ(alpha.computed_at_ms(), 0) << "the publisher stamps a result, not the engine";
}

TEST_F(PenetrationEngineTest, FleetPoolsCountsInsteadOfAveragingPercentages) {
  const v1::GroupSummary& fleet = results_.fleet;
  EXPECT_EQ(fleet.factories(), 2u);
  // (3 + 1) / (5 + 4) = 44.4%; the mean of 60% and 25% would be 42.5%.
  EXPECT_DOUBLE_EQ(fleet.declared().pooled().numerator(), 4);
  EXPECT_DOUBLE_EQ(fleet.declared().pooled().denominator(), 9);
  EXPECT_DOUBLE_EQ(fleet.declared().pooled().percent(), 400.0 / 9);
  EXPECT_DOUBLE_EQ(fleet.declared().distribution().min_percent(), 25);
  EXPECT_DOUBLE_EQ(fleet.declared().distribution().median_percent(), 42.5);
  EXPECT_DOUBLE_EQ(fleet.declared().distribution().max_percent(), 60);
  EXPECT_EQ(fleet.declared().marks().at_or_above_20(), 2u);
  EXPECT_EQ(fleet.declared().marks().at_or_above_60(), 1u);
  EXPECT_EQ(fleet.declared().marks().at_or_above_70(), 0u);
  EXPECT_DOUBLE_EQ(fleet.observed().pooled().percent(), 100.0 * 3 / 9);
  EXPECT_DOUBLE_EQ(fleet.terminals().percent(), 100.0 * 7 / 40);
}

TEST_F(PenetrationEngineTest, LinksPoolOnlyFactoriesThatBuiltInThem) {
  const v1::GroupSummary& pm = Group("link", "PM");
  EXPECT_EQ(pm.factories(), 2u);
  EXPECT_DOUBLE_EQ(pm.declared().pooled().numerator(), 3);    // alpha 2 + beta 1
  EXPECT_DOUBLE_EQ(pm.declared().pooled().denominator(), 5);  // alpha 2 + beta 3
  EXPECT_EQ(pm.name(), "production management");
  const v1::GroupSummary& rd = Group("link", "RD");
  EXPECT_EQ(rd.factories(), 0u);  // alpha's RD-01 is not built
  EXPECT_FALSE(rd.declared().pooled().has_percent());
  EXPECT_EQ(results_.groups.size(), 8u + 2u + 2u);  // links, sectors, regions
}

TEST_F(PenetrationEngineTest, SectorKeysAreTopicLevels) {
  const v1::GroupSummary& sector = Group("sector", "heavy-equipment");
  EXPECT_EQ(sector.name(), "Heavy Equipment");
  EXPECT_DOUBLE_EQ(sector.declared().pooled().percent(), 25);
}

TEST_F(PenetrationEngineTest, NodesOfOneFactoryMergeByScenario) {
  // A second node of beta reports PM-03 as AI-active and its own terminals.
  state_.ApplyReport(MakeReport("beta", "n2", "Heavy Equipment", "guangdong",
                                {{"PM-03", "PM", true, true, 4}, {"PO-02", "PO", true, false, 0}},
                                10, 7));
  const FleetResults results = ComputeResults(state_, catalogue_, 6000);
  const v1::FactorySummary& beta = *results.factories[1];
  EXPECT_EQ(beta.nodes(), 2u);
  EXPECT_DOUBLE_EQ(beta.declared().numerator(), 2);    // PM-01, PM-03
  EXPECT_DOUBLE_EQ(beta.declared().denominator(), 5);  // PM-01, PM-03, PM-04, PO-01, PO-02
  EXPECT_DOUBLE_EQ(beta.terminals().numerator(), 10);
  EXPECT_DOUBLE_EQ(beta.terminals().denominator(), 40);
}

}  // namespace
}  // namespace ftel

namespace ftel {
namespace {

// A source that could not tell: its scenario is neither observed nor not,
// and its work unit is left out of the KPIs; coverage says how much was known.
TEST(PenetrationEngineUnknownTest, UnknownFiguresAreLeftOutAndCoverageSaysSo) {
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  FleetState state(3600000);
  v1::Report report = MakeReport("gamma", "n1", "electronics", "jiangsu",
                                 {{"PM-01", "PM", true, true, 8},
                                  {"PM-02", "PM", true, true, 0},
                                  {"PO-05", "PO", true, true, 0},
                                  {"PO-08", "PO", true, false, 0}},
                                 0, 0);
  report.set_window_start_ms(report.window_end_ms() - 10000 + 1000000000000);
  report.set_window_end_ms(report.window_end_ms() + 1000000000000);
  // PO-05's inference server was unreachable: its 0 means nothing.
  report.mutable_scenarios(2)->mutable_evidence()->set_unknown_reason("unreachable: timeout");
  v1::WorkUnitElements* line = report.add_work_units();
  line->set_work_unit_id("line");
  line->set_planned_busy_time_s(10);
  line->set_actual_production_time_s(9);
  line->set_planned_run_time_per_unit_s(1);
  line->set_produced_quantity(9);
  line->set_good_quantity(9);
  v1::WorkUnitElements* press = report.add_work_units();
  press->set_work_unit_id("press");
  press->set_unknown_reason("unreachable: connection refused");  // its zeros are not a stop
  ASSERT_EQ(state.ApplyReport(report), ReportOutcome::kAccepted);

  const FleetResults results = ComputeResults(state, *catalogue, 5000);
  ASSERT_EQ(results.factories.size(), 1u);
  const v1::FactorySummary& gamma = *results.factories[0];
  // Observed over the 3 known of 4 built; 1 of them has inferences.
  EXPECT_DOUBLE_EQ(gamma.observed().numerator(), 1);
  EXPECT_DOUBLE_EQ(gamma.observed().denominator(), 3);
  EXPECT_DOUBLE_EQ(gamma.evidence_coverage().numerator(), 3);
  EXPECT_DOUBLE_EQ(gamma.evidence_coverage().denominator(), 4);
  EXPECT_DOUBLE_EQ(gamma.declared().percent(), 75);  // declarations do not depend on sources
  // The unknown press is not an OEE of 0: the line alone gives 90%.
  EXPECT_DOUBLE_EQ(gamma.production().availability().percent(), 90);
  EXPECT_DOUBLE_EQ(gamma.production().coverage().numerator(), 1);
  EXPECT_DOUBLE_EQ(gamma.production().coverage().denominator(), 2);
  // Each scenario says what is known of it.
  ASSERT_EQ(gamma.scenarios_size(), 4);
  const v1::ScenarioSummary& po05 = gamma.scenarios(2);
  EXPECT_EQ(po05.id(), "PO-05");
  EXPECT_FALSE(po05.evidence_known());
  EXPECT_FALSE(po05.ai_observed());
  EXPECT_EQ(po05.unknown_reason(), "unreachable: timeout");
  const v1::ScenarioSummary& pm01 = gamma.scenarios(0);
  EXPECT_TRUE(pm01.ai_observed());
  EXPECT_EQ(pm01.inferences_in_horizon(), 8u);
  EXPECT_EQ(pm01.last_evidence_ms(), report.window_end_ms());
  EXPECT_EQ(pm01.evidence_horizon_s(), 86400u);
  // The fleet pools the same way.
  EXPECT_DOUBLE_EQ(results.fleet.observed().pooled().denominator(), 3);
  EXPECT_DOUBLE_EQ(results.fleet.evidence_coverage().percent(), 75);
}

}  // namespace
}  // namespace ftel
