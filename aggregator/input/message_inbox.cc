#include "aggregator/input/message_inbox.h"

#include <thread>
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
  const auto gap = absl::ToChronoMicroseconds(kMinBatchGap);
  const auto since = std::chrono::steady_clock::now() - last_drain_;
  if (since < gap) std::this_thread::sleep_for(gap - since);
  std::deque<Received> taken;
  {
    absl::MutexLock lock(&mu_);
    taken.swap(queue_);
  }
  if (taken.empty() && arrived_.WaitFor(timeout)) {
    absl::MutexLock lock(&mu_);
    taken.swap(queue_);
  }
  // Only a batch starts the gap: after a timeout, or a ring left over from
  // a batch already taken, the next message is taken at once.
  if (!taken.empty()) last_drain_ = std::chrono::steady_clock::now();
  return taken;
}

}  // namespace ftel
