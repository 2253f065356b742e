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

}  // namespace
}  // namespace ftel
