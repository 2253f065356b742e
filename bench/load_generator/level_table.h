// The ministry's kind of table from the aggregator's factory results: per
// MIIT level (the generator knows each factory's), how many factories sit
// at or above the 20, 60 and 70 % marks of declared and of observed AI
// coverage, their pooled rates, and how many results differ from the
// coverage the factory was drawn with (none should).
#ifndef FTEL_BENCH_LOAD_GENERATOR_LEVEL_TABLE_H_
#define FTEL_BENCH_LOAD_GENERATOR_LEVEL_TABLE_H_

#include <array>
#include <string>
#include <vector>

#include "bench/load_generator/results_collector.h"
#include "bench/synthetic/synthetic_fleet.h"

namespace ftel {

// The marks of proto/ftel/v1/summary.proto's Marks.
inline constexpr std::array<int, 3> kMarkPercents = {20, 60, 70};

struct LevelRow {
  std::string level;
  int factories = 0;  // drawn at the level
  int with_results = 0;
  std::array<int, 3> declared_marks{};
  std::array<int, 3> observed_marks{};
  // Pooled over the factories with results.
  double declared = 0;
  double built = 0;
  double observed = 0;
  double known = 0;
  // Results whose declared or observed counts are not the drawn ones.
  int not_as_drawn = 0;
};

// Leading first, as the ministry lists them, then "all"; without levels
// (no pyramid) the one row "all".
std::vector<LevelRow> MakeLevelTable(const std::vector<SyntheticFactory>& fleet,
                                     const CollectedResults& results);

// At or above `percent`, compared in the aggregator's way (no rounding).
bool AtOrAbove(double numerator, double denominator, int percent);

std::string FormatLevelTable(const std::vector<LevelRow>& rows);

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_LEVEL_TABLE_H_
