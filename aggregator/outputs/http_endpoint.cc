#include "aggregator/outputs/http_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

constexpr size_t kMaxRequestBytes = 8192;
// For a whole connection, request and response: a client that trickles its
// bytes cannot hold the single serving thread (and so /healthz) for longer.
constexpr int kConnectionDeadlineMs = 5000;

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 503:
      return "Service Unavailable";
    default:
      return "Bad Request";
  }
}

// Milliseconds left until `deadline`, at least 0.
int MsLeft(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

void SendAll(int fd, const std::string& data, std::chrono::steady_clock::time_point deadline) {
  size_t sent = 0;
  while (sent < data.size()) {
    pollfd ready{fd, POLLOUT, 0};
    if (poll(&ready, 1, MsLeft(deadline)) <= 0) return;
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

HttpEndpoint::~HttpEndpoint() { Stop(); }

absl::StatusOr<sockaddr_in> ParseIpv4Listen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535 ||
      inet_pton(AF_INET, listen.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be IPv4-address:port or off, got '", listen, "'"));
  }
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

absl::Status HttpEndpoint::Start(const std::string& listen, Handler handler) {
  absl::StatusOr<sockaddr_in> parsed = ParseIpv4Listen(listen);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("http listen address ", parsed.status().message()));
  }
  sockaddr_in address = *parsed;
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    const int err = errno;
    close(listen_fd_);
    listen_fd_ = -1;
    return absl::UnavailableError(
        absl::StrCat("http: cannot listen on ", listen, ": ", std::strerror(err)));
  }
  socklen_t length = sizeof(address);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  handler_ = std::move(handler);
  thread_ = std::thread([this] { Serve(); });
  return absl::OkStatus();
}

void HttpEndpoint::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  thread_.join();
  close(listen_fd_);
  listen_fd_ = -1;
}

void HttpEndpoint::Serve() {
  while (!stopping_) {
    pollfd ready{listen_fd_, POLLIN, 0};
    if (poll(&ready, 1, 200) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    close(fd);
  }
}

void HttpEndpoint::HandleConnection(int fd) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kConnectionDeadlineMs);
  std::string request;
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < kMaxRequestBytes) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, MsLeft(deadline)) <= 0) return;
    char buffer[1024];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return;
    request.append(buffer, static_cast<size_t>(n));
  }
  HttpResponse response;
  const size_t first_space = request.find(' ');
  const size_t second_space = request.find(' ', first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos) {
    response = HttpResponse{400, "text/plain; charset=utf-8", "bad request\n"};
  } else if (request.compare(0, first_space, "GET") != 0) {
    response = HttpResponse{405, "text/plain; charset=utf-8", "only GET\n"};
  } else {
    std::string path = request.substr(first_space + 1, second_space - first_space - 1);
    path = path.substr(0, path.find('?'));
    response = handler_(path);
  }
  SendAll(fd,
          absl::StrCat("HTTP/1.0 ", response.status, " ", Reason(response.status),
                       "\r\nContent-Type: ", response.content_type, "\r\nContent-Length: ",
                       response.body.size(), "\r\nConnection: close\r\n\r\n", response.body),
          deadline);
}

}  // namespace ftel
