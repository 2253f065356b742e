// A fleet of synthetic factories, drawn once from a seed: with the MIIT
// pyramid (miit_levels.h), each factory's level and the coverage typical of
// it; without, every factory is the benchmarks' typical one
// (typical_report.h). Sectors and regions are spread either way
// (sectors_and_regions.h). The same seed and size give the same fleet.
//
//   FleetDraw draw;
//   draw.factories = 300;
//   draw.pyramid = true;
//   std::vector<SyntheticFactory> fleet = DrawFleet(catalogue, draw);
#ifndef FTEL_BENCH_SYNTHETIC_SYNTHETIC_FLEET_H_
#define FTEL_BENCH_SYNTHETIC_SYNTHETIC_FLEET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/synthetic/factory_profile.h"
#include "bench/synthetic/miit_levels.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

struct FleetDraw {
  int factories = 0;
  uint64_t seed = 1;
  bool pyramid = false;
  // Factory ids are "{id_prefix}-{index}", index zero-padded to 5 digits.
  std::string id_prefix = "lg";
};

struct SyntheticFactory {
  FactoryProfile profile;
  // Unset without the pyramid.
  std::optional<MiitLevel> level;
};

std::vector<SyntheticFactory> DrawFleet(const ScenarioCatalogue& catalogue, const FleetDraw& draw);

// One factory of `level`, drawn from `seed` (DrawFleet's draw for one index).
FactoryProfile DrawLevelFactory(const ScenarioCatalogue& catalogue, MiitLevel level, uint64_t seed);

}  // namespace ftel

#endif  // FTEL_BENCH_SYNTHETIC_SYNTHETIC_FLEET_H_
