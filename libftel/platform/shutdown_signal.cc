#include "libftel/platform/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

#include <thread>

namespace ftel {

ShutdownSignal& ShutdownSignal::Install() {
  static ShutdownSignal* instance = [] {
    auto* signal = new ShutdownSignal();
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([signal, set] {
      int number = 0;
      if (sigwait(&set, &number) == 0) {
        absl::MutexLock lock(&signal->mu_);
        signal->signal_number_ = number;
        signal->requested_ = true;
      }
    }).detach();
    return signal;
  }();
  return *instance;
}

bool ShutdownSignal::requested() {
  absl::MutexLock lock(&mu_);
  return requested_;
}

void ShutdownSignal::Request() {
  absl::MutexLock lock(&mu_);
  requested_ = true;
}

int ShutdownSignal::signal_number() {
  absl::MutexLock lock(&mu_);
  return signal_number_;
}

}  // namespace ftel
