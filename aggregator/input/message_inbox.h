// Hands messages over from the MQTT transport's thread, which must never
// wait on processing, to the aggregator's processing thread, in arrival
// order and without copying their payloads.
//
//   transport->SetMessageHandler([&](MqttMessage m) { inbox.Push(std::move(m), clock.NowMs()); });
//   for (MessageInbox::Received& r : inbox.Drain(absl::Milliseconds(200))) Process(r.message);
#ifndef FTEL_AGGREGATOR_INPUT_MESSAGE_INBOX_H_
#define FTEL_AGGREGATOR_INPUT_MESSAGE_INBOX_H_

#include <chrono>
#include <cstdint>
#include <deque>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/platform/doorbell.h"

namespace ftel {

// Push from any thread; Drain from one consumer thread.
class MessageInbox {
 public:
  struct Received {
    MqttMessage message;
    int64_t at_ms = 0;  // when it arrived, for the processing lag
  };

  // Queues a message; never blocks on processing.
  void Push(MqttMessage message, int64_t at_ms) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits up to `timeout` for a message, then takes everything queued
  // (possibly nothing). Takes at most one batch per kMinBatchGap: under a
  // steady stream the caller sleeps out the rest of the gap first, so that
  // messages come in batches instead of one wake-up (two context switches,
  // and the transport's thread waking this one) per message. A caller that
  // was busy for longer, or a message after a quiet spell, waits for
  // nothing.
  std::deque<Received> Drain(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

  static constexpr absl::Duration kMinBatchGap = absl::Milliseconds(2);

 private:
  absl::Mutex mu_;
  std::deque<Received> queue_ ABSL_GUARDED_BY(mu_);
  Doorbell arrived_;  // the wait is on the monotonic clock
  // When Drain last returned a batch (monotonic); the consumer's only.
  std::chrono::steady_clock::time_point last_drain_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_INPUT_MESSAGE_INBOX_H_
