#include "aggregator/kpi/rate_math.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(RateMath, RatioHasPercentOnlyWithDenominator) {
  v1::Ratio r = MakeRatio(3, 4);
  EXPECT_DOUBLE_EQ(r.percent(), 75.0);
  v1::Ratio undefined = MakeRatio(0, 0);
  EXPECT_FALSE(undefined.has_percent());
  EXPECT_EQ(undefined.denominator(), 0);
}

TEST(RateMath, PoolingDiffersFromAveragingPercentages) {
  // 1 of 2 scenarios (50%) and 1 of 8 (12.5%): the mean of the percentages
  // is 31.25%, the pooled rate 2/10 = 20%. Only the pooled rate is published.
  v1::GroupPenetration p = PenetrationOf({{1, 2}, {1, 8}});
  EXPECT_DOUBLE_EQ(p.pooled().numerator(), 2);
  EXPECT_DOUBLE_EQ(p.pooled().denominator(), 10);
  EXPECT_DOUBLE_EQ(p.pooled().percent(), 20.0);
  EXPECT_NE(p.pooled().percent(), (50.0 + 12.5) / 2);
}

TEST(RateMath, DistributionMedianOfOddAndEvenCounts) {
  v1::Distribution odd = DistributionOf({{1, 10}, {5, 10}, {9, 10}});
  EXPECT_EQ(odd.factories(), 3u);
  EXPECT_DOUBLE_EQ(odd.min_percent(), 10);
  EXPECT_DOUBLE_EQ(odd.median_percent(), 50);
  EXPECT_DOUBLE_EQ(odd.max_percent(), 90);
  v1::Distribution even = DistributionOf({{1, 4}, {3, 5}});
  EXPECT_DOUBLE_EQ(even.median_percent(), (25.0 + 60.0) / 2);
}

TEST(RateMath, DistributionSkipsFactoriesWithoutDenominator) {
  v1::Distribution d = DistributionOf({{0, 0}, {1, 2}});
  EXPECT_EQ(d.factories(), 1u);
  EXPECT_DOUBLE_EQ(d.min_percent(), 50);
  EXPECT_FALSE(DistributionOf({{0, 0}}).has_median_percent());
}

TEST(RateMath, MarksCompareExactlyAtTheBoundary) {
  // 7/35 is exactly 20% and 21/35 exactly 60%, though 100.0 * 7 / 35 may not
  // be in floating point; 69/100 is below 70%.
  v1::Marks marks = CountMarks({{7, 35}, {21, 35}, {69, 100}, {0, 0}, {6, 35}});
  EXPECT_EQ(marks.at_or_above_20(), 3u);
  EXPECT_EQ(marks.at_or_above_60(), 2u);
  EXPECT_EQ(marks.at_or_above_70(), 0u);
}

}  // namespace
}  // namespace ftel
