// The results cache must give exactly what a computation from scratch gives,
// whatever the order of reports, statuses and clock ticks, while rebuilding
// only the factories that changed.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "aggregator/engine/penetration_engine.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr int64_t kStaleAfterMs = 30000;

class ResultsCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
    ASSERT_TRUE(catalogue.ok()) << catalogue.status();
    catalogue_ = *std::move(catalogue);
  }

  // A report from `node` of `factory` with a random share of the catalogue
  // built, declared and observed.
  v1::Report RandomReport(const std::string& factory, const std::string& node, uint64_t sequence,
                          int64_t end_ms) {
    v1::Report report;
    report.set_schema_version(1);
    report.mutable_identity()->set_factory_id(factory);
    report.mutable_identity()->set_node_id(node);
    report.mutable_identity()->set_sector(absl::StrCat("sector-", factory.back() % 3));
    report.mutable_identity()->set_region(absl::StrCat("region-", factory.back() % 2));
    report.set_session_id(7);
    report.set_sequence(sequence);
    report.set_window_start_ms(end_ms - 10000);
    report.set_window_end_ms(end_ms);
    for (const CatalogueScenario& s : catalogue_.scenarios()) {
      if (random_() % 3 == 0) continue;
      v1::ScenarioCoverage* c = report.add_scenarios();
      c->set_catalogue_id(s.id);
      c->set_link(s.link_id);
      c->set_built(random_() % 4 != 0);
      c->set_ai_declared(random_() % 2 == 0);
      c->mutable_evidence()->set_inference_count(random_() % 3 == 0 ? 5 : 0);
    }
    report.mutable_inventory()->set_terminals(10);
    report.mutable_inventory()->set_ai_capable_terminals(random_() % 11);
    v1::WorkUnitElements* unit = report.add_work_units();
    unit->set_work_unit_id("line-1");
    unit->set_planned_busy_time_s(600);
    unit->set_actual_production_time_s(400 + random_() % 200);
    return report;
  }

  static std::string Comparable(const FleetResults& results) {
    std::string out;
    for (const auto& f : results.factories) out += f->ShortDebugString() + "\n";
    for (const v1::GroupSummary& g : results.groups) out += g.ShortDebugString() + "\n";
    return out + results.fleet.ShortDebugString();
  }

  ScenarioCatalogue catalogue_;
  std::mt19937 random_{20261129};
};

TEST_F(ResultsCacheTest, MatchesAComputationFromScratchAfterEveryStep) {
  FleetState state(3600000);
  ResultsCache cache(catalogue_, kStaleAfterMs);
  int64_t now = 100000;
  uint64_t sequence = 0;
  std::map<std::string, bool> stale_before;  // by factory, after the previous step
  for (int step = 0; step < 300; ++step) {
    const std::string factory = absl::StrCat("f", random_() % 12);
    const std::string node = absl::StrCat("n", random_() % 2);
    switch (random_() % 5) {
      case 0: {  // a status
        v1::NodeStatus status;
        *status.mutable_identity() = RandomReport(factory, node, 0, now).identity();
        status.set_state(random_() % 2 ? v1::NodeStatus::ONLINE : v1::NodeStatus::OFFLINE);
        status.set_started_at_ms(now);
        state.ApplyStatus(status);
        break;
      }
      case 1:  // time passes: factories turn stale without any input
        now += 5000 + random_() % 20000;
        break;
      case 2:  // the clock is stepped back: stale factories may be fresh again
        now -= 3000 + random_() % 15000;
        break;
      default:
        state.ApplyReport(RandomReport(factory, node, ++sequence, now - random_() % 5000));
        break;
    }
    std::vector<std::string> rebuilt;
    const std::set<std::string> changed = state.TakeChangedFactories();
    std::shared_ptr<const FleetResults> cached = cache.Update(state, changed, now, &rebuilt);
    EXPECT_EQ(cached->computed_at_ms, now);
    ASSERT_EQ(Comparable(*cached),
              Comparable(ComputeResults(state, catalogue_, now, kStaleAfterMs)))
        << "step " << step;
    // Exactly the factories that changed, or whose staleness flipped, are
    // listed, each once.
    std::set<std::string> expected = changed;
    std::map<std::string, bool> stale_now;
    for (const auto& f : cached->factories) {
      stale_now[f->factory_id()] = f->stale();
      auto before = stale_before.find(f->factory_id());
      if (before != stale_before.end() && before->second != f->stale()) {
        expected.insert(f->factory_id());
      }
    }
    std::sort(rebuilt.begin(), rebuilt.end());
    EXPECT_EQ(rebuilt, std::vector<std::string>(expected.begin(), expected.end()))
        << "step " << step;
    stale_before = std::move(stale_now);
  }
}

TEST_F(ResultsCacheTest, AnUnchangedFleetRebuildsNothing) {
  FleetState state(3600000);
  for (int f = 0; f < 50; ++f) {
    state.ApplyReport(RandomReport(absl::StrCat("f", f), "n1", f + 1, 100000));
  }
  ResultsCache cache(catalogue_, kStaleAfterMs);
  std::vector<std::string> rebuilt;
  cache.Update(state, state.TakeChangedFactories(), 100000, &rebuilt);
  EXPECT_EQ(rebuilt.size(), 50u);
  cache.Update(state, state.TakeChangedFactories(), 101000, &rebuilt);
  EXPECT_TRUE(rebuilt.empty());
  state.ApplyReport(RandomReport("f7", "n1", 1000, 102000));
  cache.Update(state, state.TakeChangedFactories(), 102000, &rebuilt);
  EXPECT_EQ(rebuilt, std::vector<std::string>{"f7"});
}

}  // namespace
}  // namespace ftel
