#include "agent/spool/spool.h"

#include "absl/strings/str_cat.h"
#include "agent/spool/record_format.h"
#include "gtest/gtest.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_env.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr char kDir[] = "/spool";

class SpoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<Spool> Open(SpoolOptions options = {}) {
    options.dir = kDir;
    auto spool = Spool::Open(&env_, &clock_, options);
    EXPECT_TRUE(spool.ok()) << spool.status();
    return spool.ok() ? *std::move(spool) : nullptr;
  }

  static std::string Payload(uint64_t id) { return absl::StrCat("report-", id, "-payload"); }

  static void AppendRange(Spool& spool, uint64_t first, uint64_t last) {
    for (uint64_t id = first; id <= last; ++id) ASSERT_TRUE(spool.Append(id, Payload(id)).ok());
  }

  // Hands out every available record and returns their ids.
  static std::vector<uint64_t> Drain(Spool& spool) {
    std::vector<uint64_t> ids;
    for (;;) {
      auto next = spool.Next();
      EXPECT_TRUE(next.ok()) << next.status();
      if (!next.ok() || !next->has_value()) break;
      EXPECT_EQ((*next)->payload, Payload((*next)->id));
      ids.push_back((*next)->id);
    }
    return ids;
  }

  static std::vector<uint64_t> Ids(uint64_t first, uint64_t last) {
    std::vector<uint64_t> ids;
    for (uint64_t id = first; id <= last; ++id) ids.push_back(id);
    return ids;
  }

  std::string SegmentPath(uint64_t first_id) {
    char name[64];
    std::snprintf(name, sizeof(name), "%s/seg-%020llu.log", kDir,
                  static_cast<unsigned long long>(first_id));
    return name;
  }

  FakeEnv env_;
  FakeClock clock_{1000000};
};

TEST_F(SpoolTest, HandsOutRecordsInOrderAndForgetsAcknowledgedOnes) {
  auto spool = Open();
  AppendRange(*spool, 1, 5);
  EXPECT_EQ(spool->stats().pending_records, 5u);
  EXPECT_EQ(Drain(*spool), Ids(1, 5));
  EXPECT_EQ(spool->inflight(), 5u);
  for (uint64_t id = 1; id <= 5; ++id) spool->Ack(id);
  EXPECT_EQ(spool->stats().pending_records, 0u);
  EXPECT_EQ(spool->stats().oldest_pending_ms, 0);
  spool.reset();
  auto reopened = Open();
  EXPECT_TRUE(Drain(*reopened).empty());
  EXPECT_EQ(reopened->last_id(), 5u);
}

TEST_F(SpoolTest, ACommitAcknowledgesEverythingBelowItHandedOutOrNot) {
  SpoolOptions options;
  options.segment_bytes = 256;  // several segments
  auto spool = Open(options);
  AppendRange(*spool, 1, 30);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(spool->Next().ok());  // 1..5 handed out
  spool->Ack(3);  // one acknowledged out of order already
  EXPECT_EQ(spool->Commit(20), 10u) << "21..30 still pending";
  EXPECT_EQ(spool->acknowledged_through(), 20u);
  EXPECT_EQ(spool->stats().pending_records, 10u);
  EXPECT_EQ(Drain(*spool), Ids(21, 30)) << "6..20 were committed without being sent";
  EXPECT_EQ(spool->Commit(10), 10u) << "a commit never goes back";
  ASSERT_TRUE(spool->Tidy().ok());
  spool->RewindUnacked();
  EXPECT_EQ(Drain(*spool), Ids(21, 30));
  ASSERT_TRUE(spool->Flush().ok());
  spool.reset();
  auto reopened = Open(options);
  EXPECT_EQ(Drain(*reopened), Ids(21, 30)) << "the commit survives a restart";
  EXPECT_EQ(reopened->Commit(30), 0u);
  EXPECT_TRUE(Drain(*reopened).empty());
}

