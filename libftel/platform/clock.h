// Time as the rest of ftel sees it: injected, so tests can move it by hand.
//
//   SystemClock clock;
//   int64_t now = clock.NowMs();
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
};

// The real clock.
class SystemClock : public Clock {
 public:
  int64_t NowMs() const override;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_CLOCK_H_
