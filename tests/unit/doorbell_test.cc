#include "libftel/platform/doorbell.h"

#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(DoorbellTest, ARingBeforeTheWaitIsNotLost) {
  Doorbell bell;
  bell.Ring();
  const absl::Time start = absl::Now();
  EXPECT_TRUE(bell.WaitFor(absl::Seconds(10)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(DoorbellTest, AWaitTakesTheRing) {
  Doorbell bell;
  bell.Ring();
  EXPECT_TRUE(bell.WaitFor(absl::Milliseconds(1)));
  EXPECT_FALSE(bell.WaitFor(absl::Milliseconds(20)));
}

TEST(DoorbellTest, ARingFromAnotherThreadEndsTheWait) {
  Doorbell bell;
  std::thread ringer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bell.Ring();
  });
  const absl::Time start = absl::Now();
  EXPECT_TRUE(bell.WaitFor(absl::Seconds(10)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ringer.join();
}

}  // namespace
}  // namespace ftel
