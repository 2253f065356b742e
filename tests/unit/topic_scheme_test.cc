#include "libftel/mqtt/topic_scheme.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(TopicScheme, BuildsTheDocumentedTopics) {
  TopicScheme topics("ftel");
  EXPECT_EQ(topics.ReportTopic("f1", "n1"), "ftel/v1/node/f1/n1/report");
  EXPECT_EQ(topics.StatusTopic("f1", "n1"), "ftel/v1/node/f1/n1/status");
  EXPECT_EQ(topics.AllReports(), "ftel/v1/node/+/+/report");
  EXPECT_EQ(topics.FactoryRatesTopic("f1"), "ftel/v1/rates/factory/f1");
  EXPECT_EQ(topics.GroupRatesTopic("link", "PM"), "ftel/v1/rates/link/PM");
  EXPECT_EQ(topics.FleetRatesTopic(), "ftel/v1/rates/fleet");
}

TEST(TopicScheme, ParsesNodeTopicsOnlyUnderItsRoot) {
  TopicScheme topics("plant");
  auto parsed = topics.ParseNodeTopic("plant/v1/node/f-1/edge-2/status");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->factory_id, "f-1");
  EXPECT_EQ(parsed->node_id, "edge-2");
  EXPECT_EQ(parsed->kind, NodeTopicKind::kStatus);
  EXPECT_FALSE(topics.ParseNodeTopic("ftel/v1/node/f1/n1/report").has_value());
  EXPECT_FALSE(topics.ParseNodeTopic("plant/v1/node/f1/n1/other").has_value());
  EXPECT_FALSE(topics.ParseNodeTopic("plant/v1/node/F1/n1/report").has_value());
  EXPECT_FALSE(topics.ParseNodeTopic("plant/v1/node/f1/n1/x/report").has_value());
}

TEST(TopicScheme, IdsAreSafeTopicLevels) {
  EXPECT_TRUE(IsValidId("suzhou-electronics"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("-lead"));
  EXPECT_FALSE(IsValidId("a+b"));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
}

TEST(TopicScheme, FreeTextBecomesATopicLevel) {
  EXPECT_EQ(TopicLevelFor("Consumer Goods / Home"), "consumer-goods-home");
  EXPECT_EQ(TopicLevelFor(""), "unknown");
  EXPECT_EQ(TopicLevelFor("#+"), "unknown");
}

}  // namespace
}  // namespace ftel
