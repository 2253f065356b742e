// The operators' HTTP endpoint against real loopback sockets.
#include "aggregator/http_endpoint.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace ftel {
namespace {

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  return fd;
}

// The whole response, or what arrived before the peer closed or 30 s passed.
std::string Get(int port, const std::string& path) {
  const int fd = Connect(port);
  timeval limit{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  const std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
  (void)send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
    response.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return response;
}

TEST(ParseIpv4Listen, TakesAnAddressAndPortOnly) {
  EXPECT_TRUE(ParseIpv4Listen("127.0.0.1:9464").ok());
  EXPECT_TRUE(ParseIpv4Listen("0.0.0.0:0").ok());
  for (const char* bad : {"localhost:9464", "127.0.0.1", "127.0.0.1:70000", "[::1]:9464", ":80"}) {
    const auto parsed = ParseIpv4Listen(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().message(),
              std::string("must be IPv4-address:port or off, got '") + bad + "'");
  }
}

TEST(HttpEndpoint, ServesTheHandlersResponse) {
  HttpEndpoint http;
  ASSERT_TRUE(http.Start("127.0.0.1:0",
                         [](const std::string& path) {
                           return HttpResponse{200, "text/plain", "path " + path + "\n"};
                         })
                  .ok());
  const std::string response = Get(http.port(), "/metrics?x=1");
  EXPECT_EQ(response.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("\r\n\r\npath /metrics\n"), std::string::npos) << response;
}

TEST(HttpEndpoint, AClientTricklingItsRequestCannotHoldTheEndpoint) {
  HttpEndpoint http;
  ASSERT_TRUE(http.Start("127.0.0.1:0",
                         [](const std::string&) {
                           return HttpResponse{200, "text/plain", "ok\n"};
                         })
                  .ok());
  // One byte a second, never finishing the request, for 20 s: longer than
  // the per-connection deadline, and each byte within any per-read timeout.
  std::atomic<bool> done{false};
  const int slow = Connect(http.port());
  std::thread trickle([&] {
    for (int i = 0; i < 20 && !done; ++i) {
      (void)send(slow, "G", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the slow one is being served
  const auto start = std::chrono::steady_clock::now();
  const std::string response = Get(http.port(), "/healthz");
  const auto waited = std::chrono::steady_clock::now() - start;
  done = true;
  trickle.join();
  close(slow);
  EXPECT_EQ(response.rfind("HTTP/1.0 200 OK", 0), 0u) << response;
  // Served once the slow connection's deadline passed, well before it gave up.
  EXPECT_LT(waited, std::chrono::seconds(15));
}

}  // namespace
}  // namespace ftel
