// The service manager's notification protocol (sd_notify(3)) without
// libsystemd: newline-separated assignments such as "READY=1" in one
// datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an
// abstract name written with a leading '@'). Without $NOTIFY_SOCKET (not
// started by systemd with Type=notify) every call does nothing.
//
// $WATCHDOG_USEC asks for "WATCHDOG=1" at least that often (WatchdogSec=);
// $WATCHDOG_PID, when set, says which process it asks. A daemon feeds the
// watchdog from its main loop through a LoopWatchdog, so that a loop that
// stops turning stops feeding it and systemd restarts the daemon.
//
//   NotifyReady("reporting every 10000 ms");   // once serving
//   LoopWatchdog watchdog(&clock);
//   while (!stop.requested()) { watchdog.Turned(); ... }
//   NotifyStopping();
//   // on a reload: NotifyReloading(); ...re-read the config...; NotifyReady("...");
#ifndef FTEL_LIBFTEL_PLATFORM_SYSTEMD_NOTIFY_H_
#define FTEL_LIBFTEL_PLATFORM_SYSTEMD_NOTIFY_H_

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/log.h"

namespace ftel {

// One process's link to the service manager. Thread-safe.
class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID through `getenv`;
  // `pid` is this process's id (the watchdog is for it only).
  SystemdNotifier(const GetEnvFunction& getenv, pid_t pid);
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  // The process's own, from its environment when first used.
  static SystemdNotifier& Process();

  // Whether there is a socket to notify.
  bool enabled() const { return fd_ >= 0; }
  // Why $NOTIFY_SOCKET is set but cannot be used ("" when it can, or is unset).
  const std::string& problem() const { return problem_; }
  // How often systemd wants WATCHDOG=1; zero when it does not.
  absl::Duration watchdog_interval() const { return watchdog_interval_; }

  // Sends `state` ("READY=1\nSTATUS=...") as one datagram. OK without a socket.
  absl::Status Send(absl::string_view state) const;

  // READY=1 with STATUS=`status` (one line, shown by `systemctl status`).
  absl::Status Ready(absl::string_view status) const;
  // RELOADING=1, with the MONOTONIC_USEC= that Type=notify-reload asks for.
  // Send Ready() when the reload is done.
  absl::Status Reloading() const;
  absl::Status Stopping() const;
  absl::Status Watchdog() const;

 private:
  int fd_ = -1;
  std::string name_;  // as in $NOTIFY_SOCKET, for messages
  sockaddr_un address_{};
  socklen_t address_length_ = 0;
  absl::Duration watchdog_interval_;
  std::string problem_;
};

// The process's notifier, for the daemons' mains and their reloads. A
// failed send is logged as a warning, once per process.
void NotifyReady(absl::string_view status);
void NotifyReloading();
void NotifyStopping();

// Feeds the watchdog from a loop: Turned() once per turn sends WATCHDOG=1
// when half the interval has passed since the last one, so that a turn that
// takes up to half the interval still keeps the daemon alive. Costs a clock
// read per turn; nothing at all without a watchdog. Not thread-safe: one
// loop owns it.
class LoopWatchdog {
 public:
  // The notifier must outlive the watchdog. `clock` gives the monotonic time.
  explicit LoopWatchdog(const Clock* clock,
                        const SystemdNotifier* notifier = &SystemdNotifier::Process());

  void Turned();
  uint64_t sent() const { return sent_; }

 private:
  const Clock* const clock_;
  const SystemdNotifier* const notifier_;
  const int64_t every_ms_;  // 0: no watchdog
  int64_t last_ms_ = 0;
  bool started_ = false;
  uint64_t sent_ = 0;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_SYSTEMD_NOTIFY_H_
