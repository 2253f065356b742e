#include "agent/sources/modbus/register_decode.h"

namespace ftel {

uint64_t CombineRegisters(const uint16_t* words, int count, WordOrder order) {
  uint64_t value = 0;
  for (int i = 0; i < count; ++i) {
    // High word first: words[0] is the most significant.
    const int index = order == WordOrder::kHighWordFirst ? i : count - 1 - i;
    value = (value << 16) | words[index];
  }
  return value;
}

bool StateIsOn(const StateSpec& spec, uint16_t value) {
  const bool on = spec.is_bit() ? value != 0 : (value & spec.mask) != 0;
  return on != spec.invert;
}

std::optional<double> PartCounter::Observe(uint64_t raw) {
  // Doubles hold every integer up to 2^53: exact for 16 and 32 bits, and for
  // any 64-bit count a PLC reaches in practice.
  const double reading = static_cast<double>(raw);
  if (limit_ > 0 && reading >= limit_) return std::nullopt;  // cannot happen for its width
  std::optional<double> increment = delta_.Observe(reading);
  if (!increment.has_value()) return std::nullopt;
  return *increment * scale_;
}

}  // namespace ftel
