// What the polls of one work unit add up to, per report window: the part
// counters' increments and the planned and running time between successive
// polls, handed over as the unit's ISO 22400 elements, or as unknown (with
// the reason) for a window without a successful poll. Pure: the caller
// gives the times of each poll, so tests drive it with a fake clock. Not
// thread-safe; ModbusSource guards it with its lock.
//
// The rules: the time between two successful polls counts with the states
// read at the first of them (planned: PBT; running while planned: APT);
// with a shift calendar, PBT is the exact overlap with the shifts. A
// failed poll (PLC away) ends the stretch: the time until the next
// successful poll counts as neither, and neither do the parts counted over
// it (the first poll after an outage only takes the counters' new values):
// parts without their time would push OEE past 100%. Parts count in the
// window of the poll that saw them; time in
// the window where it lies on the wall clock, an interval across a
// window's end being split in proportion. PBT and APT are capped at the
// window's length (an interval that began before an already handed-over
// window's end counts in the next one), and APT at PBT.
//
//   WorkUnitTracker tracker(map);
//   tracker.Observe(reading, clock.NowMs(), clock.MonotonicMs());  // each poll
//   tracker.Lost("unreachable: Connection refused");               // a failed poll
//   Figure<v1::WorkUnitElements> e = tracker.TakeWindow(window);   // each window
#ifndef FTEL_AGENT_SOURCES_MODBUS_WORK_UNIT_TRACKER_H_
#define FTEL_AGENT_SOURCES_MODBUS_WORK_UNIT_TRACKER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "agent/sources/kpi_source.h"
#include "agent/sources/modbus/register_decode.h"
#include "agent/sources/modbus/register_map.h"
#include "agent/sources/modbus/shift_calendar.h"

namespace ftel {

// One successful poll of a work unit: raw counter values and states.
struct UnitReading {
  uint64_t produced = 0;
  std::optional<uint64_t> good;
  std::optional<uint64_t> scrap;
  // True where the map has no such state.
  bool running = true;
  bool planned = true;
};

class WorkUnitTracker {
 public:
  explicit WorkUnitTracker(const WorkUnitMap& map);

  // A successful poll that completed at `wall_ms` (Unix ms) and `mono_ms`
  // (monotonic ms; measures the time since the previous poll).
  void Observe(const UnitReading& reading, int64_t wall_ms, int64_t mono_ms);
  // A failed poll, and why ("timeout after 1000 ms").
  void Lost(const std::string& reason);
  // What the polls that completed before `window.end_ms` add up to.
  Figure<v1::WorkUnitElements> TakeWindow(const ReportWindow& window);

  const std::string& work_unit_id() const { return map_.work_unit_id; }

 private:
  // Polls not handed over yet. [start_ms, end_ms] is the wall-clock stretch
  // its times cover; end_ms is the poll's own time.
  struct Stretch {
    int64_t start_ms = 0;
    int64_t end_ms = 0;
    double planned_ms = 0;
    double running_ms = 0;
    double produced = 0;
    double good = 0;
    double scrap = 0;
    // Every counter gave an increment (it had a baseline).
    bool complete = false;
  };
  struct LastPoll {
    int64_t wall_ms;
    int64_t mono_ms;
    bool running;
    bool planned;
  };
  // Whole parts out of `*carry` plus `more`; the fraction stays in `*carry`.
  static uint64_t TakeWhole(double more, double* carry);

  const WorkUnitMap map_;
  const ShiftCalendar calendar_;
  PartCounter produced_;
  std::optional<PartCounter> good_;
  std::optional<PartCounter> scrap_;
  std::optional<LastPoll> last_;
  std::string problem_;
  std::deque<Stretch> pending_;
  double produced_carry_ = 0;
  double good_carry_ = 0;
  double scrap_carry_ = 0;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MODBUS_WORK_UNIT_TRACKER_H_
