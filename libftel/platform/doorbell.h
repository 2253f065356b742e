// A wake-up with a timeout on the monotonic clock. Abseil's timed waits
// (Mutex::AwaitWithTimeout, LockWhenWithTimeout, CondVar::WaitWithTimeout)
// turn the timeout into a wall-clock deadline for the kernel, so a wall
// clock stepped back by an hour while a thread waits 200 ms makes it wait an
// hour: that stalled the agent's loop after NTP corrected a box's clock.
// Every timed wait in ftel goes through this class instead (docs/design.md
// decision 11); absl::Mutex still guards the data.
//
//   Doorbell bell;
//   producer:  push under its own lock; bell.Ring();
//   consumer:  if (nothing queued) bell.WaitFor(absl::Milliseconds(200));
#ifndef FTEL_LIBFTEL_PLATFORM_DOORBELL_H_
#define FTEL_LIBFTEL_PLATFORM_DOORBELL_H_

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace ftel {

// Thread-safe. A ring is kept until a wait takes it, so one that comes
// between a consumer's check and its wait is not lost.
class Doorbell {
 public:
  void Ring();
  // Returns at once if rung since the last wait, else waits up to `timeout`
  // (monotonic) for a ring. Clears the ring; returns whether there was one.
  bool WaitFor(absl::Duration timeout);

 private:
  std::mutex mu_;  // std::, not absl::, for the monotonic wait (see above)
  std::condition_variable rung_cv_;
  bool rung_ = false;  // guarded by mu_
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_DOORBELL_H_
