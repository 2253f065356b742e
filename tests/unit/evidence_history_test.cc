#include "aggregator/state/evidence_history.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

constexpr int64_t kT0 = 1800000000000;  // 2027-01-15
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;

v1::AiEvidence Count(uint64_t n) {
  v1::AiEvidence evidence;
  evidence.set_inference_count(n);
  return evidence;
}

v1::AiEvidence Unknown(const std::string& why) {
  v1::AiEvidence evidence;
  evidence.set_unknown_reason(why);
  return evidence;
}

TEST(EvidenceHistoryTest, AnHourlyModelStaysObservedAcrossTenSecondWindows) {
  StringPool pool;
  EvidenceHistory history;
  // Six hours of 10 s windows; the fault-prediction model runs once an hour.
  int64_t end = kT0;
  for (int window = 1; window <= 6 * 360; ++window) {
    end += 10000;
    history.Apply("PM-05", end, Count(window % 360 == 0 ? 12 : 0), &pool);
    const EvidenceHistory::Seen seen = history.At("PM-05", end, kDay);
    if (window >= 360) {
      ASSERT_TRUE(seen.observed) << "window " << window;
    }
    ASSERT_TRUE(seen.known);
  }
  const EvidenceHistory::Seen seen = history.At("PM-05", end, kDay);
  EXPECT_EQ(seen.inferences, 6u * 12);
  EXPECT_EQ(seen.last_evidence_ms, end);
}

TEST(EvidenceHistoryTest, ASilentScenarioDropsOutAfterItsHorizon) {
  StringPool pool;
  EvidenceHistory history;
  history.Apply("PM-05", kT0, Count(5), &pool);
  for (int64_t end = kT0 + kHour; end <= kT0 + 30 * kHour; end += kHour) {
    history.Apply("PM-05", end, Count(0), &pool);
  }
  EXPECT_TRUE(history.At("PM-05", kT0 + 23 * kHour, kDay).observed);
  EXPECT_FALSE(history.At("PM-05", kT0 + 25 * kHour, kDay).observed);
  EXPECT_TRUE(history.At("PM-05", kT0 + 25 * kHour, kDay).known);  // known silence
  EXPECT_EQ(history.At("PM-05", kT0 + 25 * kHour, kDay).inferences, 0u);
  EXPECT_EQ(history.At("PM-05", kT0 + 25 * kHour, kDay).last_evidence_ms, kT0);  // last seen
  // A weekly job's longer horizon keeps it.
  EXPECT_TRUE(history.At("PM-05", kT0 + 30 * kHour, 7 * kDay).observed);
}

TEST(EvidenceHistoryTest, UnknownWindowsAreNeitherEvidenceNorSilence) {
  StringPool pool;
  EvidenceHistory history;
  for (int64_t end = kT0; end < kT0 + kHour; end += 10000) {
    history.Apply("PD-03", end, Unknown("unreachable: connection refused"), &pool);
  }
  const EvidenceHistory::Seen seen = history.At("PD-03", kT0 + kHour, kDay);
  EXPECT_FALSE(seen.known);
  EXPECT_FALSE(seen.observed);
  EXPECT_EQ(seen.unknown_reason, "unreachable: connection refused");
  // A known count arrives: known, and the reason is gone.
  history.Apply("PD-03", kT0 + kHour + 10000, Count(3), &pool);
  EXPECT_TRUE(history.At("PD-03", kT0 + kHour + 10000, kDay).observed);
  EXPECT_EQ(history.At("PD-03", kT0 + kHour + 10000, kDay).unknown_reason, "");
}

TEST(EvidenceHistoryTest, LateWindowsCountAndDoNotHideTheNewestState) {
  StringPool pool;
  EvidenceHistory history;
  history.Apply("PD-03", kT0 + 20000, Unknown("timeout"), &pool);
  history.Apply("PD-03", kT0 + 10000, Count(4), &pool);  // replayed from the spool
  const EvidenceHistory::Seen seen = history.At("PD-03", kT0 + 20000, kDay);
  EXPECT_TRUE(seen.observed);
  EXPECT_EQ(seen.inferences, 4u);
  EXPECT_EQ(seen.unknown_reason, "timeout");  // the newest window's
}

TEST(EvidenceHistoryTest, PruneKeepsWhatTheHorizonNeedsAndSnapshotsRoundTrip) {
  StringPool pool;
  EvidenceHistory history;
  for (int h = 0; h < 48; ++h) history.Apply("PM-01", kT0 + h * kHour + 1, Count(1), &pool);
  history.Prune(kT0 + 48 * kHour, kDay, &pool);
  EXPECT_EQ(history.At("PM-01", kT0 + 48 * kHour, kDay).inferences, 24u);
  v1::NodeSnapshot snapshot;
  history.SaveTo(&snapshot);
  ASSERT_EQ(snapshot.evidence_size(), 1);
  EXPECT_LE(snapshot.evidence(0).hours_size(), 25);
  EvidenceHistory restored;
  restored.RestoreFrom(snapshot, &pool);
  EXPECT_EQ(restored.At("PM-01", kT0 + 48 * kHour, kDay).inferences, 24u);
  EXPECT_TRUE(restored.At("PM-01", kT0 + 48 * kHour, kDay).observed);
}

}  // namespace
}  // namespace ftel
