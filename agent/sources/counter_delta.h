// Turns successive readings of a counter (an inference total from a
// Prometheus endpoint, a PLC's part counter) into per-window increments:
// the first reading sets the baseline (no increment is known yet); a
// reading below the last one means the counter started again (the server
// restarted, the PLC was reset), and the new reading is the increment;
// with a `modulus` (a 16- or 32-bit register), a reading below the last one
// is a wrap-around when the step through the top is plausible (less than
// half the range), else a reset. Never negative, never huge.
//
//   CounterDelta parts(/*modulus=*/65536);
//   if (std::optional<double> d = parts.Observe(register_value)) accumulated += *d;
#ifndef FTEL_AGENT_SOURCES_COUNTER_DELTA_H_
#define FTEL_AGENT_SOURCES_COUNTER_DELTA_H_

#include <optional>

namespace ftel {

class CounterDelta {
 public:
  // 0: an unbounded counter (a float64 Prometheus counter, a 64-bit register).
  explicit CounterDelta(double modulus = 0) : modulus_(modulus) {}

  // The increment since the previous reading; nullopt for the first one (the
  // baseline) and for a reading that is not a number or negative (which
  // also drops the baseline).
  std::optional<double> Observe(double value);
  // Forget the baseline (the source went away): the next reading sets it.
  void Reset() { last_.reset(); }
  bool has_baseline() const { return last_.has_value(); }

  // Readings that started the counter again (not wraps), since creation.
  unsigned resets() const { return resets_; }

 private:
  const double modulus_;
  std::optional<double> last_;
  unsigned resets_ = 0;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_COUNTER_DELTA_H_
