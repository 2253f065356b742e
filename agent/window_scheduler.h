// When the agent's report windows close, and their stamps: scheduled on the
// monotonic clock and stamped with the wall clock (docs/design.md decision
// 11). A step of the wall clock (NTP setting a box that booted with a wrong
// time, a resume from suspend) closes the current window at the step, on the
// old time line, and flags it; the next window starts on the new one. A
// window is never longer than the interval, and a step back never stalls the
// agent. Pure: both clocks are passed in.
//
//   WindowScheduler windows(interval_ms, clock.NowMs(), clock.MonotonicMs());
//   if (auto closed = windows.Poll(clock.NowMs(), clock.MonotonicMs())) Sample(*closed);
//   sleep until windows.next_close_monotonic_ms()
#ifndef FTEL_AGENT_WINDOW_SCHEDULER_H_
#define FTEL_AGENT_WINDOW_SCHEDULER_H_

#include <cstdint>
#include <optional>

#include "libftel/platform/clock.h"

namespace ftel {

// Both clocks read at one instant, as nearly as can be: a thread preempted
// between the two reads would otherwise look like a step.
struct ClockReading {
  int64_t wall_ms = 0;
  int64_t monotonic_ms = 0;
};
ClockReading ReadClocks(const Clock& clock);

class WindowScheduler {
 public:
  // A difference between the two clocks' progress above this is a step.
  static constexpr int64_t kStepToleranceMs = 1000;
  // How far the stamps may drift from the wall clock before they follow it
  // (NTP slews at most 0.5 ms a second: minutes of drift).
  static constexpr int64_t kResyncMs = 250;
  // Windows a late caller may catch up on; older time is skipped.
  static constexpr int64_t kMaxCatchUp = 100;

  struct Window {
    int64_t start_ms = 0;  // wall clock, inclusive
    int64_t end_ms = 0;    // wall clock, exclusive
    // The window was closed early because the wall clock stepped by
    // `step_ms` (positive: forward) right after it.
    bool clock_stepped = false;
    int64_t step_ms = 0;
    // The time line it was stamped on: wall minus monotonic milliseconds.
    // Stamps on one line are exact (no rounding between windows), so a
    // ClockHold can move windows from one line to another back to back.
    int64_t line_offset_ms = 0;
  };

  WindowScheduler(int64_t interval_ms, int64_t wall_ms, int64_t monotonic_ms);

  // Call every turn of the loop (at least once per second for steps to be
  // told from drift): the next window that closed, if any; call again while
  // one comes back.
  std::optional<Window> Poll(int64_t wall_ms, int64_t monotonic_ms);
  int64_t next_close_monotonic_ms() const { return start_monotonic_ms_ + interval_ms_; }
  // The time line the next window is stamped on.
  int64_t line_offset_ms() const { return start_wall_ms_ - start_monotonic_ms_; }

 private:
  int64_t interval_ms_;
  int64_t start_wall_ms_;
  int64_t start_monotonic_ms_;
  int64_t last_wall_ms_;
  int64_t last_monotonic_ms_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_WINDOW_SCHEDULER_H_
