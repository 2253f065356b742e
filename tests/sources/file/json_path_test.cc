#include "libftel/schema/json_path.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(JsonPathTest, ReadsNestedFieldsAndArrayElements) {
  const char* doc = R"({"machine": {"counters": {"good": 41, "ok": true},
                         "stations": [{"parts": 1}, {"parts": 2.5}]}})";
  EXPECT_EQ(*JsonNumberAt(doc, "machine.counters.good"), 41);
  EXPECT_EQ(*JsonNumberAt(doc, "machine.counters.ok"), 1);
  EXPECT_EQ(*JsonNumberAt(doc, "machine.stations[1].parts"), 2.5);
}

TEST(JsonPathTest, SaysWhatIsMissingOrNotANumber) {
  const char* doc = R"({"a": {"b": "12", "list": [1]}})";
  EXPECT_EQ(JsonNumberAt(doc, "a.c").status().message(), "no field a.c");
  EXPECT_EQ(JsonNumberAt(doc, "a.b.c").status().message(), "no field a.b.c");
  EXPECT_EQ(JsonNumberAt(doc, "a.list[3]").status().message(), "no element a.list[3]");
  EXPECT_EQ(JsonNumberAt(doc, "a.b").status().message(), "a.b is not a number");
  EXPECT_EQ(JsonNumberAt("{not json", "a").status().message(), "not a JSON document");
}

TEST(JsonPathTest, ChecksPaths) {
  EXPECT_EQ(JsonPathProblem("a.b[0][1].c"), "");
  EXPECT_NE(JsonPathProblem(""), "");
  EXPECT_NE(JsonPathProblem("a..b"), "");
  EXPECT_NE(JsonPathProblem("a[x]"), "");
  EXPECT_NE(JsonPathProblem("a[-1]"), "");
  EXPECT_NE(JsonPathProblem("[0]"), "");
}

TEST(JsonPathTest, ReadsPlainNumbers) {
  EXPECT_EQ(*PlainNumber(" 1234\n"), 1234);
  EXPECT_EQ(*PlainNumber("12.5"), 12.5);
  EXPECT_EQ(*PlainNumber("true"), 1);
  EXPECT_FALSE(PlainNumber("12 parts").ok());
  EXPECT_FALSE(PlainNumber("nan").ok());
  EXPECT_FALSE(PlainNumber("").ok());
}

TEST(JsonPathTest, AParsedDocumentServesSeveralReads) {
  auto doc = ParseJsonValue(R"({"l1": {"produced": 42, "good": 40}})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*NumberAtPath(*doc, "l1.produced"), 42);
  EXPECT_EQ(*NumberAtPath(*doc, "l1.good"), 40);
  EXPECT_FALSE(ParseJsonValue("{not json").ok());
}

}  // namespace
}  // namespace ftel
