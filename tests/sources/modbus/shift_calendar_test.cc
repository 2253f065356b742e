#include "agent/sources/modbus/shift_calendar.h"

#include <cstdlib>
#include <ctime>
#include <string>

#include "gtest/gtest.h"

namespace ftel {
namespace {

constexpr int64_t kHour = 3600 * 1000;
// 2024-01-01T00:00:00Z, a Monday.
constexpr int64_t kMonday = 1704067200000;
constexpr int64_t kDay = 24 * kHour;
constexpr uint8_t kFriday = 1u << 5;

// Runs the test in time zone `zone`, then puts the old one back.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_.empty()) {
      unsetenv("TZ");
    } else {
      setenv("TZ", old_.c_str(), 1);
    }
    tzset();
  }

 private:
  std::string old_;
};

TEST(ShiftCalendarTest, DayShiftOnWeekdays) {
  ScopedTimeZone utc("UTC");
  const ShiftCalendar calendar({{kWeekdays, 6 * 60, 14 * 60}});
  EXPECT_EQ(calendar.PlannedMs(kMonday + 5 * kHour, kMonday + 7 * kHour), kHour);
  EXPECT_EQ(calendar.PlannedMs(kMonday, kMonday + kDay), 8 * kHour);
  EXPECT_EQ(calendar.PlannedMs(kMonday, kMonday + 7 * kDay), 5 * 8 * kHour);
  const int64_t saturday = kMonday + 5 * kDay;
  EXPECT_EQ(calendar.PlannedMs(saturday, saturday + kDay), 0);
  EXPECT_EQ(calendar.PlannedMs(kMonday + 7 * kHour, kMonday + 7 * kHour), 0);
}

TEST(ShiftCalendarTest, NightShiftEndsTheNextDay) {
  ScopedTimeZone utc("UTC");
  const ShiftCalendar calendar({{kFriday, 22 * 60, 6 * 60}});
  const int64_t friday = kMonday + 4 * kDay;
  const int64_t saturday = friday + kDay;
  EXPECT_EQ(calendar.PlannedMs(saturday + 2 * kHour, saturday + 3 * kHour), kHour);
  EXPECT_EQ(calendar.PlannedMs(friday, saturday + kDay), 8 * kHour);
  // Saturday night is not a Friday shift.
  EXPECT_EQ(calendar.PlannedMs(saturday + 23 * kHour, saturday + kDay + 2 * kHour), 0);
}

TEST(ShiftCalendarTest, OverlappingShiftsCountOnce) {
  ScopedTimeZone utc("UTC");
  const ShiftCalendar calendar({{kEveryDay, 6 * 60, 14 * 60}, {kEveryDay, 12 * 60, 20 * 60}});
  EXPECT_EQ(calendar.PlannedMs(kMonday, kMonday + kDay), 14 * kHour);
}

TEST(ShiftCalendarTest, LocalTimeOfTheBox) {
  ScopedTimeZone shanghai("Asia/Shanghai");  // UTC+8, no daylight saving
  const ShiftCalendar calendar({{kEveryDay, 8 * 60, 9 * 60}});
  // 08:00-09:00 in Shanghai is 00:00-01:00 UTC.
  EXPECT_EQ(calendar.PlannedMs(kMonday, kMonday + kHour), kHour);
  EXPECT_EQ(calendar.PlannedMs(kMonday + 8 * kHour, kMonday + 9 * kHour), 0);
}

TEST(ShiftCalendarTest, DaylightSavingDayIsShorter) {
  ScopedTimeZone berlin("Europe/Berlin");
  // Sunday 2024-03-31: clocks go from 02:00 to 03:00, so 00:00-06:00 lasts 5 h.
  const int64_t march_31_utc_midnight = 1711843200000;
  const ShiftCalendar calendar({{kEveryDay, 0, 6 * 60}});
  EXPECT_EQ(
      calendar.PlannedMs(march_31_utc_midnight - 2 * kHour, march_31_utc_midnight + 10 * kHour),
      5 * kHour);
}

}  // namespace
}  // namespace ftel
