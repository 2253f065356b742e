// Time as the rest of ftel sees it: injected, so tests can move it by hand.
// Two clocks (docs/design.md decision 11): the wall clock stamps what is
// reported and can be stepped (NTP after a boot without a clock battery);
// the monotonic clock schedules, and never jumps.
//
//   SystemClock clock;
//   int64_t stamp = clock.NowMs();          // Unix ms, for reports
//   int64_t due = clock.MonotonicMs() + 500;  // for timers
#ifndef FTEL_LIBFTEL_PLATFORM_CLOCK_H_
#define FTEL_LIBFTEL_PLATFORM_CLOCK_H_

#include <cstdint>

namespace ftel {

// Thread-safe source of wall-clock time.
class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in milliseconds.
  virtual int64_t NowMs() const = 0;
  // Milliseconds since an arbitrary start; never steps.
  virtual int64_t MonotonicMs() const = 0;
};

// The real clock.
class SystemClock : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t MonotonicMs() const override;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_CLOCK_H_
