// The service manager's end of $NOTIFY_SOCKET, for tests: an AF_UNIX
// datagram socket bound to a path or an abstract name, which records each
// datagram with when it arrived and which process sent it.
//
//   auto listener = NotifyListener::Bind(dir.path() + "/notify.sock");
//   std::optional<Notification> got = (*listener)->Receive(absl::Seconds(5));
//   // got->text == "READY=1\nSTATUS=...", got->pid == the child's pid
#ifndef FTEL_TESTS_SUPPORT_NOTIFY_LISTENER_H_
#define FTEL_TESTS_SUPPORT_NOTIFY_LISTENER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ftel {

struct Notification {
  std::string text;
  absl::Time at;
  pid_t pid = 0;  // the sender, from the kernel's credentials
};

class NotifyListener {
 public:
  // `name` is a path, or "@name" for an abstract socket (as in $NOTIFY_SOCKET).
  static absl::StatusOr<std::unique_ptr<NotifyListener>> Bind(const std::string& name);
  ~NotifyListener();

  // The next datagram, or nullopt if none arrives within `timeout`.
  std::optional<Notification> Receive(absl::Duration timeout);
  // Receives until a datagram whose text starts with `prefix` arrives
  // (returned) or `timeout` passes (nullopt).
  std::optional<Notification> ReceiveStartingWith(const std::string& prefix,
                                                  absl::Duration timeout);

 private:
  explicit NotifyListener(int fd) : fd_(fd) {}
  const int fd_;
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_NOTIFY_LISTENER_H_
