// A clock that moves only when the test says so: Advance moves both clocks,
// StepWall only the wall clock (an NTP step).
#ifndef FTEL_TESTS_SUPPORT_FAKE_CLOCK_H_
#define FTEL_TESTS_SUPPORT_FAKE_CLOCK_H_

#include <atomic>

#include "libftel/platform/clock.h"

namespace ftel {

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  int64_t MonotonicMs() const override { return monotonic_ms_.load(); }
  void Advance(int64_t ms) {
    now_ms_ += ms;
    monotonic_ms_ += ms;
  }
  void StepWall(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_;
  std::atomic<int64_t> monotonic_ms_{1000};
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_FAKE_CLOCK_H_
