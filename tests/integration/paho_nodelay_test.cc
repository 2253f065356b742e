// The Paho transport's socket to a real mosquitto has TCP_NODELAY, on the
// first connection and after a reconnect. With Nagle's algorithm on, the
// aggregator's results waited for the broker's delayed ACK (40 ms) of the
// PUBACK it had just sent for the report (bench/README.md, the broker path).
//
// The sockets are found here on their own, not through tcp_nodelay.h: those
// of this process connected to the broker's port that are new since before
// the connect. mosquitto runs in another process, so its ends are not seen.
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/mqtt/paho/tcp_nodelay.h"
#include "mqtt/async_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

// This process's sockets connected to 127.0.0.1:`port`: inode -> whether
// TCP_NODELAY is set.
std::map<ino_t, bool> SocketsTo(int port) {
  std::map<ino_t, bool> sockets;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) {
    ADD_FAILURE() << "cannot read /proc/self/fd";
    return sockets;
  }
  while (const dirent* entry = readdir(dir)) {
    int fd;
    struct stat st;
    if (!absl::SimpleAtoi(entry->d_name, &fd) || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
      continue;
    }
    sockaddr_in peer{};
    socklen_t length = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0 ||
        peer.sin_family != AF_INET || ntohs(peer.sin_port) != port) {
      continue;
    }
    int nodelay = 0;
    length = sizeof(nodelay);
    EXPECT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &length), 0);
    sockets[st.st_ino] = nodelay != 0;
  }
  closedir(dir);
  return sockets;
}

// Whether the one socket to `port` that is not in `before` has TCP_NODELAY.
::testing::AssertionResult NewSocketHasNoDelay(int port, const std::map<ino_t, bool>& before) {
  int found = 0;
  bool nodelay = false;
  for (const auto& [inode, set] : SocketsTo(port)) {
    if (before.count(inode) != 0) continue;
    ++found;
    nodelay = set;
  }
  if (found != 1) {
    return ::testing::AssertionFailure() << found << " new sockets to the broker, expected 1";
  }
  if (!nodelay) return ::testing::AssertionFailure() << "the new socket has Nagle's algorithm on";
  return ::testing::AssertionSuccess();
}

MqttConnectOptions NoDelay() {
  MqttConnectOptions options;
  options.no_delay = true;
  return options;
}

TEST(PahoNoDelay, TheTransportsSocketHasTcpNoDelayWhenAsked) {
  TempDir dir;
  auto broker = BrokerProcess::Start(dir);
  ASSERT_TRUE(broker.ok()) << broker.status();
  std::unique_ptr<MqttTransport> transport =
      NewPahoMqttTransport((*broker)->uri(), "ftel-nodelay-test");
  const std::map<ino_t, bool> before = SocketsTo((*broker)->port());
  const absl::Status connected = transport->Connect(NoDelay());
  ASSERT_TRUE(connected.ok()) << connected;
  EXPECT_TRUE(NewSocketHasNoDelay((*broker)->port(), before));
  // And it carries traffic as before.
  EXPECT_TRUE(
      PublishAndWait(*transport, MqttMessage{"ftel/test/nodelay", "x", 1, false}, absl::Seconds(5))
          .ok());
}

// The agent's connections keep Nagle's algorithm: its backlog drains in fewer
// segments.
TEST(PahoNoDelay, WithoutTheOptionTheSocketKeepsNagle) {
  TempDir dir;
  auto broker = BrokerProcess::Start(dir);
  ASSERT_TRUE(broker.ok()) << broker.status();
  std::unique_ptr<MqttTransport> transport =
      NewPahoMqttTransport((*broker)->uri(), "ftel-nagle-test");
  const std::map<ino_t, bool> before = SocketsTo((*broker)->port());
  ASSERT_TRUE(transport->Connect(MqttConnectOptions{}).ok());
  const ::testing::AssertionResult nodelay = NewSocketHasNoDelay((*broker)->port(), before);
  EXPECT_FALSE(nodelay);
  EXPECT_EQ(std::string(nodelay.message()), "the new socket has Nagle's algorithm on");
}

// Why the transport sets it: Paho alone does not. Should this fail after a
// Paho upgrade, Paho sets TCP_NODELAY itself and tcp_nodelay.h can go.
TEST(PahoNoDelay, PahoAloneLeavesNagleOn) {
  TempDir dir;
  auto broker = BrokerProcess::Start(dir);
  ASSERT_TRUE(broker.ok()) << broker.status();
  mqtt::async_client bare((*broker)->uri(), "ftel-nodelay-bare", nullptr);
  const std::map<ino_t, bool> before = SocketsTo((*broker)->port());
  bare.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  const ::testing::AssertionResult nodelay = NewSocketHasNoDelay((*broker)->port(), before);
  EXPECT_FALSE(nodelay);
  EXPECT_EQ(std::string(nodelay.message()), "the new socket has Nagle's algorithm on");
  bare.disconnect()->wait();
}

// Every Connect makes a new Paho client and socket: each needs it.
TEST(PahoNoDelay, TheSocketAfterAReconnectHasItToo) {
  TempDir dir;
  auto broker = BrokerProcess::Start(dir);
  ASSERT_TRUE(broker.ok()) << broker.status();
  std::unique_ptr<MqttTransport> transport =
      NewPahoMqttTransport((*broker)->uri(), "ftel-nodelay-reconnect");
  ASSERT_TRUE(transport->Connect(NoDelay()).ok());
  (*broker)->Kill();
  ASSERT_TRUE(Eventually([&] { return !transport->IsConnected(); }, absl::Seconds(10)));
  ASSERT_TRUE((*broker)->Restart().ok());
  const std::map<ino_t, bool> before = SocketsTo((*broker)->port());
  absl::Status connected;
  ASSERT_TRUE(Eventually([&] { return (connected = transport->Connect(NoDelay())).ok(); },
                         absl::Seconds(10)))
      << connected;
  EXPECT_TRUE(NewSocketHasNoDelay((*broker)->port(), before));
}

TEST(BrokerPortOf, ReadsThePortOrThePahoDefault) {
  EXPECT_EQ(BrokerPortOf("tcp://127.0.0.1:40123").value(), 40123);
  EXPECT_EQ(BrokerPortOf("ssl://broker.example:8884").value(), 8884);
  EXPECT_EQ(BrokerPortOf("ssl://[::1]:8885").value(), 8885);
  EXPECT_EQ(BrokerPortOf("ws://broker.example:9001/mqtt").value(), 9001);
  EXPECT_EQ(BrokerPortOf("tcp://broker.example").value(), 1883);
  EXPECT_EQ(BrokerPortOf("ssl://[::1]").value(), 8883);
  EXPECT_EQ(BrokerPortOf("wss://broker.example/mqtt").value(), 443);
  EXPECT_FALSE(BrokerPortOf("broker.example:1883").ok());
  EXPECT_FALSE(BrokerPortOf("tcp://broker.example:0").ok());
  EXPECT_FALSE(BrokerPortOf("tcp://broker.example:http").ok());
}

}  // namespace
}  // namespace ftel
