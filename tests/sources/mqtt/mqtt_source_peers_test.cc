// The mqtt source against a real mosquitto and peers no one here wrote: a
// Sparkplug B edge node made of Eclipse Tahu's encoder over mqtt.js
// (sparkplug_edge_node.mjs), and mosquitto_pub for JSON. Windows are closed
// by the test, on the real clock, as the agent's sampler would.
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/sources/mqtt/mqtt_source.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr char kPeerDir[] = FTEL_SOURCE_DIR "/tests/sources/mqtt";

class MqttSourcePeersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<BrokerProcess>> broker = BrokerProcess::Start(dir_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = std::move(*broker);
  }

  std::unique_ptr<MqttSource> StartSource(SourceBindings bindings, const std::string& yaml_like) {
    v1::SourceConfig config;
    config.set_name("shop-floor");
    config.set_type("mqtt");
    v1::MqttSourceConfig* mqtt = config.mutable_mqtt();
    mqtt->mutable_broker()->set_uri(broker_->uri());
    mqtt->mutable_broker()->set_reconnect_min_ms(100);
    mqtt->mutable_broker()->set_reconnect_max_ms(500);
    v1::MqttBinding* b = mqtt->add_bindings();
    if (yaml_like == "sparkplug") {
      b->set_scenario_id("weld");
      b->mutable_sparkplug()->set_group_id("plant-a");
      b->mutable_sparkplug()->set_edge_node_id("press-1");
      b->mutable_sparkplug()->set_metric("Inferences");
    } else {
      b->set_scenario_id("weld");
      b->set_topic("vision/+/stats");
      b->set_json("model.inferences_total");
    }
    ConfigProblems problems(dir_.path() + "/agent.yaml");
    std::optional<MqttSourcePlan> plan = PlanMqttSource(config, bindings, "sources[0]", &problems);
    EXPECT_TRUE(plan.has_value()) << problems.ToStatus();
    MqttSourceOptions options;
    options.make_transport = NewPahoMqttTransport;
    auto source = std::make_unique<MqttSource>("shop-floor", std::move(*plan), options);
    EXPECT_TRUE(source->Start().ok());
    return source;
  }

  // Closes a window the way the sampler does: whatever accumulated.
  Figure<uint64_t> Window(MqttSource& source) {
    const int64_t now = absl::ToUnixMillis(absl::Now());
    SourceWindow seen = source.TakeWindow(ReportWindow{last_ms_, now, ++sequence_, false});
    last_ms_ = now;
    return seen.inferences.at("weld");
  }

  void Run(const std::vector<std::string>& argv) {
    absl::StatusOr<std::unique_ptr<ChildProcess>> child =
        ChildProcess::Start(argv, dir_.path() + "/run-" + std::to_string(++runs_) + ".log");
    ASSERT_TRUE(child.ok()) << child.status();
    ASSERT_EQ((*child)->WaitForExit(absl::Seconds(10)), 0) << (*child)->Log();
  }

  void Publish(const std::string& topic, const std::string& payload) {
    Run({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker_->port()), "-q", "1", "-t",
         topic, "-m", payload});
  }

  // Publishes and waits until `source` took the message: the broker's PUBACK
  // to mosquitto_pub does not mean the subscriber has it yet.
  void PublishTo(const MqttSource& source, const std::string& topic, const std::string& payload) {
    const uint64_t before = source.messages_received();
    Publish(topic, payload);
    EXPECT_TRUE(WaitFor([&] { return source.messages_received() > before; }, absl::Seconds(10)))
        << "the source never got " << payload;
  }

  static bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (condition()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return condition();
  }

  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  int64_t last_ms_ = absl::ToUnixMillis(absl::Now());
  uint64_t sequence_ = 0;
  int runs_ = 0;
};

SourceBindings Weld() {
  SourceBindings b;
  b.scenario_ids = {"weld"};
  return b;
}

