#include "bench/synthetic/miit_levels.h"

#include <algorithm>

namespace ftel {

const char* MiitLevelName(MiitLevel level) {
  switch (level) {
    case MiitLevel::kBasic:
      return "basic";
    case MiitLevel::kAdvanced:
      return "advanced";
    case MiitLevel::kExcellent:
      return "excellent";
    case MiitLevel::kLeading:
      return "leading";
  }
  return "unknown";
}

int MiitPyramidFactories(MiitLevel level) {
  switch (level) {
    case MiitLevel::kBasic:
      return 35000;
    case MiitLevel::kAdvanced:
      return 8200;
    case MiitLevel::kExcellent:
      return 500;
    case MiitLevel::kLeading:
      return 15;
  }
  return 0;
}

std::array<int, kMiitLevelCount> MiitLevelQuotas(int factories) {
  std::array<int, kMiitLevelCount> quotas{};
  std::array<int64_t, kMiitLevelCount> remainders{};
  int given = 0;
  for (MiitLevel level : kMiitLevels) {
    const int i = static_cast<int>(level);
    const int64_t scaled = static_cast<int64_t>(factories) * MiitPyramidFactories(level);
    quotas[i] = static_cast<int>(scaled / kMiitPyramidTotal);
    remainders[i] = scaled % kMiitPyramidTotal;
    given += quotas[i];
  }
  // Largest remainder first; on a tie the lower level.
  while (given < factories) {
    int best = 0;
    for (int i = 1; i < kMiitLevelCount; ++i) {
      if (remainders[i] > remainders[best]) best = i;
    }
    ++quotas[best];
    remainders[best] = -1;
    ++given;
  }
  if (factories >= kMiitLevelCount) {
    for (int i = 1; i < kMiitLevelCount; ++i) {
      if (quotas[i] == 0) {
        quotas[i] = 1;
        --quotas[0];
      }
    }
  }
  return quotas;
}

const LevelCoverage& CoverageOf(MiitLevel level) {
  // Basic: a handful of scenarios digitised, AI in one at most, and half
  // of the declared models show no inference yet.
  static const LevelCoverage kBasic{/*built_min=*/4,
                                    /*built_max=*/12,
                                    /*declared_min=*/0.0,
                                    /*declared_max=*/0.12,
                                    /*declared_floor_percent=*/0,
                                    /*floor_strict=*/false,
                                    /*evidenced=*/0.5,
                                    /*work_units_min=*/2,
                                    /*work_units_max=*/4,
                                    /*terminals_min=*/20,
                                    /*terminals_max=*/80,
                                    /*availability_min=*/0.65,
                                    /*availability_max=*/0.85,
                                    /*quality_min=*/0.90,
                                    /*quality_max=*/0.97,
                                    /*failures_per_hour_max=*/2.0};
  // Advanced: a broader digital base, AI in up to a quarter of it: some
  // reach the 20 % mark, most do not.
  static const LevelCoverage kAdvanced{/*built_min=*/10,
                                       /*built_max=*/20,
                                       /*declared_min=*/0.02,
                                       /*declared_max=*/0.25,
                                       /*declared_floor_percent=*/0,
                                       /*floor_strict=*/false,
                                       /*evidenced=*/0.7,
                                       /*work_units_min=*/4,
                                       /*work_units_max=*/8,
                                       /*terminals_min=*/60,
                                       /*terminals_max=*/200,
                                       /*availability_min=*/0.72,
                                       /*availability_max=*/0.90,
                                       /*quality_min=*/0.93,
                                       /*quality_max=*/0.99,
                                       /*failures_per_hour_max=*/1.0};
  // Excellent: at or above the 20 % mark, the excellent level's in the
  // published Marks (proto/ftel/v1/summary.proto).
  static const LevelCoverage kExcellent{/*built_min=*/18,
                                        /*built_max=*/30,
                                        /*declared_min=*/0.20,
                                        /*declared_max=*/0.55,
                                        /*declared_floor_percent=*/20,
                                        /*floor_strict=*/false,
                                        /*evidenced=*/0.85,
                                        /*work_units_min=*/8,
                                        /*work_units_max=*/14,
                                        /*terminals_min=*/150,
                                        /*terminals_max=*/400,
                                        /*availability_min=*/0.80,
                                        /*availability_max=*/0.93,
                                        /*quality_min=*/0.96,
                                        /*quality_max=*/0.995,
                                        /*failures_per_hour_max=*/0.5};
  // Leading: nearly every scenario built, above the 70 % mark (the 2027
  // target) AI-declared, and every declared model seen serving inferences.
  static const LevelCoverage kLeading{/*built_min=*/28,
                                      /*built_max=*/40,
                                      /*declared_min=*/0.72,
                                      /*declared_max=*/0.95,
                                      /*declared_floor_percent=*/70,
                                      /*floor_strict=*/true,
                                      /*evidenced=*/1.0,
                                      /*work_units_min=*/12,
                                      /*work_units_max=*/20,
                                      /*terminals_min=*/300,
                                      /*terminals_max=*/800,
                                      /*availability_min=*/0.85,
                                      /*availability_max=*/0.96,
                                      /*quality_min=*/0.985,
                                      /*quality_max=*/0.999,
                                      /*failures_per_hour_max=*/0.2};
  switch (level) {
    case MiitLevel::kBasic:
      return kBasic;
    case MiitLevel::kAdvanced:
      return kAdvanced;
    case MiitLevel::kExcellent:
      return kExcellent;
    case MiitLevel::kLeading:
      return kLeading;
  }
  return kBasic;
}

int DeclaredFloor(const LevelCoverage& coverage, int built) {
  const int percent = coverage.declared_floor_percent;
  if (percent == 0 && !coverage.floor_strict) return 0;
  // The smallest d with 100 d >= percent x built (or > when strict), in
  // integers as the aggregator's marks compare.
  const int product = percent * built;
  const int floor = coverage.floor_strict ? product / 100 + 1 : (product + 99) / 100;
  return std::min(floor, built);
}

}  // namespace ftel
