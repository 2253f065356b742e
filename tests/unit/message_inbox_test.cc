#include "aggregator/input/message_inbox.h"

#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace ftel {
namespace {

MqttMessage Message(int n) { return MqttMessage{"t", std::to_string(n), 1, false}; }

TEST(MessageInboxTest, TakesEverythingQueuedInArrivalOrder) {
  MessageInbox inbox;
  for (int i = 0; i < 5; ++i) inbox.Push(Message(i), i);
  std::deque<MessageInbox::Received> taken = inbox.Drain(absl::Seconds(1));
  ASSERT_EQ(taken.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(taken[i].message.payload, std::to_string(i));
    EXPECT_EQ(taken[i].at_ms, i);
  }
  EXPECT_TRUE(inbox.Drain(absl::Milliseconds(1)).empty());
}

TEST(MessageInboxTest, AMessageFromAnotherThreadEndsTheWait) {
  MessageInbox inbox;
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    inbox.Push(Message(1), 0);
  });
  const auto start = std::chrono::steady_clock::now();
  std::deque<MessageInbox::Received> taken = inbox.Drain(absl::Seconds(20));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  producer.join();
  ASSERT_EQ(taken.size(), 1u);
}

// Under a stream, one batch per gap: a message that arrives just after a
// drain waits for the gap, with what came meanwhile.
TEST(MessageInboxTest, BatchesAreAtLeastTheGapApart) {
  MessageInbox inbox;
  inbox.Push(Message(0), 0);
  const auto before_first = std::chrono::steady_clock::now();
  ASSERT_EQ(inbox.Drain(absl::Seconds(1)).size(), 1u);
  inbox.Push(Message(1), 0);
  inbox.Push(Message(2), 0);
  std::deque<MessageInbox::Received> next = inbox.Drain(absl::Seconds(1));
  const auto gap = std::chrono::steady_clock::now() - before_first;
  EXPECT_EQ(next.size(), 2u);
  EXPECT_GE(gap, std::chrono::microseconds(absl::ToInt64Microseconds(MessageInbox::kMinBatchGap)));
}

}  // namespace
}  // namespace ftel
