#include "tests/support/notify_listener.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace ftel {

absl::StatusOr<std::unique_ptr<NotifyListener>> NotifyListener::Bind(const std::string& name) {
  sockaddr_un address{};
  if (name.empty() || name.size() > sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("bad socket name '", name, "'"));
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') address.sun_path[0] = '\0';
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  const socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  const int on = 1;
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) != 0) {
    const int err = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("bind ", name, ": ", std::strerror(err)));
  }
  return std::unique_ptr<NotifyListener>(new NotifyListener(fd));
}

NotifyListener::~NotifyListener() { close(fd_); }

std::optional<Notification> NotifyListener::Receive(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    const int64_t wait_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    pollfd ready{fd_, POLLIN, 0};
    const int polled = poll(&ready, 1, static_cast<int>(std::max<int64_t>(wait_ms, 0)));
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) return std::nullopt;
    char data[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    iovec iov{data, sizeof(data)};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    const ssize_t n = recvmsg(fd_, &message, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::nullopt;
    }
    Notification notification;
    notification.text.assign(data, static_cast<size_t>(n));
    notification.at = absl::Now();
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
         header = CMSG_NXTHDR(&message, header)) {
      if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS) {
        ucred credentials;
        std::memcpy(&credentials, CMSG_DATA(header), sizeof(credentials));
        notification.pid = credentials.pid;
      }
    }
    return notification;
  }
}

std::optional<Notification> NotifyListener::ReceiveStartingWith(const std::string& prefix,
                                                                absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (std::optional<Notification> next = Receive(deadline - absl::Now())) {
    if (absl::StartsWith(next->text, prefix)) return next;
  }
  return std::nullopt;
}

}  // namespace ftel
