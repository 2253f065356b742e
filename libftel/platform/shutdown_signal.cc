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
        {
          std::lock_guard<std::mutex> lock(signal->mu_);
          signal->signal_number_ = number;
        }
        signal->Request();
      }
    }).detach();
    return signal;
  }();
  return *instance;
}

bool ShutdownSignal::WaitFor(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [this] { return requested_; });
  return requested_;
}

bool ShutdownSignal::requested() {
  std::lock_guard<std::mutex> lock(mu_);
  return requested_;
}

void ShutdownSignal::Request() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    requested_ = true;
  }
  cv_.notify_all();
}

int ShutdownSignal::signal_number() {
  std::lock_guard<std::mutex> lock(mu_);
  return signal_number_;
}

}  // namespace ftel
