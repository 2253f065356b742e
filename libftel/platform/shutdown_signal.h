// SIGINT/SIGTERM as a value that loops can wait on, instead of a handler that
// may only touch atomics; for the daemons also SIGHUP, as a request to reload
// the config. Call Install() (or InstallWithReload()) first thing in main,
// before any thread starts, so every thread inherits the blocked signal mask.
//
//   ShutdownSignal& stop = ShutdownSignal::InstallWithReload();
//   while (!stop.requested()) {
//     if (stop.TakeReload()) { ... }
//   }
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
  // The same, and SIGHUP asks for a reload instead of ending the process.
  // Only one of the two is called in a process.
  static ShutdownSignal& InstallWithReload();

  bool requested() ABSL_LOCKS_EXCLUDED(mu_);
  // Requests shutdown, as the signal `signal_number` would (0: none).
  void Request(int signal_number = 0) ABSL_LOCKS_EXCLUDED(mu_);
  // The signal that arrived, 0 if none.
  int signal_number() ABSL_LOCKS_EXCLUDED(mu_);

  // Whether a reload was asked for since the last call (several SIGHUPs in
  // between count as one).
  bool TakeReload() ABSL_LOCKS_EXCLUDED(mu_);
  // Asks for a reload, as SIGHUP would.
  void RequestReload() ABSL_LOCKS_EXCLUDED(mu_);

  // A private instance, for tests; only Install() listens to signals.
  ShutdownSignal() = default;

 private:
  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  int signal_number_ ABSL_GUARDED_BY(mu_) = 0;
  bool reload_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_SHUTDOWN_SIGNAL_H_
