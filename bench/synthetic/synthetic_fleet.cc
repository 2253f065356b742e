#include "bench/synthetic/synthetic_fleet.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/synthetic/random_draw.h"
#include "bench/synthetic/sectors_and_regions.h"
#include "bench/synthetic/typical_report.h"

namespace ftel {
namespace {

// How often a link's scenarios are among those a factory built: factories
// start in production management and operations, and reach product R&D,
// process design and product service later.
double LinkWeight(const std::string& link) {
  if (link == "PM" || link == "PO") return 3;
  if (link == "SC" || link == "OM") return 2;
  return 1;
}

// log-uniform in [low, high]: rates spread over orders of magnitude.
double LogUniform(RandomDraw& draw, double low, double high) {
  return std::exp(draw.Uniform(std::log(low), std::log(high)));
}

uint32_t ShareOf(uint32_t count, double share) {
  return static_cast<uint32_t>(
      std::llround(static_cast<double>(count) * std::clamp(share, 0.0, 1.0)));
}

}  // namespace

FactoryProfile DrawLevelFactory(const ScenarioCatalogue& catalogue, MiitLevel level,
                                uint64_t seed) {
  const LevelCoverage& c = CoverageOf(level);
  RandomDraw draw(seed);
  const std::vector<CatalogueScenario>& all = catalogue.scenarios();
  const int total = static_cast<int>(all.size());
  FactoryProfile profile;
  profile.variation = 0.1;
  profile.variation_seed = draw.Next();

  // Which scenarios are built: drawn without replacement by link weight.
  const int built = std::min(total, draw.UniformInt(c.built_min, c.built_max));
  std::vector<double> weights;
  for (const CatalogueScenario& s : all) weights.push_back(LinkWeight(s.link_id));
  std::vector<bool> is_built(all.size(), false);
  for (int n = 0; n < built; ++n) {
    const size_t pick = draw.Weighted(weights);
    is_built[pick] = true;
    weights[pick] = 0;
  }
  // A few more configured but not built yet (planned).
  std::vector<bool> configured = is_built;
  const int planned = std::min(total - built, draw.UniformInt(0, 3));
  for (int n = 0; n < planned; ++n) {
    const size_t pick = draw.Weighted(weights);
    configured[pick] = true;
    weights[pick] = 0;
  }
  // Which built ones declare AI: a share of them, at least the level's floor.
  const int wanted =
      static_cast<int>(std::llround(draw.Uniform(c.declared_min, c.declared_max) * built));
  const int declared = std::clamp(wanted, DeclaredFloor(c, built), built);
  std::vector<size_t> built_indices;
  for (size_t i = 0; i < all.size(); ++i) {
    if (is_built[i]) built_indices.push_back(i);
  }
  draw.Shuffle(&built_indices);
  std::vector<bool> is_declared(all.size(), false);
  for (int n = 0; n < declared; ++n) is_declared[built_indices[n]] = true;

  int evidenced = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!configured[i]) continue;
    ProfileScenario& s = profile.scenarios.emplace_back();
    s.catalogue_id = all[i].id;
    s.link = all[i].link_id;
    s.built = is_built[i];
    s.ai_declared = is_declared[i];
    if (!s.ai_declared) continue;
    s.model_id = absl::StrCat("vm-", absl::AsciiStrToLower(all[i].id));
    if (draw.Bernoulli(c.evidenced)) {
      // From a model run every few minutes to a vision model on every part.
      s.inferences_per_s = LogUniform(draw, 0.01, 20);
      ++evidenced;
    }
  }

  const double ai_share = built == 0 ? 0 : static_cast<double>(declared) / built;
  v1::InventoryCounts& inv = profile.inventory;
  inv.set_terminals(static_cast<uint32_t>(draw.UniformInt(c.terminals_min, c.terminals_max)));
  inv.set_ai_capable_terminals(ShareOf(inv.terminals(), ai_share * draw.Uniform(0.5, 1.2)));
  inv.set_key_equipment(ShareOf(inv.terminals(), draw.Uniform(0.2, 0.4)));
  inv.set_ai_enabled_key_equipment(ShareOf(inv.key_equipment(), ai_share * draw.Uniform(0.4, 1)));
  inv.set_industrial_software(static_cast<uint32_t>(draw.UniformInt(3, 10 + built)));
  inv.set_vertical_models(static_cast<uint32_t>(declared));
  inv.set_industrial_agents(static_cast<uint32_t>(draw.UniformInt(0, evidenced / 3)));

  const int units = draw.UniformInt(c.work_units_min, c.work_units_max);
  for (int u = 0; u < units; ++u) {
    ProfileWorkUnit& unit = profile.work_units.emplace_back();
    unit.id = absl::StrCat("line-", u + 1);
    unit.availability = draw.Uniform(c.availability_min, c.availability_max);
    unit.performance = draw.Uniform(0.75, 0.97);
    unit.quality = draw.Uniform(c.quality_min, c.quality_max);
    // From a bottling line's fraction of a second to a press's minute.
    unit.planned_run_time_per_unit_s = LogUniform(draw, 0.5, 60);
    unit.scrap_share = draw.Uniform(0.3, 0.8);
    unit.energy_kwh_per_unit = LogUniform(draw, 0.01, 5);
    unit.failures_per_hour = draw.Uniform(0, c.failures_per_hour_max);
  }
  return profile;
}

std::vector<SyntheticFactory> DrawFleet(const ScenarioCatalogue& catalogue, const FleetDraw& draw) {
  std::vector<std::optional<MiitLevel>> levels(static_cast<size_t>(draw.factories));
  if (draw.pyramid) {
    const std::array<int, kMiitLevelCount> quotas = MiitLevelQuotas(draw.factories);
    size_t at = 0;
    for (MiitLevel level : kMiitLevels) {
      for (int n = 0; n < quotas[static_cast<int>(level)]; ++n) levels[at++] = level;
    }
    RandomDraw shuffle(MixSeed(draw.seed, 0x1e7e15));
    shuffle.Shuffle(&levels);
  }
  const std::vector<double> sector_weights = WeightsOf(SyntheticSectors());
  const std::vector<double> region_weights = WeightsOf(SyntheticRegions());
  std::vector<SyntheticFactory> fleet(levels.size());
  for (size_t i = 0; i < levels.size(); ++i) {
    SyntheticFactory& factory = fleet[i];
    const uint64_t seed = MixSeed(draw.seed, i + 1);
    factory.level = levels[i];
    const std::string id = absl::StrFormat("%s-%05d", draw.id_prefix, i);
    factory.profile = levels[i].has_value() ? DrawLevelFactory(catalogue, *levels[i], seed)
                                            : TypicalFactory(catalogue, id);
    FactoryProfile& profile = factory.profile;
    profile.factory_id = id;
    profile.factory_name = absl::StrCat("Synthetic Works ", i);
    RandomDraw place(MixSeed(seed, 0x91ace));
    profile.sector = SyntheticSectors()[place.Weighted(sector_weights)].name;
    profile.region = SyntheticRegions()[place.Weighted(region_weights)].name;
  }
  return fleet;
}

}  // namespace ftel
