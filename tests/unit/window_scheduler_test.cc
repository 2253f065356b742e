#include "agent/window_scheduler.h"

#include <cstdlib>
#include <vector>

#include "gtest/gtest.h"

namespace ftel {
namespace {

constexpr int64_t kWall = 1800000000000;  // 2027-01-15
constexpr int64_t kInterval = 10000;

// Polls until nothing more closes, as the agent's loop does each turn.
std::vector<WindowScheduler::Window> PollAll(WindowScheduler& windows, int64_t wall,
                                             int64_t monotonic) {
  std::vector<WindowScheduler::Window> closed;
  while (auto window = windows.Poll(wall, monotonic)) closed.push_back(*window);
  return closed;
}

TEST(WindowScheduler, WindowsAreContiguousAndAsLongAsTheInterval) {
  WindowScheduler windows(kInterval, kWall, 0);
  EXPECT_TRUE(PollAll(windows, kWall + 5000, 5000).empty());
  auto first = PollAll(windows, kWall + 10000, 10000);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].start_ms, kWall);
  EXPECT_EQ(first[0].end_ms, kWall + kInterval);
  EXPECT_FALSE(first[0].clock_stepped);
  auto second = PollAll(windows, kWall + 20150, 20150);  // a late turn
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].start_ms, first[0].end_ms);
  EXPECT_EQ(second[0].end_ms, kWall + 2 * kInterval) << "ends when it was due, not when polled";
  EXPECT_EQ(windows.next_close_monotonic_ms(), 30000);
}

TEST(WindowScheduler, AStepForwardClosesTheWindowAtTheStepAndIsFlagged) {
  WindowScheduler windows(kInterval, kWall, 0);
  PollAll(windows, kWall + 4000, 4000);
  // NTP moves the wall clock one hour on between two turns of the loop.
  auto stepped = PollAll(windows, kWall + 4200 + 3600000, 4200);
  ASSERT_EQ(stepped.size(), 1u);
  EXPECT_TRUE(stepped[0].clock_stepped);
  EXPECT_EQ(stepped[0].step_ms, 3600000);
  EXPECT_EQ(stepped[0].start_ms, kWall);
  EXPECT_EQ(stepped[0].end_ms, kWall + 4200) << "on the old time line";
  // The next window starts on the new time line and lasts one interval.
  auto next = PollAll(windows, kWall + 14200 + 3600000, 14200);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_FALSE(next[0].clock_stepped);
  EXPECT_EQ(next[0].start_ms, kWall + 4200 + 3600000);
  EXPECT_EQ(next[0].end_ms - next[0].start_ms, kInterval);
}

// The loop wakes a little after a window was due and sees a step then: the
// window ends when it was due, and the next begins there on the monotonic
// clock (on the new time line), with no gap of the wake-up's lateness.
TEST(WindowScheduler, AStepSeenAfterTheWindowWasDueLeavesNoGap) {
  WindowScheduler windows(kInterval, kWall, 0);
  PollAll(windows, kWall + 9000, 9000);
  auto stepped = PollAll(windows, kWall + 10003 + 3600000, 10003);
  ASSERT_EQ(stepped.size(), 1u);
  EXPECT_TRUE(stepped[0].clock_stepped);
  EXPECT_EQ(stepped[0].end_ms, kWall + kInterval);
  // The next window began at monotonic 10000: 3 ms before the poll.
  EXPECT_EQ(windows.line_offset_ms(), kWall + 3600000);
  auto next = PollAll(windows, kWall + 20000 + 3600000, 20000);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].start_ms, kWall + kInterval + 3600000);
  EXPECT_EQ(next[0].end_ms - next[0].start_ms, kInterval);
}

TEST(WindowScheduler, AStepBackNeverStallsTheWindows) {
  WindowScheduler windows(kInterval, kWall, 0);
  PollAll(windows, kWall + 10000, 10000);
  auto stepped = PollAll(windows, kWall + 12000 - 3600000, 12000);
  ASSERT_EQ(stepped.size(), 1u);
  EXPECT_TRUE(stepped[0].clock_stepped);
  EXPECT_EQ(stepped[0].step_ms, -3600000);
  EXPECT_EQ(stepped[0].end_ms, kWall + 12000);
  // Ten seconds later on the monotonic clock the next window closes, although
  // the wall clock is an hour behind where it was.
  auto next = PollAll(windows, kWall + 22000 - 3600000, 22000);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].end_ms - next[0].start_ms, kInterval);
}

TEST(WindowScheduler, ALateLoopCatchesUpWindowByWindowAndSkipsWhatIsFarBehind) {
  WindowScheduler windows(kInterval, kWall, 0);
  auto three = PollAll(windows, kWall + 35000, 35000);
  ASSERT_EQ(three.size(), 3u);
  for (size_t i = 0; i < three.size(); ++i) {
    EXPECT_EQ(three[i].end_ms - three[i].start_ms, kInterval) << i;
    if (i > 0) {
      EXPECT_EQ(three[i].start_ms, three[i - 1].end_ms);
    }
  }
  const int64_t far = 40000 + (WindowScheduler::kMaxCatchUp + 50) * kInterval;
  auto caught_up = PollAll(windows, kWall + far, far);
  ASSERT_FALSE(caught_up.empty());
  EXPECT_LE(caught_up.size(), static_cast<size_t>(WindowScheduler::kMaxCatchUp) + 1);
  EXPECT_EQ(caught_up.back().end_ms, kWall + far - far % kInterval) << "up to now";
}

TEST(WindowScheduler, SlowCorrectionsOfTheWallClockAreFollowedNotFlagged) {
  // NTP slews the wall clock 500 ppm fast (5 ms per window), then as slow.
  for (const int64_t drift : {5, -5}) {
    WindowScheduler windows(kInterval, kWall, 0);
    int64_t wall = kWall;
    int64_t end = kWall;
    for (int64_t i = 1; i <= 40; ++i) {
      wall += kInterval + drift;
      for (const WindowScheduler::Window& w : PollAll(windows, wall, i * kInterval)) {
        EXPECT_FALSE(w.clock_stepped);
        EXPECT_LE(w.end_ms - w.start_ms, kInterval) << "never longer than the interval";
        EXPECT_GE(w.start_ms, end) << "never overlapping the one before";
        end = w.end_ms;
      }
    }
    EXPECT_LE(std::llabs(wall - end), WindowScheduler::kResyncMs + std::llabs(drift))
        << "the stamps kept up with the wall clock (drift " << drift << ")";
  }
}

}  // namespace
}  // namespace ftel
