// SIGINT/SIGTERM as a value that loops can wait on, instead of a handler that
// may only touch atomics. Call Install() first thing in main, before any
// thread starts, so every thread inherits the blocked signal mask.
//
//   ShutdownSignal& stop = ShutdownSignal::Install();
//   while (!stop.WaitFor(absl::Seconds(1))) { ... }
#ifndef FTEL_LIBFTEL_PLATFORM_SHUTDOWN_SIGNAL_H_
#define FTEL_LIBFTEL_PLATFORM_SHUTDOWN_SIGNAL_H_

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace ftel {

class ShutdownSignal {
 public:
  // The process-wide instance. Blocks SIGINT and SIGTERM and starts the thread that waits for them.
  static ShutdownSignal& Install();

  // Waits up to `timeout`; true once shutdown was requested.
  bool WaitFor(absl::Duration timeout);
  bool requested();
  // Requests shutdown, as a signal would.
  void Request();
  // The signal that arrived, 0 if none.
  int signal_number();

  // A private instance, for tests; only Install() listens to signals.
  ShutdownSignal() = default;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  int signal_number_ = 0;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_SHUTDOWN_SIGNAL_H_
