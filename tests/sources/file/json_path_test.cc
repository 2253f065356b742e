#include "libftel/schema/json_path.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

TEST(JsonPathTest, FindsNumbersByDotPath) {
  auto doc = ParseJsonValue(R"({"lines": {"l1": {"produced": 42, "rate": "12.5"}},
                                "items": [{"count": 3}, {"count": 4}], "up": true})");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(*NumberAtPath(*doc, "lines.l1.produced"), 42);
  EXPECT_EQ(*NumberAtPath(*doc, "lines.l1.rate"), 12.5);  // a quoted number
  EXPECT_EQ(*NumberAtPath(*doc, "items.1.count"), 4);
  EXPECT_EQ(*NumberAtPath(*doc, "up"), 1);
}

TEST(JsonPathTest, SaysWhatIsWrong) {
  auto doc = ParseJsonValue(R"({"a": {"b": "text", "n": null, "o": {}}, "list": [1]})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(NumberAtPath(*doc, "a.c").status().message(), "no field 'a.c'");
  EXPECT_EQ(NumberAtPath(*doc, "a.b").status().message(), "'a.b' is a string, not a number");
  EXPECT_EQ(NumberAtPath(*doc, "a.n").status().message(), "'a.n' is null");
  EXPECT_FALSE(NumberAtPath(*doc, "a.o").ok());
  EXPECT_FALSE(NumberAtPath(*doc, "list.5").ok());
  EXPECT_FALSE(NumberAtPath(*doc, "list.x").ok());
  EXPECT_FALSE(ParseJsonValue("{not json").ok());
  EXPECT_EQ(*NumberAtPath(*ParseJsonValue("17"), ""), 17);  // a bare number
}

TEST(JsonPathTest, ValidPaths) {
  EXPECT_TRUE(IsValidJsonPath("a.b.0"));
  EXPECT_FALSE(IsValidJsonPath("a..b"));
  EXPECT_FALSE(IsValidJsonPath(".a"));
}

}  // namespace
}  // namespace ftel
