// One MQTT connection of the load generator, through the project's
// transport, with at most `max_inflight` QoS 1 publishes unacknowledged at a
// time, as an agent's spool.max_inflight bounds its own. Statuses and
// reports are counted apart.
//
//   BoundedPublisher publisher(NewPahoMqttTransport(uri, id), 32);
//   RETURN_IF_ERROR(publisher.Connect(options));
//   publisher.Publish({topic, payload, 1, false}, PublishKind::kReport);  // waits for a slot
//   publisher.Drain(absl::Now() + absl::Seconds(30));
#ifndef FTEL_BENCH_LOAD_GENERATOR_BOUNDED_PUBLISHER_H_
#define FTEL_BENCH_LOAD_GENERATOR_BOUNDED_PUBLISHER_H_

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

enum class PublishKind { kStatus = 0, kReport = 1 };

struct PublishCounts {
  uint64_t sent = 0;
  uint64_t acknowledged = 0;
  uint64_t failed = 0;
};

// Publish and Drain belong to one thread; the transport's callbacks and
// the counters may run and be read on any.
class BoundedPublisher {
 public:
  BoundedPublisher(std::unique_ptr<MqttTransport> transport, int max_inflight);
  ~BoundedPublisher();

  absl::Status Connect(const MqttConnectOptions& options);
  // Waits until fewer than max_inflight are unacknowledged, then publishes.
  // False, and nothing sent, when the window stays full and the connection
  // is down (a lost connection acknowledges nothing). A publish on a
  // connection that just dropped is sent and counts as failed.
  bool Publish(const MqttMessage& message, PublishKind kind) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits until every publish has its outcome, or `deadline`; whether all did.
  bool Drain(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);
  void Disconnect();

  PublishCounts counts(PublishKind kind) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Done(PublishKind kind, const absl::Status& acked) ABSL_LOCKS_EXCLUDED(mu_);
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::unique_ptr<MqttTransport> transport_;
  const int max_inflight_;
  mutable absl::Mutex mu_;
  int inflight_ ABSL_GUARDED_BY(mu_) = 0;
  PublishCounts counts_[2] ABSL_GUARDED_BY(mu_);
};

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_BOUNDED_PUBLISHER_H_
