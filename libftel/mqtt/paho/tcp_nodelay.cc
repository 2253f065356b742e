#include "libftel/mqtt/paho/tcp_nodelay.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ftel {
namespace {

constexpr char kFdDir[] = "/proc/self/fd";

// Calls `visit(fd, inode)` for each open socket of this process.
absl::Status ForEachOpenSocket(const std::function<void(int fd, ino_t inode)>& visit) {
  DIR* dir = opendir(kFdDir);
  if (dir == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot read ", kFdDir, ": ", std::strerror(errno)));
  }
  const int own_fd = dirfd(dir);
  while (const dirent* entry = readdir(dir)) {
    int fd;
    if (!absl::SimpleAtoi(entry->d_name, &fd) || fd == own_fd) continue;  // "." and ".."
    struct stat st;
    // A descriptor closed since readdir listed it fails here and is skipped.
    if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) visit(fd, st.st_ino);
  }
  closedir(dir);
  return absl::OkStatus();
}

int PeerPort(int fd) {
  sockaddr_storage peer{};
  socklen_t length = sizeof(peer);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return -1;
  if (peer.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
  if (peer.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
  return -1;  // a Unix socket, say
}

bool IsTcp(int fd) {
  int protocol = 0;
  socklen_t length = sizeof(protocol);
  return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &length) == 0 &&
         protocol == IPPROTO_TCP;
}

}  // namespace

absl::StatusOr<SocketInodes> OpenSocketInodes() {
  SocketInodes inodes;
  absl::Status listed = ForEachOpenSocket([&](int, ino_t inode) { inodes.insert(inode); });
  if (!listed.ok()) return listed;
  return inodes;
}

absl::Status SetNoDelayOnNewSockets(const SocketInodes& before, int broker_port) {
  int set = 0;
  absl::Status listed = ForEachOpenSocket([&](int fd, ino_t inode) {
    if (before.count(inode) != 0 || !IsTcp(fd) || PeerPort(fd) != broker_port) return;
    const int on = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0) ++set;
  });
  if (!listed.ok()) return listed;
  if (set == 0) {
    return absl::NotFoundError(
        absl::StrCat("no new TCP socket connected to port ", broker_port, " (a proxy?)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> BrokerPortOf(const std::string& uri) {
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("no scheme in '", uri, "'"));
  }
  const absl::string_view scheme = absl::string_view(uri).substr(0, scheme_end);
  absl::string_view host_port = absl::string_view(uri).substr(scheme_end + 3);
  host_port = host_port.substr(0, host_port.find('/'));  // a WebSockets path
  // An IPv6 literal's colons are inside its brackets.
  size_t host_end = 0;
  if (absl::StartsWith(host_port, "[")) {
    host_end = host_port.find(']');
    if (host_end == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("unclosed '[' in '", uri, "'"));
    }
  }
  const size_t colon = host_port.find(':', host_end);
  if (colon != absl::string_view::npos) {
    int port;
    if (!absl::SimpleAtoi(host_port.substr(colon + 1), &port) || port < 1 || port > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("bad port in '", uri, "'"));
    }
    return port;
  }
  if (scheme == "tcp" || scheme == "mqtt") return 1883;
  if (scheme == "ssl" || scheme == "mqtts") return 8883;
  if (scheme == "ws") return 80;
  if (scheme == "wss") return 443;
  return absl::InvalidArgumentError(absl::StrCat("unknown scheme in '", uri, "'"));
}

}  // namespace ftel
