#include "agent/node_session.h"

#include <map>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/fake_env.h"

namespace ftel {
namespace {

TEST(SessionStarts, RecordedOncePerSessionInOrderAndBounded) {
  FakeEnv env;
  auto none = LoadSessionStarts(&env, "/state");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "an agent from before commits has no file";
  ASSERT_TRUE(RecordSessionStart(&env, "/state", 0xa, 1).ok());
  ASSERT_TRUE(RecordSessionStart(&env, "/state", 0xa, 40).ok()) << "already the newest";
  for (uint64_t i = 0; i < kMaxSessionStarts + 2; ++i) {
    ASSERT_TRUE(RecordSessionStart(&env, "/state", 0x100 + i, 100 + i * 10).ok());
  }
  auto starts = LoadSessionStarts(&env, "/state");
  ASSERT_TRUE(starts.ok()) << starts.status();
  ASSERT_EQ(starts->size(), kMaxSessionStarts);
  EXPECT_EQ(starts->back().session_id, 0x100 + kMaxSessionStarts + 1);
  EXPECT_EQ(starts->back().first_sequence, 100 + (kMaxSessionStarts + 1) * 10);
  for (size_t i = 1; i < starts->size(); ++i) {
    EXPECT_GT((*starts)[i].first_sequence, (*starts)[i - 1].first_sequence);
  }
}

TEST(SessionStarts, TheFirstOwnsTheSpoolAndNoneStartsBeforeTheLast) {
  FakeEnv env;
  auto first = RecordSessionStart(&env, "/state", 0xa, 500);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->back().first_sequence, 1u) << "the spool so far is its own";
  ASSERT_TRUE(RecordSessionStart(&env, "/state", 0xb, 600).ok());
  // A session written to `session` before a crash, recorded at the next start.
  auto late = RecordSessionStart(&env, "/state", 0xc, 1);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->back().first_sequence, 600u);
  EXPECT_TRUE(LoadSessionStarts(&env, "/state").ok()) << "still in order";
}

TEST(SessionStarts, ADamagedFileNamesItsLine) {
  FakeEnv env;
  ASSERT_TRUE(env.CreateDirs("/state").ok());
  ASSERT_TRUE(env.WriteFileAtomically("/state/sessions", "000000000000000a 1\n\nbogus\n").ok());
  auto starts = LoadSessionStarts(&env, "/state");
  ASSERT_FALSE(starts.ok());
  EXPECT_EQ(starts.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(starts.status().message().find("/state/sessions:3: not 'SESSION_HEX FIRST_SEQUENCE'"),
            std::string::npos)
      << starts.status();
  ASSERT_TRUE(
      env.WriteFileAtomically("/state/sessions", "000000000000000a 9\n000000000000000b 3\n").ok());
  starts = LoadSessionStarts(&env, "/state");
  ASSERT_FALSE(starts.ok());
  EXPECT_NE(starts.status().message().find("/state/sessions:2: first sequence 3 is before"),
            std::string::npos)
      << starts.status();
}

TEST(SpoolWatermarkFromCommits, OneSessionIsItsCommit) {
  EXPECT_EQ(SpoolWatermarkFromCommits({{0xa, 1}}, {}, 1), 0u);
  EXPECT_EQ(SpoolWatermarkFromCommits({{0xa, 1}}, {{0xa, 17}}, 1), 17u);
  EXPECT_EQ(SpoolWatermarkFromCommits({{0xa, 1}}, {{0xb, 17}}, 1), 0u) << "another node's session";
}

TEST(SpoolWatermarkFromCommits, AnOlderSessionHoldsBackTheNewerOnes) {
  // Session a owns ids 1..10, b 11..20, c 21 on.
  const std::vector<SessionStart> starts = {{0xa, 1}, {0xb, 11}, {0xc, 21}};
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xa, 7}, {0xb, 20}, {0xc, 30}}, 1), 7u);
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xb, 20}, {0xc, 30}}, 1), 0u)
      << "b's commit says nothing of a's reports";
  // a was committed past its end (published before an unclean stop cut
  // them from the disk): it counts to its end only.
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xa, 15}, {0xb, 14}}, 1), 14u);
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xa, 10}, {0xb, 20}, {0xc, 25}}, 1), 25u);
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xa, 10}, {0xb, 20}}, 1), 20u);
}

TEST(SpoolWatermarkFromCommits, ASessionWithNoReportIsSteppedOver) {
  // b started at 11 and stopped before its first report; c took 11 on.
  EXPECT_EQ(SpoolWatermarkFromCommits({{0xa, 1}, {0xb, 11}, {0xc, 11}}, {{0xa, 10}, {0xc, 14}}, 1),
            14u);
}

TEST(SpoolWatermarkFromCommits, AnIdTheSpoolNeverHeldDoesNotStallIt) {
  // a owns 1..12, but 12 was reserved after a torn write and never written:
  // a's commit stops at 11, and the spool's first uncommitted id is 13.
  const std::vector<SessionStart> starts = {{0xa, 1}, {0xb, 13}};
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xa, 11}, {0xb, 20}}, 1), 11u);
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xa, 11}, {0xb, 20}}, 13), 20u);
  EXPECT_EQ(SpoolWatermarkFromCommits(starts, {{0xa, 11}}, 13), 12u)
      << "b has no commit yet: nothing of it is committed";
}

}  // namespace
}  // namespace ftel
