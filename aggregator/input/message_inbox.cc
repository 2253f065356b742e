#include "aggregator/input/message_inbox.h"

#include <utility>

namespace ftel {

void MessageInbox::Push(MqttMessage message, int64_t at_ms) {
  absl::MutexLock lock(&mu_);
  queue_.push_back(Received{std::move(message), at_ms});
}

std::deque<MessageInbox::Received> MessageInbox::Drain(absl::Duration timeout) {
  std::deque<Received> taken;
  mu_.LockWhenWithTimeout(
      absl::Condition(
          +[](std::deque<Received>* queue) { return !queue->empty(); }, &queue_),
      timeout);
  taken.swap(queue_);
  mu_.Unlock();
  return taken;
}

}  // namespace ftel
