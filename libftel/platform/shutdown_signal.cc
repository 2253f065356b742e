#include "libftel/platform/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace ftel {

namespace {

ShutdownSignal* Listen(bool with_reload) {
  auto* signal = new ShutdownSignal();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (with_reload) sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([signal, set] {
    int number = 0;
    while (sigwait(&set, &number) == 0) {
      if (number == SIGHUP) {
        signal->RequestReload();
        continue;
      }
      signal->Request(number);
      return;
    }
  }).detach();
  return signal;
}

}  // namespace

ShutdownSignal& ShutdownSignal::Install() {
  static ShutdownSignal* instance = Listen(false);
  return *instance;
}

ShutdownSignal& ShutdownSignal::InstallWithReload() {
  static ShutdownSignal* instance = Listen(true);
  return *instance;
}

bool ShutdownSignal::requested() {
  absl::MutexLock lock(&mu_);
  return requested_;
}

void ShutdownSignal::Request(int signal_number) {
  absl::MutexLock lock(&mu_);
  if (signal_number != 0) signal_number_ = signal_number;
  requested_ = true;
}

bool ShutdownSignal::TakeReload() {
  absl::MutexLock lock(&mu_);
  return std::exchange(reload_, false);
}

void ShutdownSignal::RequestReload() {
  absl::MutexLock lock(&mu_);
  reload_ = true;
}

int ShutdownSignal::signal_number() {
  absl::MutexLock lock(&mu_);
  return signal_number_;
}

}  // namespace ftel
