// Turning what a PLC's registers hold into numbers, without I/O: 16-bit
// words combined into 32- and 64-bit values in either word order, on/off
// states from coils or masked registers, and part counters whose readings
// become scaled increments (through CounterDelta: baseline, 16/32-bit wrap,
// reset).
//
//   uint64_t raw = CombineRegisters(words, 2, WordOrder::kLowWordFirst);
//   PartCounter produced(spec);              // spec: a CounterSpec
//   std::optional<double> parts = produced.Observe(raw);  // nullopt: baseline
#ifndef FTEL_AGENT_SOURCES_MODBUS_REGISTER_DECODE_H_
#define FTEL_AGENT_SOURCES_MODBUS_REGISTER_DECODE_H_

#include <cstdint>
#include <optional>

#include "agent/sources/counter_delta.h"
#include "agent/sources/modbus/register_map.h"

namespace ftel {

// `count` (1, 2 or 4) registers as read from consecutive addresses, the
// first at words[0], as one unsigned value.
uint64_t CombineRegisters(const uint16_t* words, int count, WordOrder order);

// The state a coil or input bit (0/1) or a register value stands for.
bool StateIsOn(const StateSpec& spec, uint16_t value);

// A counter register and the parts it has counted since the first reading.
class PartCounter {
 public:
  explicit PartCounter(const CounterSpec& spec)
      : scale_(spec.scale), delta_(spec.modulus()), limit_(spec.modulus()) {}

  // The parts (increment times scale) since the previous reading; nullopt
  // for the first reading (the baseline). A reading below the previous one
  // is a wrap through the top if that is the shorter way (16 and 32 bits),
  // else a reset, whose reading is the increment.
  std::optional<double> Observe(uint64_t raw);
  bool has_baseline() const { return delta_.has_baseline(); }
  unsigned resets() const { return delta_.resets(); }

 private:
  const double scale_;
  CounterDelta delta_;
  const double limit_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MODBUS_REGISTER_DECODE_H_
