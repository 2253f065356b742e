#include "agent/sources/counter_delta.h"

#include <cmath>

namespace ftel {

std::optional<double> CounterDelta::Observe(double value) {
  if (!std::isfinite(value) || value < 0 || (modulus_ > 0 && value >= modulus_)) {
    last_.reset();
    return std::nullopt;
  }
  const std::optional<double> last = last_;
  last_ = value;
  if (!last.has_value()) return std::nullopt;
  if (value >= *last) return value - *last;
  if (modulus_ > 0 && (modulus_ - *last) + value < modulus_ / 2) {
    return (modulus_ - *last) + value;  // wrapped through the top
  }
  ++resets_;
  return value;  // started again from 0
}

}  // namespace ftel
