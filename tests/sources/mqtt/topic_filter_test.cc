#include "agent/sources/mqtt/topic_filter.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(MqttTopicFilter, MatchesWildcardsAsMqttDoes) {
  EXPECT_TRUE(TopicFilterMatches("a/+/c", "a/b/c"));
  EXPECT_FALSE(TopicFilterMatches("a/+/c", "a/b/d"));
  EXPECT_FALSE(TopicFilterMatches("a/+", "a/b/c"));
  EXPECT_TRUE(TopicFilterMatches("a/#", "a"));
  EXPECT_TRUE(TopicFilterMatches("a/#", "a/b/c"));
  EXPECT_FALSE(TopicFilterMatches("#", "$SYS/broker"));
  EXPECT_EQ(TopicFilterProblem("a/#/b"), "may use '#' only as the whole last level");
  EXPECT_EQ(TopicFilterProblem("a/b+"), "may use '+' only as a whole level");
  EXPECT_EQ(TopicFilterProblem("a/+/#"), "");
}

}  // namespace
}  // namespace ftel
