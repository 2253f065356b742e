#include "agent/sources/modbus/work_unit_tracker.h"

#include <cstdlib>

#include "gtest/gtest.h"
#include "tests/support/fake_clock.h"

namespace ftel {
namespace {

// 2024-01-01T00:00:00Z, a Monday.
constexpr int64_t kMonday = 1704067200000;

WorkUnitMap Map() {
  WorkUnitMap map;
  map.work_unit_id = "press-1";
  map.produced.width_bits = 16;
  map.good = CounterSpec{};
  map.running = StateSpec{};
  map.planned_run_time_per_unit_s = 2.5;
  return map;
}

UnitReading Reading(uint64_t produced, uint64_t good, bool running = true) {
  UnitReading r;
  r.produced = produced;
  r.good = good;
  r.running = running;
  return r;
}

// Polls every second with the fake clock and closes 10 s windows.
class TrackerTest : public ::testing::Test {
 protected:
  explicit TrackerTest(WorkUnitMap map = Map()) : tracker_(map) {}

  void Poll(const UnitReading& reading) {
    clock_.Advance(1000);
    tracker_.Observe(reading, clock_.NowMs(), clock_.MonotonicMs());
  }
  void Fail(const std::string& reason) {
    clock_.Advance(1000);
    tracker_.Lost(reason);
  }
  Figure<v1::WorkUnitElements> Window() {
    ReportWindow w{window_start_, window_start_ + 10000, ++sequence_};
    window_start_ = w.end_ms;
    return tracker_.TakeWindow(w);
  }

