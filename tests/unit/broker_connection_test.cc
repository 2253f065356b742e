#include "libftel/mqtt/broker_connection.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/log.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_mqtt_transport.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr int64_t kStart = 1800000000000;

class BrokerConnectionTest : public ::testing::Test {
 protected:
  BrokerConnectionTest() {
    broker_.set_uri("tcp://main:1883");
    broker_.add_failover_uris("tcp://spare-1:1883");
    broker_.add_failover_uris("tcp://spare-2:1883");
    broker_.set_keep_alive_s(30);
    broker_.set_connect_timeout_s(10);
    broker_.set_reconnect_min_ms(1000);
    broker_.set_reconnect_max_ms(8000);
  }

  std::vector<std::string> AttemptedUris() const {
    std::vector<std::string> uris;
    for (const MqttConnectOptions& o : transport_.connect_options()) uris.push_back(o.server_uri);
    return uris;
  }

  v1::BrokerConfig broker_;
  FakeMqttTransport transport_;
  FakeClock clock_{kStart};
};

TEST_F(BrokerConnectionTest, RotatesThroughFailoverUrisWithGrowingJitteredWaits) {
  transport_.FailConnects(absl::UnavailableError("refused"));
  BrokerConnection connection(broker_, &transport_, &clock_, 42, {});
  std::vector<int64_t> waits;
  for (int attempt = 0; attempt < 5; ++attempt) {
    EXPECT_FALSE(connection.Maintain());
    const int64_t wait = connection.next_attempt_ms() - clock_.MonotonicMs();
    waits.push_back(wait);
    // Not due yet: no attempt is made before the wait is over.
    clock_.Advance(wait - 1);
    EXPECT_FALSE(connection.Maintain());
    clock_.Advance(1);
  }
  EXPECT_EQ(AttemptedUris(),
            (std::vector<std::string>{"tcp://main:1883", "tcp://spare-1:1883", "tcp://spare-2:1883",
                                      "tcp://main:1883", "tcp://spare-1:1883"}));
  // Base 1, 2, 4, 8, 8 s, each jittered to 0.5..1.5x.
  const int64_t bases[] = {1000, 2000, 4000, 8000, 8000};
  for (size_t i = 0; i < waits.size(); ++i) {
    EXPECT_GE(waits[i], bases[i] / 2) << "attempt " << i;
    EXPECT_LE(waits[i], bases[i] * 3 / 2) << "attempt " << i;
  }
  EXPECT_EQ(connection.connects(), 0u);
}

TEST_F(BrokerConnectionTest, HooksRunPerAttemptAndAFailedHookDisconnectsAndRetries) {
  int prepared = 0;
  std::vector<std::string> connected_to;
  absl::Status hook_result = absl::UnavailableError("subscribe refused");
  BrokerConnectionHooks hooks;
  hooks.prepare = [&](MqttConnectOptions* options) {
    ++prepared;
    options->clean_session = false;
  };
  hooks.on_connected = [&](const std::string& uri) {
    connected_to.push_back(uri);
    return hook_result;
  };
  BrokerConnection connection(broker_, &transport_, &clock_, 7, std::move(hooks));

  EXPECT_FALSE(connection.Maintain()) << "the hook failed";
  EXPECT_FALSE(transport_.IsConnected()) << "a half-made session is not kept";
  EXPECT_EQ(transport_.disconnects(), 1);
  EXPECT_EQ(connection.connects(), 0u);

  hook_result = absl::OkStatus();
  clock_.Advance(connection.next_attempt_ms() - clock_.MonotonicMs());
  EXPECT_TRUE(connection.Maintain());
  EXPECT_EQ(connection.connects(), 1u);
  EXPECT_EQ(prepared, 2);
  EXPECT_EQ(connected_to, (std::vector<std::string>{"tcp://main:1883", "tcp://spare-1:1883"}));
  for (const MqttConnectOptions& o : transport_.connect_options()) EXPECT_FALSE(o.clean_session);
  EXPECT_EQ(connection.next_uri(), "tcp://spare-1:1883");
}

TEST_F(BrokerConnectionTest, ALostConnectionWaitsAMinimumBackoffAndTheSameBrokerComesFirst) {
  int lost = 0;
  BrokerConnectionHooks hooks;
  hooks.on_lost = [&] { ++lost; };
  BrokerConnection connection(broker_, &transport_, &clock_, 9, std::move(hooks));
  ASSERT_TRUE(connection.Maintain());
  transport_.DropConnection();
  EXPECT_EQ(lost, 1);
  EXPECT_FALSE(connection.Maintain()) << "not at once after the loss";
  const int64_t wait = connection.next_attempt_ms() - clock_.MonotonicMs();
  EXPECT_GE(wait, 500);
  EXPECT_LE(wait, 1500);
  clock_.Advance(wait);
  EXPECT_TRUE(connection.Maintain());
  EXPECT_EQ(AttemptedUris(), (std::vector<std::string>{"tcp://main:1883", "tcp://main:1883"}));
  EXPECT_EQ(connection.connects(), 2u);
}

TEST_F(BrokerConnectionTest, AnOutageWarnsOnceThenRemindsEveryMinuteWithTheAttemptsAndTheCause) {
  TempDir dir;
  const std::string path = dir.WriteFile("log", "");
  const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  LogToFd(fd, [](const char*) -> const char* { return nullptr; });
  transport_.FailConnects(absl::UnavailableError("connect to tcp://main:1883 failed: refused"));
  BrokerConnection connection(broker_, &transport_, &clock_, 7, {});
  const int64_t start = clock_.MonotonicMs();
  int attempts = 0;
  while (clock_.MonotonicMs() - start < 150000) {  // 2.5 minutes of attempts
    EXPECT_FALSE(connection.Maintain());
    ++attempts;
    clock_.Advance(connection.next_attempt_ms() - clock_.MonotonicMs());
  }
  LogToFd(STDERR_FILENO, [](const char* name) { return std::getenv(name); });
  close(fd);
  std::vector<std::string> warnings;
  for (absl::string_view line : absl::StrSplit(ReadFileToString(path).value_or(""), '\n')) {
    if (absl::StrContains(line, "WARN")) warnings.emplace_back(line);
  }
  ASSERT_GT(attempts, 12) << "12 s at most between attempts";
  ASSERT_EQ(transport_.connect_options().size(), static_cast<size_t>(attempts));
  // The start, then one reminder per minute: at about 1 and 2 minutes.
  ASSERT_EQ(warnings.size(), 3u) << absl::StrJoin(warnings, "\n");
  EXPECT_THAT(warnings[0], ::testing::HasSubstr("connect to tcp://main:1883 failed: refused"));
  EXPECT_THAT(warnings[1], ::testing::ContainsRegex(
                               "still not connected after [0-9]+ attempts in (6[0-9]|7[0-2]) s"));
  EXPECT_THAT(warnings[1], ::testing::HasSubstr("failed: refused"));
  EXPECT_THAT(warnings[2], ::testing::ContainsRegex("attempts in 1[2-4][0-9] s"));
}

}  // namespace
}  // namespace ftel
