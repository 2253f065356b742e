// Pooled ratios, per-factory distributions and the MIIT marks. Percentages are
// only ever derived from pooled counts here; nothing averages them.
//
//   Ratio r = MakeRatio(3, 5);              // percent 60
//   Marks m = CountMarks({{1, 5}, {3, 4}});  // at_or_above_20: 2, 60: 1, 70: 1
#ifndef FTEL_AGGREGATOR_KPI_RATE_MATH_H_
#define FTEL_AGGREGATOR_KPI_RATE_MATH_H_

#include <utility>
#include <vector>

#include "ftel/v1/summary.pb.h"

namespace ftel {

// percent is left unset when denominator is 0.
v1::Ratio MakeRatio(double numerator, double denominator);

// Per-factory (numerator, denominator) pairs; pairs with denominator 0 are
// not part of the distribution.
using RatePairs = std::vector<std::pair<double, double>>;

// min, median (mean of the middle two for an even count) and max percent.
v1::Distribution DistributionOf(const RatePairs& pairs);

// Exact comparison: numerator * 100 >= mark * denominator, so that 1/5 meets 20%.
v1::Marks CountMarks(const RatePairs& pairs);

// Pools the pairs and fills a GroupPenetration.
v1::GroupPenetration PenetrationOf(const RatePairs& pairs);

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_KPI_RATE_MATH_H_
