#include "agent/sources/modbus/shift_calendar.h"

#include <algorithm>
#include <ctime>
#include <utility>

namespace ftel {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Unix ms of `minute` minutes after the local midnight that starts `day`
// (a struct tm at local midnight), `day_offset` days later.
int64_t LocalMs(const std::tm& day, int day_offset, int minute) {
  std::tm t = day;
  t.tm_mday += day_offset;
  t.tm_hour = minute / 60;
  t.tm_min = minute % 60;
  t.tm_sec = 0;
  t.tm_isdst = -1;  // let the C library decide, for that very time
  return static_cast<int64_t>(std::mktime(&t)) * 1000;
}

}  // namespace

int64_t ShiftCalendar::PlannedMs(int64_t from_ms, int64_t to_ms) const {
  if (to_ms <= from_ms || shifts_.empty()) return 0;
  // Local midnight of the day before `from`: a night shift that started
  // then may still run.
  const std::time_t from_s = static_cast<std::time_t>(FloorDiv(from_ms, 1000));
  std::tm first_day{};
  localtime_r(&from_s, &first_day);
  first_day.tm_hour = 0;
  first_day.tm_min = 0;
  first_day.tm_sec = 0;
  first_day.tm_mday -= 1;
  first_day.tm_isdst = -1;
  std::mktime(&first_day);  // normalises, sets tm_wday

  std::vector<std::pair<int64_t, int64_t>> spans;
  for (int offset = 0;; ++offset) {
    std::tm day = first_day;
    day.tm_mday += offset;
    day.tm_isdst = -1;
    const int64_t midnight_ms = static_cast<int64_t>(std::mktime(&day)) * 1000;
    if (midnight_ms >= to_ms) break;
    for (const Shift& shift : shifts_) {
      if ((shift.days & (1u << day.tm_wday)) == 0) continue;
      const int64_t start = LocalMs(day, 0, shift.start_minute);
      const int64_t end =
          LocalMs(day, shift.end_minute <= shift.start_minute ? 1 : 0, shift.end_minute);
      const int64_t lo = std::max(start, from_ms);
      const int64_t hi = std::min(end, to_ms);
      if (lo < hi) spans.emplace_back(lo, hi);
    }
  }
  std::sort(spans.begin(), spans.end());
  int64_t planned = 0;
  int64_t covered_to = from_ms;
  for (const auto& [lo, hi] : spans) {
    const int64_t begin = std::max(lo, covered_to);
    if (hi > begin) {
      planned += hi - begin;
      covered_to = hi;
    }
  }
  return planned;
}

}  // namespace ftel
