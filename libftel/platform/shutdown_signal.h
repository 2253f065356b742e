// SIGINT/SIGTERM as a value that loops can wait on, instead of a handler that
// may only touch atomics. Call Install() first thing in main, before any
// thread starts, so every thread inherits the blocked signal mask.
//
//   ShutdownSignal& stop = ShutdownSignal::Install();
//   while (!stop.requested()) { ... }
#ifndef FTEL_LIBFTEL_PLATFORM_SHUTDOWN_SIGNAL_H_
#define FTEL_LIBFTEL_PLATFORM_SHUTDOWN_SIGNAL_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace ftel {

// Thread-safe.
class ShutdownSignal {
 public:
  // The process-wide instance. Blocks SIGINT and SIGTERM and starts the thread that waits for them.
  static ShutdownSignal& Install();

  bool requested() ABSL_LOCKS_EXCLUDED(mu_);
  // Requests shutdown, as a signal would.
  void Request() ABSL_LOCKS_EXCLUDED(mu_);
  // The signal that arrived, 0 if none.
  int signal_number() ABSL_LOCKS_EXCLUDED(mu_);

  // A private instance, for tests; only Install() listens to signals.
  ShutdownSignal() = default;

 private:
  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  int signal_number_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_SHUTDOWN_SIGNAL_H_
