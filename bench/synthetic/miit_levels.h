// The four levels of MIIT's smart-factory pyramid and the coverage a
// synthetic factory of each level is drawn with. The pyramid's sizes are
// the ministry's: about 35,000 basic, 8,200 advanced, 500 excellent and 15
// leading factories (43,715). The coverage ranges are this generator's
// assumptions, chosen so that the marks the aggregator publishes (20, 60
// and 70 % of built scenarios AI-declared) separate the levels as the
// ministry's targets describe them: every leading factory above 70 %, every
// excellent one at or above 20 %, advanced and basic factories mostly below.
#ifndef FTEL_BENCH_SYNTHETIC_MIIT_LEVELS_H_
#define FTEL_BENCH_SYNTHETIC_MIIT_LEVELS_H_

#include <array>
#include <cstdint>

namespace ftel {

// From the bottom of the pyramid up.
enum class MiitLevel { kBasic = 0, kAdvanced = 1, kExcellent = 2, kLeading = 3 };
inline constexpr int kMiitLevelCount = 4;
inline constexpr std::array<MiitLevel, kMiitLevelCount> kMiitLevels = {
    MiitLevel::kBasic, MiitLevel::kAdvanced, MiitLevel::kExcellent, MiitLevel::kLeading};

// "basic", "advanced", "excellent", "leading".
const char* MiitLevelName(MiitLevel level);

// The ministry's count of factories at the level, and of all four.
int MiitPyramidFactories(MiitLevel level);
inline constexpr int kMiitPyramidTotal = 43715;

// How many of `factories` are at each level, in the pyramid's proportions
// (largest remainder). With 4 or more factories every level has at least
// one, taken from the basic level, so that a small fleet still shows the
// leading row.
std::array<int, kMiitLevelCount> MiitLevelQuotas(int factories);

// The ranges a factory of one level is drawn from (uniformly unless said).
struct LevelCoverage {
  // Built catalogue scenarios, of the 40.
  int built_min, built_max;
  // Share of the built scenarios declared AI, before the level's floor.
  double declared_min, declared_max;
  // Declared share the level guarantees: at or above `declared_floor`
  // percent, or strictly above it when `floor_strict` (leading: above 70 %).
  int declared_floor_percent;
  bool floor_strict;
  // Chance that a declared scenario's model is seen serving inferences
  // (AI-observed); the others are declared without evidence.
  double evidenced;
  int work_units_min, work_units_max;
  int terminals_min, terminals_max;
  double availability_min, availability_max;
  double quality_min, quality_max;
  double failures_per_hour_max;
};

const LevelCoverage& CoverageOf(MiitLevel level);

// The fewest of `built` scenarios declared that meet the level's floor.
int DeclaredFloor(const LevelCoverage& coverage, int built);

}  // namespace ftel

#endif  // FTEL_BENCH_SYNTHETIC_MIIT_LEVELS_H_
