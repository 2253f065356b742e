#include "agent/sources/file/json_lines_reader.h"

#include <cstdio>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

void Append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

TEST(JsonLinesReaderTest, ReturnsOnlyNewCompleteLines) {
  TempDir dir;
  const std::string path = dir.WriteFile("events.jsonl", "{\"old\": 1}\n");
  JsonLinesReader reader(path);
  EXPECT_THAT(*reader.Read(), IsEmpty());  // what was there before is not counted again
  Append(path, "{\"a\": 1}\n{\"b\": 2}\n{\"c\":");
  EXPECT_THAT(*reader.Read(), ElementsAre("{\"a\": 1}", "{\"b\": 2}"));
  Append(path, " 3}\n");
  EXPECT_THAT(*reader.Read(), ElementsAre("{\"c\": 3}"));
}

TEST(JsonLinesReaderTest, FollowsRotationAndTruncation) {
  TempDir dir;
  const std::string path = dir.WriteFile("events.jsonl", "");
  JsonLinesReader reader(path);
  ASSERT_TRUE(reader.Read().ok());
  Append(path, "{\"a\": 1}\n");
  EXPECT_THAT(*reader.Read(), ElementsAre("{\"a\": 1}"));
  // logrotate: moved away, a new file in its place.
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  dir.WriteFile("events.jsonl", "{\"b\": 2, \"note\": \"a longer line\"}\n");
  EXPECT_THAT(*reader.Read(), ElementsAre("{\"b\": 2, \"note\": \"a longer line\"}"));
  // copytruncate: cut to 0 and written again (shorter than before when the
  // reader looks: a file that regrew past the old end in between is
  // indistinguishable from one that grew).
  dir.WriteFile("events.jsonl", "");
  Append(path, "{\"c\": 3}\n");
  EXPECT_THAT(*reader.Read(), ElementsAre("{\"c\": 3}"));
}

TEST(JsonLinesReaderTest, AMissingFileIsAnError) {
  JsonLinesReader reader("/nonexistent/ftel/events.jsonl");
  EXPECT_FALSE(reader.Read().ok());
}

}  // namespace
}  // namespace ftel
