// Windows that closed while the wall clock was not synchronised, held until
// it is (docs/design.md decision 11, docs/operations.md#clocks). A held
// window was sampled on time; its stamps are provisional, on the time line
// the WindowScheduler had then (its wall minus monotonic offset). Once the
// clock is synchronised each is moved to the scheduler's current line, so
// that held windows and the ones after them stay back to back on the right
// time. Holding too long, or too many, gives up: the windows go out with
// their provisional times, flagged `clock_unsynchronized`, as do later ones
// until the clock is synchronised. Pure: clock readings are passed in.
//
//   hold.Add(std::move(report), closed.line_offset_ms, monotonic_ms);
//   for (v1::Report& r : hold.Release(synchronized, windows.line_offset_ms(), monotonic_ms))
//     append(r);
#ifndef FTEL_AGENT_CLOCK_HOLD_H_
#define FTEL_AGENT_CLOCK_HOLD_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "ftel/v1/report.pb.h"

namespace ftel {

class ClockHold {
 public:
  static constexpr size_t kMaxHeld = 4096;

  explicit ClockHold(int64_t max_hold_ms) : max_hold_ms_(max_hold_ms) {}

  // Takes a sampled window, stamped on the time line `line_offset_ms`, that
  // closed at `closed_monotonic_ms`.
  void Add(v1::Report report, int64_t line_offset_ms, int64_t closed_monotonic_ms);
  // What may go out now, oldest first, moved to the time line
  // `line_offset_ms`: everything once `synchronized`; everything, flagged,
  // once holding gave up (the oldest waited max_hold_ms, or kMaxHeld are
  // held; until the next synchronisation); nothing otherwise.
  std::vector<v1::Report> Release(bool synchronized, int64_t line_offset_ms, int64_t monotonic_ms);
  // Everything held, flagged: the agent stops.
  std::vector<v1::Report> ReleaseAll(int64_t line_offset_ms, int64_t monotonic_ms);
  bool gave_up() const { return gave_up_; }
  size_t held() const { return held_.size(); }

 private:
  struct Held {
    v1::Report report;
    int64_t line_offset_ms;
    int64_t closed_monotonic_ms;
  };
  std::vector<v1::Report> TakeAll(int64_t line_offset_ms, int64_t monotonic_ms, bool flag);

  const int64_t max_hold_ms_;
  std::deque<Held> held_;
  bool gave_up_ = false;
};

}  // namespace ftel

#endif  // FTEL_AGENT_CLOCK_HOLD_H_
