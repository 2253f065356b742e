#include "aggregator/input/message_inbox.h"

#include <utility>

namespace ftel {

void MessageInbox::Push(MqttMessage message, int64_t at_ms) {
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(Received{std::move(message), at_ms});
  }
  arrived_.Ring();
}

std::deque<MessageInbox::Received> MessageInbox::Drain(absl::Duration timeout) {
  std::deque<Received> taken;
  {
    absl::MutexLock lock(&mu_);
    taken.swap(queue_);
  }
  if (!taken.empty() || !arrived_.WaitFor(timeout)) return taken;
  absl::MutexLock lock(&mu_);
  taken.swap(queue_);
  return taken;
}

}  // namespace ftel
