// A shift calendar (weekdays, start and end times of day in the box's local
// time) and how much of a stretch of wall-clock time lies inside it: the
// planned busy time of a work unit whose plan is a calendar. Overlapping
// shifts count once; daylight saving changes follow the C library's local
// time (TZ, /etc/localtime).
//
//   ShiftCalendar calendar({{kWeekdays, 6 * 60, 14 * 60}, {kWeekdays, 22 * 60, 6 * 60}});
//   int64_t planned_ms = calendar.PlannedMs(from_ms, to_ms);
#ifndef FTEL_AGENT_SOURCES_MODBUS_SHIFT_CALENDAR_H_
#define FTEL_AGENT_SOURCES_MODBUS_SHIFT_CALENDAR_H_

#include <cstdint>
#include <vector>

namespace ftel {

// Bit d set: the shift starts on weekday d (0 Sunday .. 6 Saturday, as tm_wday).
constexpr uint8_t kEveryDay = 0x7f;
constexpr uint8_t kWeekdays = 0x3e;  // Monday..Friday

struct Shift {
  uint8_t days = kEveryDay;
  // Minutes after local midnight, 0..1439. An end at or before the start is
  // on the next day.
  int start_minute = 0;
  int end_minute = 0;
};

class ShiftCalendar {
 public:
  explicit ShiftCalendar(std::vector<Shift> shifts) : shifts_(std::move(shifts)) {}

  // Milliseconds of [from_ms, to_ms) (Unix ms) inside a shift; 0 when
  // to_ms <= from_ms.
  int64_t PlannedMs(int64_t from_ms, int64_t to_ms) const;

 private:
  std::vector<Shift> shifts_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MODBUS_SHIFT_CALENDAR_H_
