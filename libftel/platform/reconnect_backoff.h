// Waits between connection attempts (to a broker, a PLC): exponential from
// `min_ms` to `max_ms`, each wait jittered to 0.5..1.5x so that a fleet of
// agents does not hammer a system that has just come back all in the same
// millisecond.
//
//   ReconnectBackoff backoff(500, 30000, seed);
//   next_attempt_ms = now + backoff.NextDelayMs();  // after a failure
//   backoff.Reset();                                // after a success
#ifndef FTEL_LIBFTEL_PLATFORM_RECONNECT_BACKOFF_H_
#define FTEL_LIBFTEL_PLATFORM_RECONNECT_BACKOFF_H_

#include <algorithm>
#include <cstdint>
#include <random>

namespace ftel {

// Not thread-safe.
class ReconnectBackoff {
 public:
  ReconnectBackoff(int64_t min_ms, int64_t max_ms, uint64_t seed)
      : min_ms_(min_ms), max_ms_(max_ms), current_ms_(min_ms), random_(seed) {}

  // The wait before the next attempt; doubles the base for the one after.
  int64_t NextDelayMs() {
    const int64_t wait =
        std::uniform_int_distribution<int64_t>(current_ms_ / 2, current_ms_ * 3 / 2)(random_);
    current_ms_ = std::min(current_ms_ * 2, max_ms_);
    return wait;
  }

  void Reset() { current_ms_ = min_ms_; }

 private:
  const int64_t min_ms_;
  const int64_t max_ms_;
  int64_t current_ms_;
  std::mt19937_64 random_;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_RECONNECT_BACKOFF_H_
