#include "agent/sources/counter_delta.h"

#include <cmath>

#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(CounterDeltaTest, TheFirstReadingIsTheBaseline) {
  CounterDelta counter;
  EXPECT_FALSE(counter.Observe(1000).has_value());
  EXPECT_EQ(counter.Observe(1250), std::optional<double>(250));
  EXPECT_EQ(counter.Observe(1250), std::optional<double>(0));
}

TEST(CounterDeltaTest, ADropIsARestartAndTheNewValueIsTheIncrement) {
  CounterDelta counter;
  counter.Observe(5000);
  EXPECT_EQ(counter.Observe(40), std::optional<double>(40));  // not -4960, not huge
  EXPECT_EQ(counter.resets(), 1u);
  EXPECT_EQ(counter.Observe(100), std::optional<double>(60));
}

TEST(CounterDeltaTest, SixteenBitRegisterWrapsThroughTheTop) {
  CounterDelta counter(65536);
  counter.Observe(65530);
  EXPECT_EQ(counter.Observe(4), std::optional<double>(10));  // 65530 -> 65535 -> 0 -> 4
  EXPECT_EQ(counter.resets(), 0u);
}

TEST(CounterDeltaTest, ThirtyTwoBitRegisterWraps) {
  CounterDelta counter(4294967296.0);
  counter.Observe(4294967290.0);
  EXPECT_EQ(counter.Observe(5), std::optional<double>(11));
}

TEST(CounterDeltaTest, AFarDropOnAWrappingRegisterIsAReset) {
  CounterDelta counter(65536);
  counter.Observe(30000);
  EXPECT_EQ(counter.Observe(12), std::optional<double>(12));  // a PLC reset, not 35548 parts
  EXPECT_EQ(counter.resets(), 1u);
}

TEST(CounterDeltaTest, NonNumbersAndNegativesDropTheBaseline) {
  CounterDelta counter;
  counter.Observe(10);
  EXPECT_FALSE(counter.Observe(std::nan("")).has_value());
  EXPECT_FALSE(counter.has_baseline());
  EXPECT_FALSE(counter.Observe(20).has_value());  // a new baseline
  EXPECT_EQ(counter.Observe(25), std::optional<double>(5));
  EXPECT_FALSE(counter.Observe(-1).has_value());
  EXPECT_FALSE(counter.Observe(INFINITY).has_value());
}

TEST(CounterDeltaTest, ResetForgetsTheBaseline) {
  CounterDelta counter;
  counter.Observe(10);
  counter.Reset();
  EXPECT_FALSE(counter.Observe(500).has_value());
  EXPECT_EQ(counter.Observe(501), std::optional<double>(1));
}

}  // namespace
}  // namespace ftel
