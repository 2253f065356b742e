#include "libftel/platform/systemd_notify.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "libftel/platform/file_io.h"

namespace ftel {
namespace {

// A daemon that cannot reach systemd says so once, not at every watchdog
// ping: with Type=notify the unit fails its start anyway, and with
// Type=simple nothing is lost.
void WarnOnce(const absl::Status& status) {
  static std::atomic<bool> warned{false};
  if (status.ok() || warned.exchange(true)) return;
  LogWarning(absl::StrCat("systemd notification: ", status.message()));
}

}  // namespace

SystemdNotifier::SystemdNotifier(const GetEnvFunction& getenv, pid_t pid) {
  const char* socket_env = getenv("NOTIFY_SOCKET");
  if (socket_env == nullptr || socket_env[0] == '\0') return;
  const absl::string_view name(socket_env);
  // sun_path need not end in a NUL: the length passed to sendto() says
  // where it ends (and an abstract name has none).
  if (name.size() > sizeof(address_.sun_path)) {
    problem_ =
        absl::StrCat("NOTIFY_SOCKET ", name, ": longer than ", sizeof(address_.sun_path), " bytes");
    return;
  }
  if (name[0] != '/' && name[0] != '@') {
    problem_ = absl::StrCat("NOTIFY_SOCKET ", name, ": neither a path nor an @abstract name");
    return;
  }
  name_ = std::string(name);
  address_.sun_family = AF_UNIX;
  std::memcpy(address_.sun_path, name.data(), name.size());
  if (name[0] == '@') address_.sun_path[0] = '\0';
  address_length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  // Close-on-exec: the agent's exec sources must not inherit it.
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    const int err = errno;
    problem_ = std::string(ErrnoToStatus("NOTIFY_SOCKET: socket", err).message());
    return;
  }
  // The watchdog is for the process named by WATCHDOG_PID, when it is set
  // (sd_watchdog_enabled(3)): a child that inherited the variables is not
  // asked for pings.
  const char* usec_env = getenv("WATCHDOG_USEC");
  const char* pid_env = getenv("WATCHDOG_PID");
  uint64_t usec = 0;
  if (usec_env == nullptr || !absl::SimpleAtoi(usec_env, &usec) || usec == 0) return;
  if (pid_env != nullptr) {
    int64_t watchdog_pid = 0;
    if (!absl::SimpleAtoi(pid_env, &watchdog_pid) || watchdog_pid != static_cast<int64_t>(pid)) {
      return;
    }
  }
  watchdog_interval_ = absl::Microseconds(static_cast<int64_t>(usec));
}

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) close(fd_);
}

SystemdNotifier& SystemdNotifier::Process() {
  static SystemdNotifier* process = [] {
    auto* notifier =
        new SystemdNotifier([](const char* name) { return std::getenv(name); }, getpid());
    if (!notifier->problem().empty()) {
      LogWarning(absl::StrCat(notifier->problem(), ": not notifying systemd"));
    }
    return notifier;
  }();
  return *process;
}

absl::Status SystemdNotifier::Send(absl::string_view state) const {
  if (fd_ < 0) return absl::OkStatus();
  ssize_t sent;
  do {
    sent = sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL,
                  reinterpret_cast<const sockaddr*>(&address_), address_length_);
  } while (sent < 0 && errno == EINTR);
  if (sent >= 0) return absl::OkStatus();
  const int err = errno;
  return ErrnoToStatus(absl::StrCat("send to NOTIFY_SOCKET ", name_), err);
}

absl::Status SystemdNotifier::Ready(absl::string_view status) const {
  // STATUS= is one line: a newline would end the assignment.
  return Send(absl::StrCat("READY=1\nSTATUS=", absl::StrReplaceAll(status, {{"\n", " "}})));
}

absl::Status SystemdNotifier::Reloading() const {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  const uint64_t usec =
      static_cast<uint64_t>(now.tv_sec) * 1000000 + static_cast<uint64_t>(now.tv_nsec) / 1000;
  return Send(absl::StrCat("RELOADING=1\nMONOTONIC_USEC=", usec));
}

absl::Status SystemdNotifier::Stopping() const { return Send("STOPPING=1"); }

absl::Status SystemdNotifier::Watchdog() const { return Send("WATCHDOG=1"); }

void NotifyReady(absl::string_view status) { WarnOnce(SystemdNotifier::Process().Ready(status)); }

void NotifyReloading() { WarnOnce(SystemdNotifier::Process().Reloading()); }

void NotifyStopping() { WarnOnce(SystemdNotifier::Process().Stopping()); }

LoopWatchdog::LoopWatchdog(const Clock* clock, const SystemdNotifier* notifier)
    : clock_(clock),
      notifier_(notifier),
      // At least 1 ms, so that a watchdog of under 2 ms is fed on every turn
      // rather than taken for none.
      every_ms_(notifier->watchdog_interval() <= absl::ZeroDuration()
                    ? 0
                    : std::max<int64_t>(
                          1, absl::ToInt64Milliseconds(notifier->watchdog_interval() / 2))) {}

void LoopWatchdog::Turned() {
  if (every_ms_ == 0) return;
  const int64_t now_ms = clock_->MonotonicMs();
  if (started_ && now_ms - last_ms_ < every_ms_) return;
  started_ = true;
  last_ms_ = now_ms;
  ++sent_;
  WarnOnce(notifier_->Watchdog());
}

}  // namespace ftel