TEST_F(SpoolTest, AFullDiskIsAFullSpoolAndNeverLeavesAPartialRecord) {
  SpoolOptions options;
  options.segment_bytes = 512;
  auto spool = Open(options);
  env_.SetCapacity(4096);  // far below max_bytes: the disk fills first
  uint64_t id = 0;
  for (; id < 200; ++id) {
    absl::Status appended = spool->Append(id + 1, Payload(id + 1));
    ASSERT_TRUE(appended.ok() || appended.code() == absl::StatusCode::kResourceExhausted)
        << appended;
  }
  const SpoolStats stats = spool->stats();
  EXPECT_GT(stats.dropped_disk_full, 0u);
  EXPECT_EQ(stats.dropped_full, 0u) << "its own reason";
  // Every record appended is either still there or counted as dropped.
  const std::vector<uint64_t> kept = Drain(*spool);
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.back(), 200u) << "the newest is kept, the oldest made room";
  EXPECT_EQ(kept.size() + stats.dropped_disk_full, 200u);
  // What is on disk is whole records only: a reopen finds no damage.
  ASSERT_TRUE(spool->Flush().ok() || true);
  spool.reset();
  env_.SetCapacity(std::nullopt);
  auto reopened = Open(options);
  EXPECT_EQ(reopened->stats().discarded_corrupt, 0u);
  EXPECT_EQ(reopened->stats().discarded_torn, 0u);
  EXPECT_EQ(Drain(*reopened), kept);
}

TEST_F(SpoolTest, OpensAndAppendsOnADiskWithNoRoomForItsStateFile) {
  auto spool = Open();
  AppendRange(*spool, 1, 3);
  spool.reset();
  env_.SetCapacity(0);  // not one byte more
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr) << "a full disk must not stop a start";
  EXPECT_EQ(Drain(*reopened), Ids(1, 3));
  const absl::Status appended = reopened->Append(4, Payload(4));
  EXPECT_EQ(appended.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(reopened->stats().dropped_disk_full, 1u) << "the report that could not be kept";
}

