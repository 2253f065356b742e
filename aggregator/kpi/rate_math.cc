#include "aggregator/kpi/rate_math.h"

#include <algorithm>

namespace ftel {

v1::Ratio MakeRatio(double numerator, double denominator) {
  v1::Ratio ratio;
  ratio.set_numerator(numerator);
  ratio.set_denominator(denominator);
  if (denominator != 0) ratio.set_percent(100.0 * numerator / denominator);
  return ratio;
}

v1::Distribution DistributionOf(const RatePairs& pairs) {
  std::vector<double> percents;
  for (const auto& [numerator, denominator] : pairs) {
    if (denominator != 0) percents.push_back(100.0 * numerator / denominator);
  }
  v1::Distribution distribution;
  distribution.set_factories(static_cast<uint32_t>(percents.size()));
  if (percents.empty()) return distribution;
  std::sort(percents.begin(), percents.end());
  const size_t n = percents.size();
  distribution.set_min_percent(percents.front());
  distribution.set_max_percent(percents.back());
  distribution.set_median_percent(n % 2 == 1 ? percents[n / 2]
                                             : (percents[n / 2 - 1] + percents[n / 2]) / 2.0);
  return distribution;
}

v1::Marks CountMarks(const RatePairs& pairs) {
  v1::Marks marks;
  for (const auto& [numerator, denominator] : pairs) {
    if (denominator == 0) continue;
    const double scaled = numerator * 100.0;
    if (scaled >= 20.0 * denominator) marks.set_at_or_above_20(marks.at_or_above_20() + 1);
    if (scaled >= 60.0 * denominator) marks.set_at_or_above_60(marks.at_or_above_60() + 1);
    if (scaled >= 70.0 * denominator) marks.set_at_or_above_70(marks.at_or_above_70() + 1);
  }
  return marks;
}

v1::GroupPenetration PenetrationOf(const RatePairs& pairs) {
  double numerator = 0;
  double denominator = 0;
  for (const auto& pair : pairs) {
    numerator += pair.first;
    denominator += pair.second;
  }
  v1::GroupPenetration penetration;
  *penetration.mutable_pooled() = MakeRatio(numerator, denominator);
  *penetration.mutable_distribution() = DistributionOf(pairs);
  *penetration.mutable_marks() = CountMarks(pairs);
  return penetration;
}

}  // namespace ftel
