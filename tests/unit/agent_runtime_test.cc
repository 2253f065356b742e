#include "agent/agent_runtime.h"

#include <thread>

#include "gtest/gtest.h"
#include "libftel/topic_scheme.h"
#include "tests/support/fake_mqtt_transport.h"
#include "tests/unit/test_agent_config.h"

namespace ftel {
namespace {

constexpr char kConfig[] = R"(broker: {uri: 'tcp://127.0.0.1:1883'}
identity: {factory_id: f1, node_id: n1}
publish_interval_ms: 100
catalogue_path: CATALOGUE
sources: [{name: sim, type: simulated}]
scenarios: [{id: PM-01, built: true, ai_declared: true, evidence_source: sim}]
)";

v1::NodeStatus ParseStatus(const std::string& payload) {
  v1::NodeStatus status;
  EXPECT_TRUE(status.ParseFromString(payload));
  return status;
}

TEST(AgentRuntime, AnnouncesReportsAndSaysGoodbye) {
  TempDir dir;
  const LoadedAgentConfig loaded = LoadTestAgentConfig(dir, kConfig);
  auto sampler = Sampler::Create(loaded);
  ASSERT_TRUE(sampler.ok());
  FakeMqttTransport transport;
  SystemClock clock;
  AgentRuntime runtime(loaded, sampler->get(), &transport, &clock, 0xabc);
  ShutdownSignal stop;
  std::thread run([&] { EXPECT_TRUE(runtime.Run(stop).ok()); });
  // Stop once three reports went out.
  for (int i = 0; i < 200 && runtime.counters().acknowledged.load() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop.Request();
  run.join();

  const TopicScheme topics("ftel");
  // The Will registered with CONNECT says offline, retained, at QoS 1.
  ASSERT_EQ(transport.connect_options().size(), 1u);
  const std::optional<MqttMessage> will = transport.connect_options()[0].will;
  ASSERT_TRUE(will.has_value());
  EXPECT_EQ(will->topic, topics.StatusTopic("f1", "n1"));
  EXPECT_TRUE(will->retained);
  EXPECT_EQ(will->qos, 1);
  EXPECT_EQ(ParseStatus(will->payload).state(), v1::NodeStatus::OFFLINE);
  EXPECT_TRUE(ParseStatus(will->payload).is_last_will());

  const std::vector<MqttMessage> published = transport.published();
  ASSERT_GE(published.size(), 5u);  // online, 3+ reports, offline
  EXPECT_EQ(published.front().topic, topics.StatusTopic("f1", "n1"));
  EXPECT_TRUE(published.front().retained);
  const v1::NodeStatus online = ParseStatus(published.front().payload);
  EXPECT_EQ(online.state(), v1::NodeStatus::ONLINE);
  EXPECT_EQ(online.session_id(), 0xabcu);
  EXPECT_EQ(online.config_hash(), loaded.config_hash);
  EXPECT_EQ(online.catalogue_version(), loaded.catalogue.version());

  uint64_t expected_sequence = 1;
  for (size_t i = 1; i + 1 < published.size(); ++i) {
    EXPECT_EQ(published[i].topic, topics.ReportTopic("f1", "n1"));
    EXPECT_FALSE(published[i].retained);
    EXPECT_EQ(published[i].qos, 1);
    v1::Report report;
    ASSERT_TRUE(report.ParseFromString(published[i].payload));
    EXPECT_EQ(report.sequence(), expected_sequence++);
    EXPECT_EQ(report.session_id(), 0xabcu);
    EXPECT_EQ(report.window_end_ms() - report.window_start_ms(), 100);
  }
  const v1::NodeStatus goodbye = ParseStatus(published.back().payload);
  EXPECT_EQ(published.back().topic, topics.StatusTopic("f1", "n1"));
  EXPECT_TRUE(published.back().retained);
  EXPECT_EQ(goodbye.state(), v1::NodeStatus::OFFLINE);
  EXPECT_FALSE(goodbye.is_last_will());
  EXPECT_EQ(transport.disconnects(), 1);
}

TEST(AgentRuntime, CountsReportsItCouldNotSend) {
  TempDir dir;
  const LoadedAgentConfig loaded = LoadTestAgentConfig(dir, kConfig);
  auto sampler = Sampler::Create(loaded);
  ASSERT_TRUE(sampler.ok());
  FakeMqttTransport transport;
  transport.FailConnects(absl::UnavailableError("broker down"));
  SystemClock clock;
  AgentRuntime runtime(loaded, sampler->get(), &transport, &clock, 1);
  ShutdownSignal stop;
  std::thread run([&] { EXPECT_TRUE(runtime.Run(stop).ok()); });
  for (int i = 0; i < 200 && runtime.counters().unsent.load() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop.Request();
  run.join();
  EXPECT_GE(runtime.counters().unsent.load(), 2u);
  EXPECT_EQ(runtime.counters().unsent.load(), runtime.counters().sampled.load());
  EXPECT_TRUE(transport.published().empty());
}

}  // namespace
}  // namespace ftel
