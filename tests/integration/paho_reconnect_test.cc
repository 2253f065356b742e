// The Paho transport across a broker restart, with mosquitto's own log as
// the witness. A connection's unacknowledged QoS 1 publishes must not go out
// again on the next connection: Paho's retransmission of them once sent a
// publish with an empty topic and freed bytes for a payload, and mosquitto
// then dropped the client ("malformed packet") at every reconnect. The
// callers resend what was not acknowledged, so each such publish must report
// a failure, exactly once.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/eventually.h"
#include "tests/support/log_numbers.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr char kClientId[] = "ftel-reconnect-test";
constexpr int kInFlight = 20;

TEST(PahoReconnect, PublishesOfALostConnectionFailAndAreNotSentAgain) {
  TempDir dir;
  auto broker =
      BrokerProcess::Start(dir, absl::StrCat("persistence true\npersistence_location ", dir.path(),
                                             "/\nautosave_interval 1\nlog_type all\n"));
  ASSERT_TRUE(broker.ok()) << broker.status();

  std::unique_ptr<MqttTransport> transport = NewPahoMqttTransport((*broker)->uri(), kClientId);
  std::atomic<bool> lost{false};
  transport->SetConnectionLostHandler([&](const std::string&) { lost = true; });
  MqttConnectOptions options;
  options.clean_session = false;  // the broker keeps the session, as for the daemons
  options.keep_alive_s = 2;
  ASSERT_TRUE(transport->Connect(options).ok());
  absl::SleepFor(absl::Milliseconds(1500));  // the broker saves the session

  // The broker stops answering: the publishes are written but never
  // acknowledged. Then it dies and comes back on the same port.
  (*broker)->process().Signal(SIGSTOP);
  std::atomic<int> acked{0}, failed{0};
  for (int i = 0; i < kInFlight; ++i) {
    transport->Publish(
        MqttMessage{absl::StrCat("ftel/test/inflight/", i), std::string(2000, 'x'), 1, true},
        [&](absl::Status done) { ++(done.ok() ? acked : failed); });
  }
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(acked + failed, 0) << "a publish completed while the broker was stopped";
  (*broker)->Kill();
  ASSERT_TRUE(Eventually([&] { return lost.load(); }, absl::Seconds(10)));
  ASSERT_TRUE((*broker)->Restart().ok());

  absl::Status connected;
  ASSERT_TRUE(
      Eventually([&] { return (connected = transport->Connect(options)).ok(); }, absl::Seconds(10)))
      << connected;
  // Every publish of the lost connection has its one outcome, a failure.
  ASSERT_TRUE(Eventually([&] { return acked + failed == kInFlight; }, absl::Seconds(5)))
      << "acked " << acked << ", failed " << failed;
  EXPECT_EQ(failed, kInFlight);

  // The new connection works, and sent nothing of the old one.
  std::atomic<int> fresh_acked{0};
  transport->Publish(MqttMessage{"ftel/test/after", "after", 1, false},
                     [&](absl::Status done) { fresh_acked += done.ok() ? 1 : 0; });
  ASSERT_TRUE(Eventually([&] { return fresh_acked == 1; }, absl::Seconds(5)));
  const std::string log = (*broker)->process().Log();
  const int resent = CountLinesWith(log, absl::StrCat("Received PUBLISH from ", kClientId, " (d1"));
  const int malformed = CountLinesWith(log, "malformed packet");
  std::printf(
      "paho reconnect: in flight at the kill=%d failed=%d acked=%d resent=%d "
      "malformed=%d\n",
      kInFlight, failed.load(), acked.load(), resent, malformed);
  EXPECT_EQ(resent, 0) << log;
  EXPECT_EQ(malformed, 0) << log;
  EXPECT_EQ(CountLinesWith(log, "Received PUBLISH from ftel-reconnect-test (d0, q1, r0, m"), 1)
      << log;
}

// Publishes while connected queue in Paho, up to a large bound: a burst
// (the aggregator offering every result after a reconnect) is all sent.
// With the bound at 0 every publish made while another was still queued
// failed at once ("No more messages can be buffered").
// The aggregator's reload destroys the service whose publishes were in
// flight and keeps the transport: a done callback after Disconnect would run
// on a destroyed owner (it crashed the aggregator after a reload whose
// Disconnect timed out). Every pending publish is reported before
// Disconnect returns, and none again later.
TEST(PahoReconnect, ADisconnectThatTimesOutReportsEveryPendingPublishBeforeItReturns) {
  TempDir dir;
  auto broker = BrokerProcess::Start(dir);
  ASSERT_TRUE(broker.ok()) << broker.status();
  std::unique_ptr<MqttTransport> transport =
      NewPahoMqttTransport((*broker)->uri(), "ftel-disconnect-test");
  ASSERT_TRUE(transport->Connect(MqttConnectOptions{}).ok());
  (*broker)->process().Signal(SIGSTOP);  // nothing is acknowledged
  struct Counts {
    std::atomic<int> reported{0};
    std::atomic<int> failed{0};
    std::atomic<bool> disconnected{false};
    std::atomic<int> after_disconnect{0};
  };
  auto counts = std::make_shared<Counts>();
  constexpr int kPending = 10;
  for (int i = 0; i < kPending; ++i) {
    transport->Publish(MqttMessage{absl::StrCat("ftel/test/pending/", i), "x", 1, false},
                       [counts](absl::Status done) {
                         if (counts->disconnected) ++counts->after_disconnect;
                         ++counts->reported;
                         if (!done.ok()) ++counts->failed;
                       });
  }
  (void)transport->Disconnect(absl::Milliseconds(200));
  EXPECT_EQ(counts->reported, kPending);
  EXPECT_EQ(counts->failed, kPending);
  counts->disconnected = true;

  (*broker)->process().Signal(SIGCONT);
  absl::Status connected;
  ASSERT_TRUE(
      Eventually([&] { return (connected = transport->Connect({})).ok(); }, absl::Seconds(10)))
      << connected;
  EXPECT_TRUE(
      PublishAndWait(*transport, MqttMessage{"ftel/test/after", "y", 1, false}, absl::Seconds(5))
          .ok());
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(counts->after_disconnect, 0) << "a publish of before the Disconnect was reported again";
  EXPECT_EQ(counts->reported, kPending);
}

TEST(PahoReconnect, ABurstWhileConnectedIsAllAcknowledged) {
  TempDir dir;
  auto broker = BrokerProcess::Start(dir);
  ASSERT_TRUE(broker.ok()) << broker.status();
  std::unique_ptr<MqttTransport> transport = NewPahoMqttTransport((*broker)->uri(), kClientId);
  ASSERT_TRUE(transport->Connect(MqttConnectOptions{}).ok());
  constexpr int kBurst = 2000;
  std::atomic<int> acked{0}, failed{0};
  for (int i = 0; i < kBurst; ++i) {
    transport->Publish(
        MqttMessage{absl::StrCat("ftel/test/burst/", i % 50), std::string(3000, 'x'), 1, true},
        [&](absl::Status done) { ++(done.ok() ? acked : failed); });
  }
  ASSERT_TRUE(Eventually([&] { return acked + failed == kBurst; }, absl::Seconds(20)))
      << "acked " << acked << ", failed " << failed;
  std::printf("paho burst: published=%d acked=%d failed=%d\n", kBurst, acked.load(), failed.load());
  EXPECT_EQ(acked, kBurst);
}

}  // namespace
}  // namespace ftel
