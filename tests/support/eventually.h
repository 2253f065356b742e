// Polls a condition until it holds or a deadline passes, for tests that
// wait on another thread or process.
//
//   ASSERT_TRUE(Eventually([&] { return transport->IsConnected(); }, absl::Seconds(10)));
#ifndef FTEL_TESTS_SUPPORT_EVENTUALLY_H_
#define FTEL_TESTS_SUPPORT_EVENTUALLY_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ftel {

// True as soon as `condition` returns true; else its value at the deadline.
template <typename Condition>
bool Eventually(Condition condition, absl::Duration timeout = absl::Seconds(20),
                absl::Duration poll = absl::Milliseconds(50)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(poll);
  }
  return condition();
}

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_EVENTUALLY_H_
