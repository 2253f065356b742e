// The Paho transport keeps Paho MQTT C's trace to errors (paho_trace.h),
// against a real mosquitto: at Paho's default level every call and packet
// is traced, through the transport nothing below an error is, and with
// MQTT_C_CLIENT_TRACE set (Paho's debugging switch) the level is Paho's.
//
// Paho hands every entry its level lets through to a trace callback, so the
// callback's count is what the ring is spared. Paho's level is process-wide:
// each test sets Paho's default first, so that none depends on the order.
#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "MQTTAsync.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "mqtt/async_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

std::atomic<int> below_errors{0};

void CountBelowErrors(enum MQTTASYNC_TRACE_LEVELS level, char* /*message*/) {
  if (level < MQTTASYNC_TRACE_ERROR) below_errors.fetch_add(1);
}

constexpr int kPublishes = 20;

class PahoTrace : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = BrokerProcess::Start(dir_);
    ASSERT_TRUE(broker_.ok()) << broker_.status();
    // Paho's switches, should the environment have them, would change what
    // the tests see; those that need one set it.
    ASSERT_EQ(unsetenv("MQTT_C_CLIENT_TRACE"), 0);
    ASSERT_EQ(unsetenv("MQTT_C_CLIENT_TRACE_LEVEL"), 0);
    MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_MINIMUM);  // Paho's default (MQTTAsync.h)
    below_errors = 0;
    MQTTAsync_setTraceCallback(&CountBelowErrors);
  }
  void TearDown() override {
    MQTTAsync_setTraceCallback(nullptr);
    MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);
  }

  // Makes a transport, connects it and publishes kPublishes at QoS 1, each
  // acknowledged; counts only the publishes.
  void PublishThroughTheTransport(const std::string& client_id) {
    std::unique_ptr<MqttTransport> transport = NewPahoMqttTransport((*broker_)->uri(), client_id);
    const absl::Status connected = transport->Connect(MqttConnectOptions{});
    ASSERT_TRUE(connected.ok()) << connected;
    // Counted from here, the steady state. Before: Paho's threads, still
    // running from an earlier test's client, trace at the default level
    // until the client is made, and whenever Paho starts its log (at the
    // first client, or the first after all were gone) it prints its banner
    // through the callback whatever the level.
    below_errors = 0;
    for (int i = 0; i < kPublishes; ++i) {
      const absl::Status published = PublishAndWait(
          *transport, MqttMessage{"ftel/test/trace", absl::StrCat(i), 1, false}, absl::Seconds(5));
      ASSERT_TRUE(published.ok()) << published;
    }
  }

  TempDir dir_;
  absl::StatusOr<std::unique_ptr<BrokerProcess>> broker_;
};

// Why the transport sets it: Paho alone traces everything.
TEST_F(PahoTrace, AtPahosDefaultLevelEveryCallAndPacketIsTraced) {
  mqtt::async_client bare((*broker_)->uri(), "ftel-trace-bare", nullptr);
  bare.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  for (int i = 0; i < kPublishes; ++i) {
    bare.publish("ftel/test/trace", absl::StrCat(i), 1, false)->wait();
  }
  bare.disconnect()->wait();
  // Each publish passes through a dozen traced functions at least.
  EXPECT_GT(below_errors.load(), 10 * kPublishes);
}

TEST_F(PahoTrace, TheTransportKeepsItToErrors) {
  PublishThroughTheTransport("ftel-trace-quiet");
  EXPECT_EQ(below_errors.load(), 0);
}

// MQTT_C_CLIENT_TRACE_LEVEL alone prints nothing; Paho's log would set the
// level back from it when it starts, after the transport had set it.
TEST_F(PahoTrace, ALevelWithoutMqttCClientTraceStaysAtErrors) {
  ASSERT_EQ(setenv("MQTT_C_CLIENT_TRACE_LEVEL", "MAXIMUM", 1), 0);
  PublishThroughTheTransport("ftel-trace-level-only");
  ASSERT_EQ(unsetenv("MQTT_C_CLIENT_TRACE_LEVEL"), 0);
  EXPECT_EQ(below_errors.load(), 0);
}

TEST_F(PahoTrace, WithMqttCClientTraceSetTheLevelIsLeftToPaho) {
  // A file, so that a Paho starting its log here does not print to stdout.
  const std::string file = dir_.path() + "/paho-trace.log";
  ASSERT_EQ(setenv("MQTT_C_CLIENT_TRACE", file.c_str(), 1), 0);
  PublishThroughTheTransport("ftel-trace-debugging");
  ASSERT_EQ(unsetenv("MQTT_C_CLIENT_TRACE"), 0);
  EXPECT_GT(below_errors.load(), 10 * kPublishes);
}

}  // namespace
}  // namespace ftel
