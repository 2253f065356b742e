#include "agent/sources/mqtt/json_value.h"

#include "agent/sources/mqtt/topic_filter.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(MqttJsonValue, ReadsNestedFieldsAndArrayElements) {
  const char* doc = R"({"machine": {"counters": {"good": 41, "ok": true},
                         "stations": [{"parts": 1}, {"parts": 2.5}]}})";
  EXPECT_EQ(*JsonNumberAt(doc, "machine.counters.good"), 41);
  EXPECT_EQ(*JsonNumberAt(doc, "machine.counters.ok"), 1);
  EXPECT_EQ(*JsonNumberAt(doc, "machine.stations[1].parts"), 2.5);
}

TEST(MqttJsonValue, SaysWhatIsMissingOrNotANumber) {
  const char* doc = R"({"a": {"b": "12", "list": [1]}})";
  EXPECT_EQ(JsonNumberAt(doc, "a.c").status().message(), "no field a.c");
  EXPECT_EQ(JsonNumberAt(doc, "a.b.c").status().message(), "no field a.b.c");
  EXPECT_EQ(JsonNumberAt(doc, "a.list[3]").status().message(), "no element a.list[3]");
  EXPECT_EQ(JsonNumberAt(doc, "a.b").status().message(), "a.b is not a number");
  EXPECT_EQ(JsonNumberAt("{not json", "a").status().message(), "not a JSON document");
}

TEST(MqttJsonValue, ChecksPaths) {
  EXPECT_EQ(JsonPathProblem("a.b[0][1].c"), "");
  EXPECT_NE(JsonPathProblem(""), "");
  EXPECT_NE(JsonPathProblem("a..b"), "");
  EXPECT_NE(JsonPathProblem("a[x]"), "");
  EXPECT_NE(JsonPathProblem("a[-1]"), "");
  EXPECT_NE(JsonPathProblem("[0]"), "");
}

TEST(MqttJsonValue, ReadsPlainNumbers) {
  EXPECT_EQ(*PlainNumber(" 1234\n"), 1234);
  EXPECT_EQ(*PlainNumber("12.5"), 12.5);
  EXPECT_EQ(*PlainNumber("true"), 1);
  EXPECT_FALSE(PlainNumber("12 parts").ok());
  EXPECT_FALSE(PlainNumber("nan").ok());
  EXPECT_FALSE(PlainNumber("").ok());
}

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
