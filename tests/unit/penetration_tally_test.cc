#include "aggregator/kpi/penetration_tally.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace ftel {
namespace {

v1::GroupPenetration TallyOf(const std::vector<std::pair<double, double>>& pairs) {
  PenetrationTally tally;
  for (const auto& [numerator, denominator] : pairs) tally.Add(numerator, denominator);
  return tally.ToProto();
}

TEST(PenetrationTally, PoolingDiffersFromAveragingPercentages) {
  // 1 of 2 scenarios (50%) and 1 of 8 (12.5%): the mean of the percentages
  // is 31.25%, the pooled rate 2/10 = 20%. Only the pooled rate is published.
  v1::GroupPenetration p = TallyOf({{1, 2}, {1, 8}});
  EXPECT_DOUBLE_EQ(p.pooled().numerator(), 2);
  EXPECT_DOUBLE_EQ(p.pooled().denominator(), 10);
  EXPECT_DOUBLE_EQ(p.pooled().percent(), 20.0);
  EXPECT_NE(p.pooled().percent(), (50.0 + 12.5) / 2);
}

TEST(PenetrationTally, DistributionMedianOfOddAndEvenCounts) {
  v1::Distribution odd = TallyOf({{1, 10}, {5, 10}, {9, 10}}).distribution();
  EXPECT_EQ(odd.factories(), 3u);
  EXPECT_DOUBLE_EQ(odd.min_percent(), 10);
  EXPECT_DOUBLE_EQ(odd.median_percent(), 50);
  EXPECT_DOUBLE_EQ(odd.max_percent(), 90);
  v1::Distribution even = TallyOf({{1, 4}, {3, 5}}).distribution();
  EXPECT_DOUBLE_EQ(even.median_percent(), (25.0 + 60.0) / 2);
}

TEST(PenetrationTally, DistributionSkipsFactoriesWithoutDenominator) {
  v1::Distribution d = TallyOf({{0, 0}, {1, 2}}).distribution();
  EXPECT_EQ(d.factories(), 1u);
  EXPECT_DOUBLE_EQ(d.min_percent(), 50);
  EXPECT_FALSE(TallyOf({{0, 0}}).distribution().has_median_percent());
}

TEST(PenetrationTally, MarksCompareExactlyAtTheBoundary) {
  // 7/35 is exactly 20% and 21/35 exactly 60%, though 100.0 * 7 / 35 may not
  // be in floating point; 69/100 is below 70%.
  v1::Marks marks = TallyOf({{7, 35}, {21, 35}, {69, 100}, {0, 0}, {6, 35}}).marks();
  EXPECT_EQ(marks.at_or_above_20(), 3u);
  EXPECT_EQ(marks.at_or_above_60(), 2u);
  EXPECT_EQ(marks.at_or_above_70(), 0u);
}

TEST(PenetrationTally, RemovingEveryFactoryLeavesAnEmptyGroup) {
  PenetrationTally tally;
  tally.Add(3, 5);
  tally.Add(0, 0);
  tally.Remove(3, 5);
  tally.Remove(0, 0);
  v1::GroupPenetration p = tally.ToProto();
  EXPECT_EQ(p.pooled().denominator(), 0);
  EXPECT_FALSE(p.pooled().has_percent());
  EXPECT_EQ(p.distribution().factories(), 0u);
  EXPECT_FALSE(p.distribution().has_min_percent());
  EXPECT_EQ(p.marks().at_or_above_20(), 0u);
}

// The oracle: every pair kept, sorted for each answer.
v1::GroupPenetration FromScratch(const std::vector<std::pair<double, double>>& pairs) {
  v1::GroupPenetration p;
  double numerator = 0;
  double denominator = 0;
  std::vector<double> percents;
  uint32_t marks[3] = {0, 0, 0};
  for (const auto& [n, d] : pairs) {
    numerator += n;
    denominator += d;
    if (d == 0) continue;
    percents.push_back(100.0 * n / d);
    marks[0] += n * 100 >= 20 * d;
    marks[1] += n * 100 >= 60 * d;
    marks[2] += n * 100 >= 70 * d;
  }
  p.mutable_pooled()->set_numerator(numerator);
  p.mutable_pooled()->set_denominator(denominator);
  if (denominator != 0) p.mutable_pooled()->set_percent(100.0 * numerator / denominator);
  std::sort(percents.begin(), percents.end());
  const size_t size = percents.size();
  p.mutable_distribution()->set_factories(static_cast<uint32_t>(size));
  if (size > 0) {
    p.mutable_distribution()->set_min_percent(percents.front());
    p.mutable_distribution()->set_max_percent(percents.back());
    p.mutable_distribution()->set_median_percent(
        size % 2 == 1 ? percents[size / 2] : (percents[size / 2 - 1] + percents[size / 2]) / 2);
  }
  p.mutable_marks()->set_at_or_above_20(marks[0]);
  p.mutable_marks()->set_at_or_above_60(marks[1]);
  p.mutable_marks()->set_at_or_above_70(marks[2]);
  return p;
}

// Factories come, change and go in random order, with many equal
// percentages (small denominators): after every step the tally says what
// sorting all of them again says.
TEST(PenetrationTally, MatchesSortingEveryFactoryAfterEveryChange) {
  std::mt19937 random(20261201);
  std::vector<std::pair<double, double>> factories;
  PenetrationTally tally;
  for (int step = 0; step < 5000; ++step) {
    const bool remove = !factories.empty() && random() % 3 == 0;
    if (remove) {
      const size_t i = random() % factories.size();
      tally.Remove(factories[i].first, factories[i].second);
      factories.erase(factories.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      const double denominator = static_cast<double>(random() % 8);
      const double numerator =
          denominator == 0 ? 0
                           : static_cast<double>(random() % (static_cast<int>(denominator) + 1));
      tally.Add(numerator, denominator);
      factories.emplace_back(numerator, denominator);
    }
    ASSERT_EQ(tally.ToProto().ShortDebugString(), FromScratch(factories).ShortDebugString())
        << "step " << step;
  }
}

}  // namespace
}  // namespace ftel
