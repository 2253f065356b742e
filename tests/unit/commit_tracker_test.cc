#include "aggregator/state/commit_tracker.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

uint64_t Through(const CommitTracker& tracker, uint64_t session) {
  for (const v1::SessionCommit& commit : tracker.Commits()) {
    if (commit.session_id() == session) return commit.through_sequence();
  }
  return 0;
}

TEST(CommitTracker, TheWatermarkWaitsForGapsAndThenClosesThem) {
  CommitTracker tracker;
  EXPECT_TRUE(tracker.Processed(7, 1, 1, 1000));
  EXPECT_EQ(Through(tracker, 7), 1u);
  EXPECT_TRUE(tracker.Processed(7, 3, 1, 3000));
  EXPECT_TRUE(tracker.Processed(7, 4, 1, 4000));
  EXPECT_EQ(Through(tracker, 7), 1u) << "2 has not come";
  EXPECT_TRUE(tracker.Processed(7, 2, 1, 2000));
  EXPECT_EQ(Through(tracker, 7), 4u);
  EXPECT_FALSE(tracker.Processed(7, 3, 1, 3000)) << "a duplicate changes nothing";
}

TEST(CommitTracker, TheAgentsWordLetsItPassWhatItNoLongerHolds) {
  CommitTracker tracker;
  // 1..5 dropped from a full spool: the agent's reports say it holds
  // nothing below 6.
  EXPECT_TRUE(tracker.Processed(7, 7, 6, 7000));
  EXPECT_EQ(Through(tracker, 7), 5u);
  EXPECT_TRUE(tracker.Processed(7, 6, 6, 6000));
  EXPECT_EQ(Through(tracker, 7), 7u);
  // A report of an old agent (no claim) must arrive in order.
  CommitTracker old;
  old.Processed(9, 2, 0, 2000);
  EXPECT_EQ(Through(old, 9), 0u);
}

TEST(CommitTracker, KeepsTheMostRecentSessionsAndSurvivesARestore) {
  CommitTracker tracker;
  for (uint64_t session = 1; session <= CommitTracker::kMaxSessions + 2; ++session) {
    tracker.Processed(session, 1, 1, static_cast<int64_t>(session) * 1000);
  }
  EXPECT_EQ(tracker.Commits().size(), CommitTracker::kMaxSessions);
  EXPECT_EQ(tracker.Commits().front().session_id(), CommitTracker::kMaxSessions + 2)
      << "most recent first";
  EXPECT_EQ(Through(tracker, 1), 0u) << "the least recent was dropped";
  EXPECT_FALSE(tracker.Processed(1, 2, 1, 500)) << "older than every kept session";

  tracker.Processed(5, 3, 1, 9000);  // waits for 2
  v1::NodeSnapshot snapshot;
  tracker.SaveTo(&snapshot);
  CommitTracker restored;
  restored.RestoreFrom(snapshot);
  EXPECT_EQ(restored.Commits().size(), tracker.Commits().size());
  EXPECT_EQ(Through(restored, 5), 1u);
  restored.Processed(5, 2, 1, 9100);
  EXPECT_EQ(Through(restored, 5), 3u) << "what waited above the gap was restored too";
}

}  // namespace
}  // namespace ftel
