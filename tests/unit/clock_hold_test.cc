#include "agent/clock_hold.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

v1::Report Window(uint64_t sequence, int64_t start_ms, int64_t end_ms) {
  v1::Report report;
  report.set_sequence(sequence);
  report.set_window_start_ms(start_ms);
  report.set_window_end_ms(end_ms);
  return report;
}

// A box that booted with its wall clock at 1,000,000 ms (wrong) at
// monotonic 0: its first time line.
constexpr int64_t kWrongLine = 1000000;

TEST(ClockHoldTest, HoldsUntilSynchronisedThenMovesEachWindowToTheNewTimeLine) {
  ClockHold hold(/*max_hold_ms=*/60000);
  hold.Add(Window(1, kWrongLine, kWrongLine + 100), kWrongLine, 100);
  hold.Add(Window(2, kWrongLine + 100, kWrongLine + 200), kWrongLine, 200);
  EXPECT_TRUE(hold.Release(false, kWrongLine, 250).empty());
  EXPECT_EQ(hold.held(), 2u);

  // NTP stepped the clock 1,000,000,000 ms ahead; the third window closed
  // at the step, on the old line, and the scheduler is on the new one.
  const int64_t new_line = kWrongLine + 1000000000;
  hold.Add(Window(3, kWrongLine + 200, kWrongLine + 250), kWrongLine, 250);
  EXPECT_TRUE(hold.Release(false, new_line, 260).empty());
  std::vector<v1::Report> out = hold.Release(true, new_line, 300);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(hold.held(), 0u);
  EXPECT_EQ(out[0].sequence(), 1u);
  EXPECT_EQ(out[0].window_start_ms(), new_line);
  EXPECT_EQ(out[0].window_end_ms(), new_line + 100);
  // Still back to back, and the last ends where the new line's first
  // window starts (new_line + 250, the step).
  EXPECT_EQ(out[1].window_start_ms(), out[0].window_end_ms());
  EXPECT_EQ(out[2].window_start_ms(), out[1].window_end_ms());
  EXPECT_EQ(out[2].window_end_ms(), new_line + 250);
  EXPECT_EQ(out[0].clock_held_ms(), 200u);
  EXPECT_EQ(out[2].clock_held_ms(), 50u);
  EXPECT_FALSE(out[0].clock_unsynchronized());
}

TEST(ClockHoldTest, WindowsAlreadyOnTheNewLineAreNotMoved) {
  ClockHold hold(60000);
  hold.Add(Window(1, 5000050, 5000150), 5000000, 150);
  std::vector<v1::Report> out = hold.Release(true, 5000000, 160);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start_ms(), 5000050);
  EXPECT_EQ(out[0].window_end_ms(), 5000150);
  EXPECT_EQ(out[0].clock_held_ms(), 10u);
}

TEST(ClockHoldTest, GivesUpAfterTheLongestHoldAndFlagsUntilSynchronised) {
  ClockHold hold(/*max_hold_ms=*/1000);
  hold.Add(Window(1, 0, 100), 0, 100);
  EXPECT_TRUE(hold.Release(false, 0, 1099).empty());
  std::vector<v1::Report> out = hold.Release(false, 0, 1100);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].clock_unsynchronized());
  EXPECT_EQ(out[0].window_end_ms(), 100);  // the line did not move: times kept
  EXPECT_TRUE(hold.gave_up());
  // Given up: each later window goes out at once, flagged.
  hold.Add(Window(2, 100, 200), 0, 1200);
  out = hold.Release(false, 0, 1200);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].clock_unsynchronized());
  // Synchronised once: holding is back for the next time.
  hold.Add(Window(3, 200, 300), 0, 1300);
  out = hold.Release(true, 0, 1300);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].clock_unsynchronized());
  EXPECT_FALSE(hold.gave_up());
  hold.Add(Window(4, 300, 400), 0, 1400);
  EXPECT_TRUE(hold.Release(false, 0, 1400).empty());
}

TEST(ClockHoldTest, GivesUpWhenTooManyAreHeld) {
  ClockHold hold(/*max_hold_ms=*/1000000000);
  for (uint64_t i = 1; i < ClockHold::kMaxHeld; ++i) {
    const int64_t end = static_cast<int64_t>(i) * 10;
    hold.Add(Window(i, end - 10, end), 0, end);
    ASSERT_TRUE(hold.Release(false, 0, end).empty()) << i;
  }
  hold.Add(Window(ClockHold::kMaxHeld, 0, 1), 0, 50000);
  std::vector<v1::Report> out = hold.Release(false, 0, 50000);
  ASSERT_EQ(out.size(), ClockHold::kMaxHeld);
  EXPECT_TRUE(out.back().clock_unsynchronized());
}

TEST(ClockHoldTest, ReleaseAllOnStopFlagsWhatIsHeld) {
  ClockHold hold(60000);
  hold.Add(Window(1, 0, 100), 0, 100);
  std::vector<v1::Report> out = hold.ReleaseAll(0, 150);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].clock_unsynchronized());
  EXPECT_EQ(out[0].clock_held_ms(), 50u);
  EXPECT_TRUE(hold.ReleaseAll(0, 200).empty());
}

}  // namespace
}  // namespace ftel

namespace ftel {
namespace {

TEST(ClockHoldTest, ALineMovedLessThanAStepLeavesTheWindowWhereItIs) {
  ClockHold hold(60000);
  // The scheduler followed NTP's slewing by 300 ms: not a step.
  hold.Add(Window(1, 1000, 2000), 0, 2000);
  std::vector<v1::Report> out = hold.Release(true, 300, 2000);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start_ms(), 1000);
  EXPECT_EQ(out[0].window_end_ms(), 2000);
}

}  // namespace
}  // namespace ftel