TEST_F(MqttSourcePeersTest, SparkplugFromTahuWithSeqGapRebirthAndDeath) {
  std::unique_ptr<MqttSource> source = StartSource(Weld(), "sparkplug");
  // Connected and subscribed before the edge node is born.
  ASSERT_TRUE(WaitFor([&] { return Window(*source).unknown_reason == "no message yet"; },
                      absl::Seconds(10)));
  absl::StatusOr<std::unique_ptr<ChildProcess>> edge = ChildProcess::Start(
      {"/usr/bin/node", std::string(kPeerDir) + "/sparkplug_edge_node.mjs",
       "mqtt://127.0.0.1:" + std::to_string(broker_->port()), "plant-a", "press-1", "1000"},
      dir_.path() + "/edge.log");
  ASSERT_TRUE(edge.ok()) << edge.status();
  ASSERT_TRUE(
      WaitFor([&] { return absl::StrContains((*edge)->Log(), "ready"); }, absl::Seconds(20)))
      << (*edge)->Log();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(Window(*source).unknown_reason, "no baseline yet");  // the birth set it

  // Each step makes the edge node publish one message (but "skip"), and
  // waits until the source took it.
  auto step = [&](const std::string& json) {
    const uint64_t before = source->messages_received();
    Publish("ftel-test/edge/ctl", json);
    if (absl::StrContains(json, "skip")) {
      absl::SleepFor(absl::Milliseconds(300));
      return;
    }
    ASSERT_TRUE(WaitFor([&] { return source->messages_received() > before; }, absl::Seconds(10)))
        << json << "\n"
        << (*edge)->Log();
  };
  step(R"({"do": "data", "value": 1010})");
  step(R"({"do": "data", "value": 1025})");
  Figure<uint64_t> w = Window(*source);
  ASSERT_TRUE(w.known()) << w.unknown_reason << "\n" << (*edge)->Log();
  EXPECT_EQ(*w.value, 25u);

  // A lost message: the source asks for a rebirth, the node answers with NBIRTH.
  step(R"({"do": "skip"})");
  const uint64_t before_gap = source->messages_received();
  step(R"({"do": "data", "value": 1030})");
  ASSERT_TRUE(WaitFor([&] { return absl::StrContains((*edge)->Log(), "rebirth requested"); },
                      absl::Seconds(5)))
      << (*edge)->Log();
  // The data message that showed the gap, the source's own NCMD (its
  // subscription covers the node's topics), then the new NBIRTH.
  ASSERT_TRUE(
      WaitFor([&] { return source->messages_received() >= before_gap + 3; }, absl::Seconds(10)))
      << (*edge)->Log();
  EXPECT_EQ(source->rebirth_requests(), 1u);
  EXPECT_EQ(Window(*source).unknown_reason, "awaiting rebirth after seq gap");
  EXPECT_EQ(*Window(*source).value, 0u);  // born again, baseline from the birth
  step(R"({"do": "data", "value": 1042})");
  w = Window(*source);
  ASSERT_TRUE(w.known()) << w.unknown_reason;
  EXPECT_EQ(*w.value, 12u);

  step(R"({"do": "death"})");
  EXPECT_EQ(Window(*source).unknown_reason, "edge node dead (NDEATH)");
  EXPECT_EQ(Window(*source).unknown_reason, "edge node dead (NDEATH)");
  source->Stop();
}

TEST_F(MqttSourcePeersTest, JsonOverMosquittoAndTheBrokerGoingAway) {
  std::unique_ptr<MqttSource> source = StartSource(Weld(), "json");
  ASSERT_TRUE(WaitFor([&] { return Window(*source).unknown_reason == "no message yet"; },
                      absl::Seconds(10)));
  PublishTo(*source, "vision/weld-cell-1/stats", R"({"model": {"inferences_total": 500}})");
  EXPECT_EQ(Window(*source).unknown_reason, "no baseline yet");
  PublishTo(*source, "vision/weld-cell-1/stats", R"({"model": {"inferences_total": 530}})");
  PublishTo(*source, "vision/weld-cell-1/stats", R"({"model": {"name": "no counter here"}})");
  PublishTo(*source, "vision/weld-cell-1/stats", R"({"model": {"inferences_total": 547}})");
  Figure<uint64_t> w = Window(*source);
  ASSERT_TRUE(w.known()) << w.unknown_reason;
  EXPECT_EQ(*w.value, 47u);

  broker_->Stop();
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Window(*source).unknown_reason, "not connected");
  EXPECT_EQ(Window(*source).unknown_reason, "not connected");
  ASSERT_TRUE(broker_->Restart().ok());
  ASSERT_TRUE(WaitFor([&] { return Window(*source).unknown_reason == "no message yet"; },
                      absl::Seconds(15)));
  PublishTo(*source, "vision/weld-cell-1/stats", R"({"model": {"inferences_total": 600}})");
  EXPECT_EQ(Window(*source).unknown_reason, "no baseline yet");
  PublishTo(*source, "vision/weld-cell-1/stats", R"({"model": {"inferences_total": 608}})");
  w = Window(*source);
  ASSERT_TRUE(w.known()) << w.unknown_reason;
  EXPECT_EQ(*w.value, 8u);
  source->Stop();
}

}  // namespace
}  // namespace ftel
