#include "libftel/platform/doorbell.h"

namespace ftel {

void Doorbell::Ring() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rung_ = true;
  }
  rung_cv_.notify_all();
}

bool Doorbell::WaitFor(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  // std::condition_variable::wait_for waits on steady_clock, which
  // libstdc++ passes to the kernel as CLOCK_MONOTONIC.
  const bool rung =
      rung_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [this] { return rung_; });
  rung_ = false;
  return rung;
}

}  // namespace ftel
