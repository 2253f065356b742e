// How long to wait before the next attempt to reach a PLC that went away:
// doubling from `min_ms` up to `max_ms`, each wait drawn at random from the
// upper half of its step (jitter), so that agents that lost the same PLC
// do not all come back at the same instant.
//
//   ReconnectBackoff backoff(1000, 30000);
//   next_attempt_ms = now_ms + backoff.NextDelayMs();  // after each failure
//   backoff.Reset();                                   // once connected
#ifndef FTEL_AGENT_SOURCES_MODBUS_RECONNECT_BACKOFF_H_
#define FTEL_AGENT_SOURCES_MODBUS_RECONNECT_BACKOFF_H_

#include <cstdint>
#include <random>

namespace ftel {

class ReconnectBackoff {
 public:
  ReconnectBackoff(int64_t min_ms, int64_t max_ms, uint32_t seed = std::random_device{}());

  // The wait after one more failed attempt: in [step/2, step], where step
  // is min_ms, 2 min_ms, 4 min_ms, ... capped at max_ms.
  int64_t NextDelayMs();
  // Connected again: the next failure waits about min_ms.
  void Reset() { step_ms_ = 0; }

 private:
  const int64_t min_ms_;
  const int64_t max_ms_;
  int64_t step_ms_ = 0;
  std::mt19937 random_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MODBUS_RECONNECT_BACKOFF_H_