  FakeClock clock_{kMonday};
  WorkUnitTracker tracker_;
  int64_t window_start_ = kMonday;
  uint64_t sequence_ = 0;
};

TEST_F(TrackerTest, NoPollIsUnknownNotZero) {
  Figure<v1::WorkUnitElements> w = Window();
  EXPECT_FALSE(w.known());
  EXPECT_EQ(w.unknown_reason, "no poll completed in the window");
}

TEST_F(TrackerTest, FirstPollOnlySetsTheBaseline) {
  Poll(Reading(100, 90));
  Figure<v1::WorkUnitElements> w = Window();
  EXPECT_FALSE(w.known());
  EXPECT_EQ(w.unknown_reason, "no baseline yet");
}

TEST_F(TrackerTest, CountsAndTimesPerWindow) {
  // Polls at +1 s .. +9 s in the first window; the first is the baseline.
  for (int i = 0; i < 9; ++i) Poll(Reading(100 + 2 * i, 100 + i));
  Figure<v1::WorkUnitElements> first = Window();
  ASSERT_TRUE(first.known()) << first.unknown_reason;
  EXPECT_EQ(first.value->work_unit_id(), "press-1");
  EXPECT_EQ(first.value->produced_quantity(), 16u);
  EXPECT_EQ(first.value->good_quantity(), 8u);
  EXPECT_EQ(first.value->scrap_quantity(), 0u);
  EXPECT_DOUBLE_EQ(first.value->planned_busy_time_s(), 8.0);  // from the first poll on
  EXPECT_DOUBLE_EQ(first.value->actual_production_time_s(), 8.0);
  EXPECT_DOUBLE_EQ(first.value->planned_run_time_per_unit_s(), 2.5);

  // The second window: 10 polls, +10 s .. +19 s; running stops at +14 s.
  for (int i = 0; i < 10; ++i) Poll(Reading(120 + i, 110 + i, /*running=*/i < 5));
  Figure<v1::WorkUnitElements> second = Window();
  ASSERT_TRUE(second.known());
  EXPECT_EQ(second.value->produced_quantity(), 13u);  // 116 -> 129
  EXPECT_EQ(second.value->good_quantity(), 11u);      // 108 -> 119
  EXPECT_DOUBLE_EQ(second.value->planned_busy_time_s(), 10.0);
  // Running read at +9 .. +14 holds until the next poll: +9 .. +15.
  EXPECT_DOUBLE_EQ(second.value->actual_production_time_s(), 6.0);
}

TEST_F(TrackerTest, IntervalAcrossTheWindowEndIsSplit) {
  Poll(Reading(0, 0));  // +1 s
  clock_.Advance(7500);
  tracker_.Observe(Reading(5, 5), clock_.NowMs(), clock_.MonotonicMs());  // +8.5 s
  clock_.Advance(3000);
  tracker_.Observe(Reading(9, 9), clock_.NowMs(), clock_.MonotonicMs());  // +11.5 s
  // The window [0, 10 s) is taken late, after the poll at +11.5 s.
  Figure<v1::WorkUnitElements> first = Window();
  ASSERT_TRUE(first.known());
  EXPECT_EQ(first.value->produced_quantity(), 5u);            // the later poll's parts are not its
  EXPECT_DOUBLE_EQ(first.value->planned_busy_time_s(), 9.0);  // +1 .. +10
  Figure<v1::WorkUnitElements> second = Window();
  ASSERT_TRUE(second.known());
  EXPECT_EQ(second.value->produced_quantity(), 4u);
  EXPECT_DOUBLE_EQ(second.value->planned_busy_time_s(), 1.5);  // +10 .. +11.5
}

TEST_F(TrackerTest, OutageIsUnknownAndNeitherItsTimeNorItsPartsCount) {
  for (int i = 0; i < 9; ++i) Poll(Reading(100 + i, 100 + i));
  ASSERT_TRUE(Window().known());
  for (int i = 0; i < 10; ++i) Fail("unreachable: Connection refused");
  Figure<v1::WorkUnitElements> away = Window();
  EXPECT_FALSE(away.known());
  EXPECT_EQ(away.unknown_reason, "unreachable: Connection refused");
  // Back: 30 parts were made while away; like the time away, they do not
  // count (they would make OEE exceed 100%).
  for (int i = 0; i < 5; ++i) Fail("timeout after 1000 ms");
  for (int i = 0; i < 5; ++i) Poll(Reading(138 + i, 138 + i));
  Figure<v1::WorkUnitElements> back = Window();
  ASSERT_TRUE(back.known()) << back.unknown_reason;
  EXPECT_EQ(back.value->produced_quantity(), 4u);  // 138 -> 142, not 108 -> 142
  EXPECT_DOUBLE_EQ(back.value->planned_busy_time_s(), 4.0);
  EXPECT_DOUBLE_EQ(back.value->actual_production_time_s(), 4.0);
}

TEST_F(TrackerTest, ACounterResetDuringAnOutageCountsNothingOfIt) {
  Poll(Reading(5000, 5000));
  Poll(Reading(5010, 5010));
  ASSERT_TRUE(Window().known());
  Fail("timeout after 1000 ms");
  Poll(Reading(7, 7));  // the PLC restarted and cleared its counters
  Poll(Reading(9, 9));
  Figure<v1::WorkUnitElements> w = Window();
  ASSERT_TRUE(w.known());
  EXPECT_EQ(w.value->produced_quantity(), 2u);  // never a negative or huge count
}

TEST_F(TrackerTest, SixteenBitWrapAcrossWindows) {
  Poll(Reading(65530, 65530));
  Poll(Reading(65534, 65534));
  EXPECT_EQ(Window().value->produced_quantity(), 4u);
  Poll(Reading(6, 6));
  EXPECT_EQ(Window().value->produced_quantity(), 8u);
}

TEST_F(TrackerTest, ScaledFractionsCarryToTheNextWindow) {
  WorkUnitMap map = Map();
  map.produced.scale = 0.5;
  map.good.reset();
  WorkUnitTracker tracker(map);
  int64_t start = clock_.NowMs();
  const auto poll = [&](uint64_t produced) {
    clock_.Advance(1000);
    tracker.Observe(Reading(produced, 0), clock_.NowMs(), clock_.MonotonicMs());
  };
  const auto window = [&] {
    ReportWindow w{start, start + 10000, 1};
    start = w.end_ms;
    return tracker.TakeWindow(w);
  };
  poll(0);
  poll(3);  // 1.5 parts
  Figure<v1::WorkUnitElements> first = window();
  EXPECT_EQ(first.value->produced_quantity(), 1u);
  EXPECT_EQ(first.value->good_quantity(), 1u);  // no good or scrap counter: all good
  poll(4);                                      // 2 parts in all
  EXPECT_EQ(window().value->produced_quantity(), 1u);
}

TEST_F(TrackerTest, ScrapCounterGivesGoodAsTheRest) {
  WorkUnitMap map = Map();
  map.good.reset();
  map.scrap = CounterSpec{};
  WorkUnitTracker tracker(map);
  UnitReading r;
  r.produced = 10;
  r.scrap = 1;
  tracker.Observe(r, kMonday + 1000, 2000);
  r.produced = 20;
  r.scrap = 3;
  tracker.Observe(r, kMonday + 2000, 3000);
  Figure<v1::WorkUnitElements> w = tracker.TakeWindow({kMonday, kMonday + 10000, 1});
  ASSERT_TRUE(w.known());
  EXPECT_EQ(w.value->produced_quantity(), 10u);
  EXPECT_EQ(w.value->scrap_quantity(), 2u);
  EXPECT_EQ(w.value->good_quantity(), 8u);
}

TEST_F(TrackerTest, PlannedStateAndRunningOutsidePlan) {
  WorkUnitMap map = Map();
  map.planned = StateSpec{};
  WorkUnitTracker tracker(map);
  UnitReading r = Reading(0, 0);
  r.planned = false;  // running but not planned: neither PBT nor APT
  tracker.Observe(r, kMonday + 1000, 2000);
  r.planned = true;
  tracker.Observe(r, kMonday + 3000, 4000);
  r.running = false;
  tracker.Observe(r, kMonday + 5000, 6000);
  tracker.Observe(r, kMonday + 9000, 10000);
  Figure<v1::WorkUnitElements> w = tracker.TakeWindow({kMonday, kMonday + 10000, 1});
  ASSERT_TRUE(w.known());
  EXPECT_DOUBLE_EQ(w.value->planned_busy_time_s(), 6.0);       // +3 .. +9
  EXPECT_DOUBLE_EQ(w.value->actual_production_time_s(), 2.0);  // +3 .. +5
}

TEST_F(TrackerTest, ShiftCalendarGivesPlannedTime) {
  setenv("TZ", "UTC", 1);
  tzset();
  WorkUnitMap map = Map();
  map.shifts = {Shift{kEveryDay, 6 * 60, 14 * 60}};
  WorkUnitTracker tracker(map);
  // Polls from 05:59:55 to 06:00:05: half of it in the shift.
  const int64_t six = kMonday + 6 * 3600 * 1000;
  tracker.Observe(Reading(0, 0), six - 5000, 100000);
  tracker.Observe(Reading(1, 1), six + 5000, 110000);
  Figure<v1::WorkUnitElements> w = tracker.TakeWindow({six - 10000, six + 10000, 1});
  ASSERT_TRUE(w.known());
  EXPECT_DOUBLE_EQ(w.value->planned_busy_time_s(), 5.0);
  EXPECT_DOUBLE_EQ(w.value->actual_production_time_s(), 5.0);
}

TEST_F(TrackerTest, TimesNeverExceedTheWindow) {
  // A poll that hung for 15 s: its whole stretch lands in one 10 s window.
  Poll(Reading(0, 0));
  clock_.Advance(15000);
  tracker_.Observe(Reading(1, 1), clock_.NowMs(), clock_.MonotonicMs());
  ReportWindow w{clock_.NowMs() - 5000, clock_.NowMs() + 5000, 1};
  Figure<v1::WorkUnitElements> e = tracker_.TakeWindow(w);
  ASSERT_TRUE(e.known());
  EXPECT_DOUBLE_EQ(e.value->planned_busy_time_s(), 10.0);
  EXPECT_DOUBLE_EQ(e.value->actual_production_time_s(), 10.0);
}

}  // namespace
}  // namespace ftel
