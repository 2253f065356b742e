// A source's own polling thread: calls `poll` every `interval`, on the
// monotonic clock, until stopped, so that the agent's sampling thread never
// waits on a slow or unreachable system. The poll function does its own I/O
// with its own timeouts and hands results to the sampling thread under its
// own lock. A poll that takes longer than the interval delays the next one;
// polls never overlap.
//
//   PollLoop loop("plc-1", absl::Seconds(1), [this] { PollOnce(); });
//   RETURN_IF_ERROR(loop.Start());
//   ...
//   loop.Stop();  // returns after the running poll, if any, finished
#ifndef FTEL_AGENT_SOURCES_POLL_LOOP_H_
#define FTEL_AGENT_SOURCES_POLL_LOOP_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libftel/platform/doorbell.h"

namespace ftel {

class PollLoop {
 public:
  PollLoop(std::string name, absl::Duration interval, std::function<void()> poll);
  ~PollLoop();  // stops

  // Polls once at once, then every interval. Internal if the thread cannot start.
  absl::Status Start();
  // Idempotent; safe without Start.
  void Stop();
  bool stopping() const { return stop_; }

 private:
  const std::string name_;
  const absl::Duration interval_;
  const std::function<void()> poll_;
  std::atomic<bool> stop_{false};
  Doorbell wake_;
  std::thread thread_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_POLL_LOOP_H_