TEST_F(SpoolTest, ReopenReplaysExactlyTheUnacknowledged) {
  auto spool = Open();
  AppendRange(*spool, 1, 6);
  Drain(*spool);
  spool->Ack(1);
  spool->Ack(2);
  spool->Ack(4);  // out of order: 3 is still outstanding
  spool.reset();
  auto reopened = Open();
  // The watermark is 2; 4 was acknowledged above it, which a restart cannot
  // know, so it is sent again (the aggregator drops the duplicate).
  EXPECT_EQ(Drain(*reopened), (std::vector<uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(reopened->stats().pending_records, 4u);
}

TEST_F(SpoolTest, OutOfOrderAckIsNotSentAgainAfterRewind) {
  auto spool = Open();
  AppendRange(*spool, 1, 4);
  Drain(*spool);
  spool->Ack(2);
  spool->Ack(4);
  spool->RewindUnacked();
  EXPECT_EQ(Drain(*spool), (std::vector<uint64_t>{1, 3}));
}

TEST_F(SpoolTest, SendingAndAcknowledgingReadAheadInsteadOfOnceARecord) {
  auto spool = Open();
  AppendRange(*spool, 1, 200);  // about 9 KiB: one read-ahead block
  const uint64_t reads_before = env_.reads();
  EXPECT_EQ(Drain(*spool), Ids(1, 200));
  for (uint64_t id = 1; id <= 200; ++id) spool->Ack(id);
  EXPECT_EQ(spool->stats().pending_records, 0u);
  // Reading each header and payload, and the next header on every
  // acknowledgement, would be 600 reads.
  EXPECT_LE(env_.reads() - reads_before, 2u);
}

TEST_F(SpoolTest, RecordsAppendedAfterAReadAheadAreHandedOut) {
  auto spool = Open();
  AppendRange(*spool, 1, 3);
  EXPECT_EQ(Drain(*spool), Ids(1, 3));  // the read-ahead stopped at the end of the file
  AppendRange(*spool, 4, 6);
  EXPECT_EQ(Drain(*spool), Ids(4, 6));  // Drain checks every payload too
}

TEST_F(SpoolTest, WatermarkPassesARecordThatWasTheLastWhenSent) {
  auto spool = Open();
  AppendRange(*spool, 1, 1);
  EXPECT_EQ(Drain(*spool), Ids(1, 1));
  AppendRange(*spool, 2, 3);
  spool->Ack(1);
  EXPECT_EQ(spool->stats().pending_records, 2u);
  spool.reset();
  auto reopened = Open();
  EXPECT_EQ(Drain(*reopened), Ids(2, 3));
}

TEST_F(SpoolTest, RecordAcknowledgedBehindARewoundCursorIsNotSentAgain) {
  auto spool = Open();
  AppendRange(*spool, 1, 3);
  Drain(*spool);
  spool->Ack(2);
  spool->Ack(3);
  spool->RewindUnacked();  // the connection dropped with 1 unacknowledged
  auto next = spool->Next();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->id, 1u);
  spool->Ack(1);  // the watermark passes 2 and 3, ahead of the send cursor
  EXPECT_TRUE(Drain(*spool).empty());
  EXPECT_EQ(spool->stats().pending_records, 0u);
}

TEST_F(SpoolTest, AcknowledgingLeavesTheDiskWorkToTidy) {
  SpoolOptions options;
  options.segment_bytes = 4096;  // about 120 of these small records per segment
  auto spool = Open(options);
  AppendRange(*spool, 1, 300);
  Drain(*spool);
  const uint64_t reads_before = env_.reads();
  for (uint64_t id = 1; id <= 250; ++id) EXPECT_EQ(spool->Ack(id), 300 - id);
  EXPECT_EQ(env_.reads(), reads_before);
  EXPECT_TRUE(env_.FileExists(SegmentPath(1)));  // acknowledged whole, not yet deleted
  EXPECT_FALSE(env_.FileExists(absl::StrCat(kDir, "/acked")));
  ASSERT_TRUE(spool->Tidy().ok());
  EXPECT_FALSE(env_.FileExists(SegmentPath(1)));
  EXPECT_EQ(env_.Contents(absl::StrCat(kDir, "/acked")).substr(0, 4), "250 ");
}

TEST_F(SpoolTest, IdsMustIncrease) {
  auto spool = Open();
  ASSERT_TRUE(spool->Append(7, "x").ok());
  EXPECT_EQ(spool->Append(7, "y").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(spool->Append(3, "y").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SpoolTest, TornLastRecordIsCutAndTheRestKept) {
  auto spool = Open();
  AppendRange(*spool, 1, 5);
  spool.reset();
  const std::string path = SegmentPath(1);
  std::string data = env_.Contents(path);
  env_.SetContents(path, data.substr(0, data.size() - 7));  // power cut mid-record
  auto reopened = Open();
  EXPECT_EQ(reopened->stats().discarded_torn, 1u);
  EXPECT_EQ(reopened->stats().discarded_corrupt, 0u);
  // The torn record's id may have been published before the cut: it is
  // never given to new data.
  EXPECT_EQ(reopened->last_id(), 5u);
  EXPECT_FALSE(reopened->Append(5, Payload(5)).ok());
  ASSERT_TRUE(reopened->Append(6, Payload(6)).ok());
  EXPECT_EQ(Drain(*reopened), (std::vector<uint64_t>{1, 2, 3, 4, 6}));
}

TEST_F(SpoolTest, CorruptRecordInTheMiddleIsSkipped) {
  auto spool = Open();
  AppendRange(*spool, 1, 5);
  spool.reset();
  const std::string path = SegmentPath(1);
  std::string data = env_.Contents(path);
  const size_t third = data.find("report-3-payload");
  ASSERT_NE(third, std::string::npos);
  data[third + 2] ^= 0x55;
  env_.SetContents(path, data);
  auto reopened = Open();
  EXPECT_EQ(reopened->stats().discarded_corrupt, 1u);
  EXPECT_EQ(reopened->stats().discarded_torn, 0u);
  EXPECT_EQ(Drain(*reopened), (std::vector<uint64_t>{1, 2, 4, 5}));
}

TEST_F(SpoolTest, GarbageHeaderInTheMiddleIsSkipped) {
  auto spool = Open();
  AppendRange(*spool, 1, 3);
  spool.reset();
  const std::string path = SegmentPath(1);
  std::string data = env_.Contents(path);
  data[data.find("report-2-payload") - 28] = 'X';  // the second record's magic
  env_.SetContents(path, data);
  auto reopened = Open();
  EXPECT_EQ(Drain(*reopened), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(reopened->stats().discarded_corrupt, 1u);
}

TEST_F(SpoolTest, FullSpoolDropsTheOldestAndCountsExactly) {
  SpoolOptions options;
  options.max_bytes = 4096;
  options.segment_bytes = 512;
  auto spool = Open(options);
  constexpr uint64_t kAppended = 200;
  AppendRange(*spool, 1, kAppended);
  const SpoolStats stats = spool->stats();
  EXPECT_LE(stats.bytes, options.max_bytes);
  EXPECT_GT(stats.dropped_full, 0u);
  EXPECT_EQ(stats.dropped_full + stats.pending_records, kAppended);
  const std::vector<uint64_t> kept = Drain(*spool);
  ASSERT_EQ(kept.size(), stats.pending_records);
  // What is kept is the newest, without gaps.
  EXPECT_EQ(kept, Ids(kAppended - kept.size() + 1, kAppended));
}

TEST_F(SpoolTest, DroppingSkipsAcknowledgedRecordsInTheCount) {
  SpoolOptions options;
  options.max_bytes = 4096;
  options.segment_bytes = 512;
  auto spool = Open(options);
  AppendRange(*spool, 1, 10);
  Drain(*spool);
  for (uint64_t id = 1; id <= 10; ++id) spool->Ack(id);
  AppendRange(*spool, 11, 300);
  const SpoolStats stats = spool->stats();
  EXPECT_EQ(stats.dropped_full + stats.pending_records, 290u);
}

TEST_F(SpoolTest, DropAndDamageCountsSurviveRestarts) {
  SpoolOptions options;
  options.max_bytes = 4096;
  options.segment_bytes = 512;
  auto spool = Open(options);
  // The broker acknowledged the first ten, no commit came: their drop is
  // unconfirmed.
  AppendRange(*spool, 1, 10);
  Drain(*spool);
  for (uint64_t id = 1; id <= 10; ++id) spool->Published(id);
  AppendRange(*spool, 11, 200);
  const uint64_t dropped = spool->stats().dropped_full;
  ASSERT_GT(dropped, 0u);
  ASSERT_EQ(spool->stats().dropped_unconfirmed, 10u);
  env_.Crash();  // even without a clean close
  spool.release();
  auto reopened = Open(options);
  EXPECT_EQ(reopened->stats().dropped_full, dropped);
  EXPECT_EQ(reopened->stats().dropped_unconfirmed, 10u);
  EXPECT_FALSE(reopened->was_clean());
  ASSERT_TRUE(reopened->Close().ok());
  reopened.reset();
  EXPECT_TRUE(Open(options)->was_clean());
}

TEST_F(SpoolTest, ExpiredRecordsAreDroppedAndCounted) {
  SpoolOptions options;
  options.max_age_ms = 60000;
  options.segment_bytes = 128;  // about two records per segment
  options.max_bytes = 1 << 20;
  auto spool = Open(options);
  AppendRange(*spool, 1, 6);
  clock_.Advance(61000);
  AppendRange(*spool, 7, 7);
  const SpoolStats stats = spool->stats();
  EXPECT_EQ(stats.dropped_expired, 6u);
  EXPECT_EQ(stats.pending_records, 1u);
  EXPECT_EQ(Drain(*spool), Ids(7, 7));
}

TEST_F(SpoolTest, MakeRoomSaysWhatItDroppedBecauseTheSpoolWasFull) {
  SpoolOptions options;
  options.max_bytes = 4096;
  options.segment_bytes = 512;
  auto spool = Open(options);
  uint64_t id = 0;
  for (int drop = 1; drop <= 2; ++drop) {
    SpoolStats before;
    absl::StatusOr<RoomMade> room;
    do {
      ++id;
      before = spool->stats();
      room = spool->MakeRoom(Payload(id).size());
      ASSERT_TRUE(room.ok()) << room.status();
      ASSERT_TRUE(spool->Append(id, Payload(id)).ok());
    } while (room->dropped_full == 0 && id < 1000);
    const SpoolStats after = spool->stats();
    ASSERT_GT(room->dropped_full, 0u) << "drop " << drop;
    EXPECT_EQ(room->dropped_full, after.dropped_full - before.dropped_full) << "drop " << drop;
    EXPECT_EQ(room->dropped_expired, 0u);
    // The room made covered the append: it dropped nothing more.
    EXPECT_EQ(room->stats.dropped_full, after.dropped_full);
    EXPECT_EQ(room->stats.pending_records + 1, after.pending_records);
    EXPECT_EQ(after.dropped_full + after.pending_records, id);
  }
}

TEST_F(SpoolTest, MakeRoomSaysWhatItDroppedBecauseItWasTooOld) {
  SpoolOptions options;
  options.max_age_ms = 60000;
  options.segment_bytes = 128;  // about two records per segment
  options.max_bytes = 1 << 20;
  auto spool = Open(options);
  AppendRange(*spool, 1, 6);
  clock_.Advance(61000);
  const absl::StatusOr<RoomMade> room = spool->MakeRoom(Payload(7).size());
  ASSERT_TRUE(room.ok()) << room.status();
  EXPECT_EQ(room->dropped_expired, 6u);
  EXPECT_EQ(room->dropped_full, 0u);
  EXPECT_EQ(room->stats.dropped_expired, 6u);
  EXPECT_EQ(room->stats.pending_records, 0u);
  const absl::StatusOr<RoomMade> again = spool->MakeRoom(Payload(7).size());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->dropped_expired, 0u) << "counted once";
  EXPECT_EQ(again->stats.dropped_expired, 6u);
}

TEST_F(SpoolTest, MakeRoomRefusesARecordNoSegmentHolds) {
  SpoolOptions options;
  options.segment_bytes = 4096;
  auto spool = Open(options);
  EXPECT_EQ(spool->MakeRoom(4096).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(spool->MakeRoom(4096 - kRecordHeaderBytes).ok());
}

TEST_F(SpoolTest, StateFileHoldsTheWatermarkThenTheCounts) {
  auto spool = Open();
  AppendRange(*spool, 1, 5);
  Drain(*spool);
  for (uint64_t id = 1; id <= 3; ++id) spool->Ack(id);
  ASSERT_TRUE(spool->Flush().ok());
  EXPECT_EQ(env_.Contents(absl::StrCat(kDir, "/acked")), "3 0 0 0 0 0 0\n");
  spool.reset();
  const std::string path = SegmentPath(1);
  const std::string data = env_.Contents(path);
  env_.SetContents(path, data.substr(0, data.size() - 3));
  auto reopened = Open();
  EXPECT_EQ(env_.Contents(absl::StrCat(kDir, "/acked")), "3 0 0 0 1 0 0\n");
}

TEST_F(SpoolTest, StateFileOfAnEarlierAgentIsRead) {
  env_.SetContents(absl::StrCat(kDir, "/acked"), "250 3 4 1 2\n");
  auto spool = Open();
  EXPECT_EQ(spool->last_id(), 250u);
  EXPECT_EQ(spool->stats().dropped_full, 3u);
  EXPECT_EQ(spool->stats().dropped_expired, 4u);
  EXPECT_EQ(spool->stats().discarded_corrupt, 1u);
  EXPECT_EQ(spool->stats().discarded_torn, 2u);
  EXPECT_FALSE(spool->Append(250, Payload(250)).ok());
}

TEST_F(SpoolTest, DamagedStateFileFailsOpenNamingIt) {
  env_.SetContents(absl::StrCat(kDir, "/acked"), "garbage\n");
  SpoolOptions options;
  options.dir = kDir;
  const auto spool = Spool::Open(&env_, &clock_, options);
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(spool.status().message(), "/spool/acked: not a spool state: 'garbage\n'");
}

TEST_F(SpoolTest, OldestPendingAgeFollowsAcknowledgements) {
  auto spool = Open();
  ASSERT_TRUE(spool->Append(1, Payload(1)).ok());
  clock_.Advance(5000);
  ASSERT_TRUE(spool->Append(2, Payload(2)).ok());
  EXPECT_EQ(spool->stats().oldest_pending_ms, 1000000);
  Drain(*spool);
  spool->Ack(1);
  EXPECT_EQ(spool->stats().oldest_pending_ms, 1005000);
}

TEST_F(SpoolTest, PowerCutWithFsyncAlwaysLosesNothingAppended) {
  auto spool = Open();
  AppendRange(*spool, 1, 20);
  env_.Crash();
  spool.release();  // the process died with the machine: no destructor
  auto reopened = Open();
  EXPECT_EQ(Drain(*reopened), Ids(1, 20));
}

TEST_F(SpoolTest, PowerCutWithFsyncNeverKeepsTheSpoolUsable) {
  SpoolOptions options;
  options.fsync = v1::SpoolConfig::NEVER;
  auto spool = Open(options);
  AppendRange(*spool, 1, 5);
  ASSERT_TRUE(spool->Flush().ok());
  AppendRange(*spool, 6, 20);
  const uint64_t syncs_before_crash = env_.syncs();
  env_.Crash();
  spool.release();
  auto reopened = Open(options);
  EXPECT_EQ(Drain(*reopened), Ids(1, 5));  // only what was flushed
  EXPECT_LE(syncs_before_crash, 2u);       // one data sync, one watermark
  ASSERT_TRUE(reopened->Append(21, Payload(21)).ok());
}

TEST_F(SpoolTest, WorksOnTheRealFilesystem) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path() + "/spool";
  options.segment_bytes = 256;
  {
    auto spool = Spool::Open(Env::Default(), &clock_, options);
    ASSERT_TRUE(spool.ok()) << spool.status();
    AppendRange(**spool, 1, 30);
    Drain(**spool);
    for (uint64_t id = 1; id <= 10; ++id) (*spool)->Ack(id);
  }
  auto spool = Spool::Open(Env::Default(), &clock_, options);
  ASSERT_TRUE(spool.ok()) << spool.status();
  EXPECT_EQ(Drain(**spool), Ids(11, 30));
  EXPECT_GT((*spool)->stats().segments, 1u);
}

}  // namespace
}  // namespace ftel
