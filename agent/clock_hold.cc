#include "agent/clock_hold.h"

#include <algorithm>
#include <cstdlib>

#include "agent/window_scheduler.h"

namespace ftel {

void ClockHold::Add(v1::Report report, int64_t line_offset_ms, int64_t closed_monotonic_ms) {
  held_.push_back(Held{std::move(report), line_offset_ms, closed_monotonic_ms});
}

std::vector<v1::Report> ClockHold::Release(bool synchronized, int64_t line_offset_ms,
                                           int64_t monotonic_ms) {
  if (synchronized) {
    gave_up_ = false;
    return TakeAll(line_offset_ms, monotonic_ms, /*flag=*/false);
  }
  if (!held_.empty() && (held_.size() >= kMaxHeld ||
                         monotonic_ms - held_.front().closed_monotonic_ms >= max_hold_ms_)) {
    gave_up_ = true;
  }
  if (!gave_up_) return {};
  return TakeAll(line_offset_ms, monotonic_ms, /*flag=*/true);
}

std::vector<v1::Report> ClockHold::ReleaseAll(int64_t line_offset_ms, int64_t monotonic_ms) {
  return TakeAll(line_offset_ms, monotonic_ms, /*flag=*/true);
}

std::vector<v1::Report> ClockHold::TakeAll(int64_t line_offset_ms, int64_t monotonic_ms,
                                           bool flag) {
  std::vector<v1::Report> out;
  out.reserve(held_.size());
  for (Held& held : held_) {
    // How far the time line moved since the window was stamped: the step
    // (NTP setting the clock) it was waiting for; 0 without one.
    // Below a step (the scheduler's own follow-up of NTP's slewing), the
    // window stays where it is: moving it would open a gap before it.
    int64_t moved_ms = line_offset_ms - held.line_offset_ms;
    if (std::llabs(moved_ms) <= WindowScheduler::kStepToleranceMs) moved_ms = 0;
    v1::Report& report = held.report;
    report.set_window_start_ms(report.window_start_ms() + moved_ms);
    report.set_window_end_ms(report.window_end_ms() + moved_ms);
    report.set_clock_held_ms(
        static_cast<uint64_t>(std::max<int64_t>(monotonic_ms - held.closed_monotonic_ms, 0)));
    report.set_clock_unsynchronized(flag);
    out.push_back(std::move(report));
  }
  held_.clear();
  return out;
}

}  // namespace ftel
