#include "agent/health_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNow = 1800000000000;

AgentLiveness Fresh() {
  AgentLiveness h;
  h.updated_ms = kNow - 5000;
  h.connected = true;
  h.spool_pending = 3;
  h.sampled = 40;
  h.acknowledged = 38;
  h.publish_interval_ms = 10000;
  return h;
}

TEST(HealthFileTest, RoundTrips) {
  TempDir dir;
  const std::string path = dir.path() + "/health";
  AgentLiveness written = Fresh();
  written.connected = false;
  written.disconnected_since_ms = kNow - 1000;
  ASSERT_TRUE(WriteHealthFile(path, written).ok());
  absl::StatusOr<AgentLiveness> read = ReadHealthFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->updated_ms, written.updated_ms);
  EXPECT_FALSE(read->connected);
  EXPECT_EQ(read->disconnected_since_ms, written.disconnected_since_ms);
  EXPECT_EQ(read->spool_pending, 3u);
  EXPECT_EQ(read->publish_interval_ms, 10000u);
}

TEST(HealthFileTest, AStaleFileIsAHungOrDeadAgent) {
  std::string why;
  EXPECT_TRUE(IsHealthy(Fresh(), kNow, &why));
  AgentLiveness old = Fresh();
  old.updated_ms = kNow - 31000;  // 3 intervals would be 30 s
  EXPECT_FALSE(IsHealthy(old, kNow, &why));
  EXPECT_THAT(why, HasSubstr("not written its health for 31 s"));
  old.publish_interval_ms = 60000;  // slow windows: 3 of them
  EXPECT_TRUE(IsHealthy(old, kNow, &why));
}

TEST(HealthFileTest, ABrokerAwayForMinutesIsUnhealthyAShortOutageIsNot) {
  std::string why;
  AgentLiveness away = Fresh();
  away.connected = false;
  away.disconnected_since_ms = kNow - 60000;
  EXPECT_TRUE(IsHealthy(away, kNow, &why));  // spooling through an outage is its job
  away.disconnected_since_ms = kNow - 301000;
  EXPECT_FALSE(IsHealthy(away, kNow, &why));
  EXPECT_THAT(why, HasSubstr("unreachable for 301 s"));
}

TEST(HealthFileTest, MissingOrDamagedFilesAreErrors) {
  TempDir dir;
  EXPECT_EQ(ReadHealthFile(dir.path() + "/health").status().code(), absl::StatusCode::kNotFound);
  const std::string path = dir.WriteFile("health", "updated_ms soon\n");
  EXPECT_EQ(ReadHealthFile(path).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ftel
