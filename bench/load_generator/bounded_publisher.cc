#include "bench/load_generator/bounded_publisher.h"

#include <utility>

namespace ftel {

BoundedPublisher::BoundedPublisher(std::unique_ptr<MqttTransport> transport, int max_inflight)
    : transport_(std::move(transport)), max_inflight_(max_inflight) {}

BoundedPublisher::~BoundedPublisher() {
  // The transport's callbacks reach this object: none may be pending.
  Drain(absl::Now() + absl::Seconds(5));
}

absl::Status BoundedPublisher::Connect(const MqttConnectOptions& options) {
  return transport_->Connect(options);
}

bool BoundedPublisher::HasRoom() const { return inflight_ < max_inflight_; }

bool BoundedPublisher::Idle() const { return inflight_ == 0; }

bool BoundedPublisher::Publish(const MqttMessage& message, PublishKind kind) {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(this, &BoundedPublisher::HasRoom),
                               absl::Seconds(1))) {
        ++inflight_;
        ++counts_[static_cast<int>(kind)].sent;
        break;
      }
    }
    // A lost connection acknowledges nothing: the window would never open.
    // Asked outside the lock, which the transport's callbacks take.
    if (!transport_->IsConnected()) return false;
  }
  // Outside the lock too: the transport may report a refused publish at
  // once, on this thread.
  transport_->Publish(message, [this, kind](absl::Status acked) { Done(kind, acked); });
  return true;
}

void BoundedPublisher::Done(PublishKind kind, const absl::Status& acked) {
  absl::MutexLock lock(&mu_);
  --inflight_;
  PublishCounts& counts = counts_[static_cast<int>(kind)];
  if (acked.ok()) {
    ++counts.acknowledged;
  } else {
    ++counts.failed;
  }
}

bool BoundedPublisher::Drain(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithDeadline(absl::Condition(this, &BoundedPublisher::Idle), deadline);
}

void BoundedPublisher::Disconnect() { (void)transport_->Disconnect(absl::Seconds(2)); }

PublishCounts BoundedPublisher::counts(PublishKind kind) const {
  absl::MutexLock lock(&mu_);
  return counts_[static_cast<int>(kind)];
}

}  // namespace ftel
