#include "agent/sources/modbus/reconnect_backoff.h"

#include <algorithm>

namespace ftel {

ReconnectBackoff::ReconnectBackoff(int64_t min_ms, int64_t max_ms, uint32_t seed)
    : min_ms_(std::max<int64_t>(1, min_ms)),
      max_ms_(std::max(max_ms, std::max<int64_t>(1, min_ms))),
      random_(seed) {}

int64_t ReconnectBackoff::NextDelayMs() {
  step_ms_ = step_ms_ == 0 ? min_ms_ : std::min(max_ms_, step_ms_ * 2);
  std::uniform_int_distribution<int64_t> jitter(step_ms_ / 2, step_ms_);
  return jitter(random_);
}

}  // namespace ftel
