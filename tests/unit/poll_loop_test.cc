#include "agent/sources/poll_loop.h"

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(PollLoopTest, PollsAtOnceThenEveryIntervalUntilStopped) {
  std::atomic<int> polls{0};
  PollLoop loop("test", absl::Milliseconds(20), [&] { ++polls; });
  ASSERT_TRUE(loop.Start().ok());
  for (int i = 0; i < 500 && polls < 5; ++i) absl::SleepFor(absl::Milliseconds(5));
  loop.Stop();
  const int seen = polls;
  EXPECT_GE(seen, 5);
  absl::SleepFor(absl::Milliseconds(60));
  EXPECT_EQ(polls, seen);  // no poll after Stop
}

TEST(PollLoopTest, StopDoesNotWaitForTheInterval) {
  PollLoop loop("test", absl::Hours(1), [] {});
  ASSERT_TRUE(loop.Start().ok());
  const absl::Time start = absl::Now();
  loop.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(PollLoopTest, StopWithoutStartIsFine) {
  PollLoop loop("test", absl::Seconds(1), [] {});
  loop.Stop();
  loop.Stop();
}

}  // namespace
}  // namespace ftel
