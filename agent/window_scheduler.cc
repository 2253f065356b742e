#include "agent/window_scheduler.h"

#include <algorithm>
#include <cstdlib>

namespace ftel {

ClockReading ReadClocks(const Clock& clock) {
  ClockReading reading;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int64_t before = clock.MonotonicMs();
    reading.wall_ms = clock.NowMs();
    const int64_t after = clock.MonotonicMs();
    reading.monotonic_ms = before + (after - before) / 2;
    if (after - before <= 2) break;  // not preempted in between
  }
  return reading;
}

WindowScheduler::WindowScheduler(int64_t interval_ms, int64_t wall_ms, int64_t monotonic_ms)
    : interval_ms_(interval_ms),
      start_wall_ms_(wall_ms),
      start_monotonic_ms_(monotonic_ms),
      last_wall_ms_(wall_ms),
      last_monotonic_ms_(monotonic_ms) {}

std::optional<WindowScheduler::Window> WindowScheduler::Poll(int64_t wall_ms,
                                                             int64_t monotonic_ms) {
  const int64_t step_ms = (wall_ms - last_wall_ms_) - (monotonic_ms - last_monotonic_ms_);
  last_wall_ms_ = wall_ms;
  last_monotonic_ms_ = monotonic_ms;
  if (std::llabs(step_ms) > kStepToleranceMs) {
    // Closed where the old time line says the step came; the next window
    // starts on the new one.
    Window closed;
    closed.start_ms = start_wall_ms_;
    const int64_t elapsed_ms = std::min(monotonic_ms - start_monotonic_ms_, interval_ms_);
    closed.end_ms = start_wall_ms_ + elapsed_ms;
    closed.clock_stepped = true;
    closed.step_ms = step_ms;
    closed.line_offset_ms = line_offset_ms();
    // The next window starts where this one ended on the monotonic clock,
    // even when the step is seen after the window was due: a gap of the
    // poll's lateness would show as missing time.
    start_monotonic_ms_ += elapsed_ms;
    start_wall_ms_ = wall_ms - (monotonic_ms - start_monotonic_ms_);
    if (closed.end_ms <= closed.start_ms) return std::nullopt;  // nothing in it yet
    return closed;
  }
  if (monotonic_ms < start_monotonic_ms_ + interval_ms_) return std::nullopt;
  // Far behind (the loop was blocked for more than kMaxCatchUp windows):
  // the time between is not reported, rather than in a flood of windows.
  if (monotonic_ms - start_monotonic_ms_ > kMaxCatchUp * interval_ms_) {
    const int64_t skipped = (monotonic_ms - start_monotonic_ms_) / interval_ms_ - 1;
    start_monotonic_ms_ += skipped * interval_ms_;
    start_wall_ms_ += skipped * interval_ms_;
  }
  // On time, or late (a slow turn of the loop): the window ends at its
  // scheduled time, so that none is longer than the interval, and the next
  // one starts there, so that they stay contiguous; a caller that is behind
  // polls again at once for the next.
  const int64_t scheduled_monotonic_ms = start_monotonic_ms_ + interval_ms_;
  Window closed;
  closed.start_ms = start_wall_ms_;
  closed.end_ms = start_wall_ms_ + interval_ms_;
  closed.line_offset_ms = line_offset_ms();
  // The stamps follow the wall clock's slow corrections (NTP slewing)
  // instead of drifting from it: once they are kResyncMs apart, a wall
  // clock that is behind shortens this window and one that is ahead starts
  // the next one later. Never a longer window.
  const int64_t wall_at_end = wall_ms - (monotonic_ms - scheduled_monotonic_ms);
  if (wall_at_end < closed.end_ms - kResyncMs)
    closed.end_ms = std::max(wall_at_end, closed.start_ms + 1);
  start_wall_ms_ = wall_at_end > closed.end_ms + kResyncMs ? wall_at_end : closed.end_ms;
  start_monotonic_ms_ = scheduled_monotonic_ms;
  return closed;
}

}  // namespace ftel
