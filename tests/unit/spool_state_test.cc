// The spool's `acked` state file as text, without a spool.
#include "agent/spool/spool_state.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace ftel {
namespace {

SpoolStateFile State(uint64_t watermark, uint64_t dropped_full, uint64_t dropped_expired,
                     uint64_t discarded_corrupt, uint64_t discarded_torn) {
  SpoolStateFile state;
  state.watermark = watermark;
  state.dropped_full = dropped_full;
  state.dropped_expired = dropped_expired;
  state.discarded_corrupt = discarded_corrupt;
  state.discarded_torn = discarded_torn;
  return state;
}

TEST(SpoolStateFile, EncodesTheLineSpoolsWrite) {
  SpoolStateFile state = State(250, 3, 4, 1, 2);
  state.dropped_disk_full = 5;
  state.dropped_unconfirmed = 6;
  EXPECT_EQ(state.Encode(), "250 3 4 1 2 5 6\n");
  EXPECT_EQ(SpoolStateFile{}.Encode(), "0 0 0 0 0 0 0\n");
}

TEST(SpoolStateFile, TheLineOfAgentsBeforeDiskFullCountsHasNone) {
  const absl::StatusOr<SpoolStateFile> state = SpoolStateFile::Parse("250 3 4 1 2\n");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->dropped_disk_full, 0u);
}

TEST(SpoolStateFile, ParsesTheLineSpoolsWrite) {
  const absl::StatusOr<SpoolStateFile> state = SpoolStateFile::Parse("250 3 4 1 2\n");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->watermark, 250u);
  EXPECT_EQ(state->dropped_full, 3u);
  EXPECT_EQ(state->dropped_expired, 4u);
  EXPECT_EQ(state->discarded_corrupt, 1u);
  EXPECT_EQ(state->discarded_torn, 2u);
  EXPECT_EQ(*state, State(250, 3, 4, 1, 2));
}

TEST(SpoolStateFile, RoundTripsTheLargestCounts) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const SpoolStateFile state = State(kMax, kMax - 1, kMax - 2, kMax - 3, kMax - 4);
  const absl::StatusOr<SpoolStateFile> parsed = SpoolStateFile::Parse(state.Encode());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, state);
  EXPECT_LE(state.Encode().size(), kSpoolStateMaxBytes);
}

TEST(SpoolStateFile, AWatermarkAloneFromEarlierAgentsHasZeroCounts) {
  const absl::StatusOr<SpoolStateFile> state = SpoolStateFile::Parse("250\n");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, State(250, 0, 0, 0, 0));
}

TEST(SpoolStateFile, NumbersAfterTheSeventhAreIgnored) {
  const absl::StatusOr<SpoolStateFile> state = SpoolStateFile::Parse("7 1 2 3 4 99 98 x\n");
  ASSERT_TRUE(state.ok()) << state.status();
  SpoolStateFile expected = State(7, 1, 2, 3, 4);
  expected.dropped_disk_full = 99;
  expected.dropped_unconfirmed = 98;
  EXPECT_EQ(*state, expected);
}

TEST(SpoolStateFile, MalformedFileIsDataLossQuotingIt) {
  for (const char* text : {"", "\n", "garbage\n", "250 x 1 2 3\n", "-1 0 0 0 0\n",
                           "250 3 4 1 2.5\n", "18446744073709551616 0 0 0 0\n"}) {
    const absl::StatusOr<SpoolStateFile> state = SpoolStateFile::Parse(text);
    ASSERT_FALSE(state.ok()) << "'" << text << "'";
    EXPECT_EQ(state.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(state.status().message(), std::string("not a spool state: '") + text + "'");
  }
}

TEST(SpoolStateFile, EqualityComparesEveryField) {
  const SpoolStateFile base = State(1, 2, 3, 4, 5);
  EXPECT_EQ(base, State(1, 2, 3, 4, 5));
  EXPECT_NE(base, State(9, 2, 3, 4, 5));
  EXPECT_NE(base, State(1, 9, 3, 4, 5));
  EXPECT_NE(base, State(1, 2, 9, 4, 5));
  EXPECT_NE(base, State(1, 2, 3, 9, 5));
  EXPECT_NE(base, State(1, 2, 3, 4, 9));
}

}  // namespace
}  // namespace ftel
