// The operators' HTTP endpoint against real loopback sockets.
#include "aggregator/outputs/http_endpoint.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/support/http_get.h"

namespace ftel {
namespace {

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
  const std::string response = HttpGet(http.port(), "/metrics?x=1");
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
  const int slow = ConnectToLoopback(http.port());
  ASSERT_GE(slow, 0);
  std::thread trickle([&] {
    for (int i = 0; i < 20 && !done; ++i) {
      (void)send(slow, "G", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the slow one is being served
  const auto start = std::chrono::steady_clock::now();
  const std::string response = HttpGet(http.port(), "/healthz");
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
