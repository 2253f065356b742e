#include "agent/sources/mqtt/sparkplug_node_state.h"

#include "gtest/gtest.h"
#include "tests/sources/mqtt/sparkplug_test_payloads.h"

namespace ftel {
namespace {

SparkplugTopic Topic(SparkplugMessageType type, std::string device = "") {
  return SparkplugTopic{"plant-a", type, "press-1", std::move(device)};
}

v1::sparkplug::Payload Parsed(const std::string& bytes) {
  v1::sparkplug::Payload payload;
  EXPECT_TRUE(payload.ParseFromString(bytes));
  return payload;
}

TEST(SparkplugNodeState, DataByAliasIsNamedFromTheBirth) {
  SparkplugNodeState node;
  SparkplugOutcome birth = node.OnMessage(Topic(SparkplugMessageType::kNBirth),
                                          Parsed(Birth(0, 4, {{"Counters/Good", 7, 100}})), 0);
  ASSERT_TRUE(birth.born.has_value());
  ASSERT_EQ(birth.readings.size(), 1u);  // bdSeq is not a reading
  EXPECT_EQ(birth.readings[0].metric, "Counters/Good");
  EXPECT_EQ(node.bd_seq(), 4u);
  SparkplugOutcome data =
      node.OnMessage(Topic(SparkplugMessageType::kNData), Parsed(Data(1, 7, 105)), 10);
  ASSERT_EQ(data.readings.size(), 1u);
  EXPECT_EQ(data.readings[0].metric, "Counters/Good");
  EXPECT_EQ(*data.readings[0].value, 105);
  EXPECT_FALSE(data.lost.has_value());
  // An alias no birth gave is not read.
  EXPECT_TRUE(node.OnMessage(Topic(SparkplugMessageType::kNData), Parsed(Data(2, 99, 1)), 20)
                  .readings.empty());
}

TEST(SparkplugNodeState, SeqGapAsksForRebirthAndWaitsForIt) {
  SparkplugNodeState node(/*rebirth_interval_ms=*/5000);
  node.OnMessage(Topic(SparkplugMessageType::kNBirth), Parsed(Birth(255, 1, {{"m", 1, 0}})), 0);
  // 255 -> 0 wraps, no gap.
  EXPECT_FALSE(node.OnMessage(Topic(SparkplugMessageType::kNData), Parsed(Data(0, 1, 1)), 0).lost);
  SparkplugOutcome gap =
      node.OnMessage(Topic(SparkplugMessageType::kNData), Parsed(Data(2, 1, 2)), 100);
  ASSERT_TRUE(gap.lost.has_value());
  EXPECT_EQ(gap.lost->reason, "awaiting rebirth after seq gap");
  EXPECT_TRUE(gap.request_rebirth);
  EXPECT_FALSE(node.born());
  // More data before the rebirth: unknown, and no second request within 5 s.
  SparkplugOutcome more =
      node.OnMessage(Topic(SparkplugMessageType::kNData), Parsed(Data(3, 1, 3)), 200);
  EXPECT_TRUE(more.readings.empty());
  EXPECT_FALSE(more.request_rebirth);
  EXPECT_TRUE(node.OnMessage(Topic(SparkplugMessageType::kNData), Parsed(Data(4, 1, 3)), 5200)
                  .request_rebirth);
  node.OnMessage(Topic(SparkplugMessageType::kNBirth), Parsed(Birth(0, 1, {{"m", 1, 9}})), 6000);
  EXPECT_TRUE(node.born());
  EXPECT_EQ(node.OnMessage(Topic(SparkplugMessageType::kNData), Parsed(Data(1, 1, 10)), 6100)
                .readings.size(),
            1u);
}

TEST(SparkplugNodeState, NDeathCountsOnlyWithTheBirthsBdSeq) {
  SparkplugNodeState node;
  node.OnMessage(Topic(SparkplugMessageType::kNBirth), Parsed(Birth(0, 7, {{"m", 1, 0}})), 0);
  // A stale death certificate of session 6.
  EXPECT_FALSE(node.OnMessage(Topic(SparkplugMessageType::kNDeath), Parsed(Death(6)), 1).lost);
  EXPECT_TRUE(node.born());
  SparkplugOutcome death =
      node.OnMessage(Topic(SparkplugMessageType::kNDeath), Parsed(Death(7)), 2);
  ASSERT_TRUE(death.lost.has_value());
  EXPECT_EQ(death.lost->reason, "edge node dead (NDEATH)");
  EXPECT_EQ(death.lost->device_id, "");
  EXPECT_FALSE(node.born());
}

TEST(SparkplugNodeState, DeviceBirthDataAndDeath) {
  SparkplugNodeState node;
  node.OnMessage(Topic(SparkplugMessageType::kNBirth), Parsed(Birth(0, 1, {})), 0);
  SparkplugOutcome born = node.OnMessage(Topic(SparkplugMessageType::kDBirth, "cell-2"),
                                         Parsed(Birth(1, std::nullopt, {{"Parts", 3, 50}})), 0);
  EXPECT_EQ(born.born, "cell-2");
  SparkplugOutcome data =
      node.OnMessage(Topic(SparkplugMessageType::kDData, "cell-2"), Parsed(Data(2, 3, 51)), 0);
  ASSERT_EQ(data.readings.size(), 1u);
  EXPECT_EQ(data.readings[0].device_id, "cell-2");
  EXPECT_EQ(data.readings[0].metric, "Parts");
  SparkplugOutcome death = node.OnMessage(Topic(SparkplugMessageType::kDDeath, "cell-2"),
                                          Parsed(TestPayload(3, {}).SerializeAsString()), 0);
  ASSERT_TRUE(death.lost.has_value());
  EXPECT_EQ(death.lost->device_id, "cell-2");
  EXPECT_EQ(death.lost->reason, "device dead (DDEATH)");
  EXPECT_TRUE(node.born());  // the node lives on
}

TEST(SparkplugDecoder, ReadsSignedTypesAndTopics) {
  v1::sparkplug::Payload::Metric metric;
  metric.set_datatype(v1::sparkplug::INT8);
  metric.set_int_value(0xFFFFFFFFu);
  EXPECT_EQ(*SparkplugNumber(metric, 0), -1);
  metric.set_datatype(v1::sparkplug::UINT32);
  EXPECT_EQ(*SparkplugNumber(metric, 0), 4294967295.0);
  metric.set_string_value("x");
  EXPECT_FALSE(SparkplugNumber(metric, 0).ok());
  std::optional<SparkplugTopic> topic = ParseSparkplugTopic("spBv1.0/g/DDATA/n/d");
  ASSERT_TRUE(topic.has_value());
  EXPECT_EQ(topic->type, SparkplugMessageType::kDData);
  EXPECT_EQ(topic->device_id, "d");
  EXPECT_EQ(ParseSparkplugTopic("spBv1.0/g/NDATA/n/d")->type, SparkplugMessageType::kOther);
  EXPECT_FALSE(ParseSparkplugTopic("spAv1.0/g/NDATA/n").has_value());
  MqttMessage ask = RebirthRequest("g", "n", 1234);
  EXPECT_EQ(ask.topic, "spBv1.0/g/NCMD/n");
  v1::sparkplug::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(ask.payload));
  ASSERT_EQ(payload.metrics_size(), 1);
  EXPECT_EQ(payload.metrics(0).name(), "Node Control/Rebirth");
  EXPECT_EQ(payload.metrics(0).datatype(), static_cast<uint32_t>(v1::sparkplug::BOOLEAN));
  EXPECT_TRUE(payload.metrics(0).boolean_value());
}

}  // namespace
}  // namespace ftel
