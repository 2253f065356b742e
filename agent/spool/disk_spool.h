// The Spool on segment files through an Env (leveldb's DBImpl behind DB):
// the cursors, the per-segment summaries and the lock that guards them.
// Only Spool::Open and this class's own file include it; everyone else
// holds a Spool.
//
//   auto spool = std::make_unique<DiskSpool>(env, clock, options);
//   RETURN_IF_ERROR(spool->Recover());  // before anyone else sees it
#ifndef FTEL_AGENT_SPOOL_DISK_SPOOL_H_
#define FTEL_AGENT_SPOOL_DISK_SPOOL_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "agent/spool/spool.h"
#include "agent/spool/spool_state.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/env.h"

namespace ftel {

// Thread-safe: every public method takes mu_.
// `env` and `clock` must outlive it.
class DiskSpool : public Spool {
 public:
  DiskSpool(Env* env, const Clock* clock, SpoolOptions options);
  ~DiskSpool() override;

  // Reads the state file and every segment, cuts off a torn tail, counts
  // the damage and persists it. Once, before any other call; on an error
  // the spool must not be used.
  absl::Status Recover() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Status Append(uint64_t id, absl::string_view payload) override ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<RoomMade> MakeRoom(uint64_t payload_bytes) override ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::optional<SpoolRecord>> Next() override ABSL_LOCKS_EXCLUDED(mu_);
  size_t Ack(uint64_t id) override ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t Commit(uint64_t through) override ABSL_LOCKS_EXCLUDED(mu_);
  void Published(uint64_t id) override ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t acknowledged_through() const override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Tidy() override ABSL_LOCKS_EXCLUDED(mu_);
  void RewindUnacked() override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Flush() override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Close() override ABSL_LOCKS_EXCLUDED(mu_);
  bool was_clean() const override ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t last_id() const override ABSL_LOCKS_EXCLUDED(mu_);
  size_t inflight() const override ABSL_LOCKS_EXCLUDED(mu_);
  SpoolStats stats() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Segment {
    uint64_t name_id = 0;  // from the file name
    std::string path;
    uint64_t first_id = 0;  // 0 while empty
    uint64_t last_id = 0;
    uint64_t pending = 0;  // unacknowledged records in it
    uint64_t bytes = 0;
    int64_t newest_ms = 0;
    // Damage found at open: start offset -> offset of the next good record.
    std::map<uint64_t, uint64_t> damaged;
  };
  // A record's place, or the end of the spool.
  struct Position {
    bool at_end = true;
    uint64_t segment = 0;  // name_id
    uint64_t offset = 0;
    uint64_t id = 0;
    int64_t timestamp_ms = 0;
    uint64_t next_offset = 0;  // offset after the record
  };
  struct ScanCounts {
    uint64_t corrupt = 0;
    std::map<uint64_t, uint64_t> damaged;
    bool torn = false;
    uint64_t good_end = 0;  // end offset of the last valid record
  };
  // Bytes of one segment read ahead of the send cursor, so that handing out
  // a record is a system call only once per read-ahead block.
  struct ReadAheadBuffer {
    uint64_t segment = 0;  // name_id; 0 when empty
    uint64_t offset = 0;
    std::string bytes;
  };

  // Reads the state file, if any, into persisted_ and stats_.
  absl::Status ReadStateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The first valid record at or after `offset` in `segment`, resyncing over
  // damage; at_end if none. With `counts` (at open) every record's CRC is
  // checked and the damage counted; without, the damage found at open is
  // skipped by its offsets.
  absl::StatusOr<Position> FindRecordLocked(const Segment& segment, uint64_t offset,
                                            ScanCounts* counts) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Where the next record may start after damage at `pos`: the offset of
  // the resync scan's first hit past it, or nullopt if there is none.
  absl::StatusOr<std::optional<uint64_t>> ResyncLocked(const Segment& segment, uint64_t pos) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The first valid record at or after (segment, offset), moving on to later
  // segments as needed.
  absl::StatusOr<Position> SeekLocked(uint64_t segment_name, uint64_t offset) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Position> AfterLocked(const Position& position) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // `length` bytes at `offset` of `segment`, through read_ahead_; shorter
  // at the end of the file.
  absl::StatusOr<absl::string_view> ReadAheadLocked(const Segment& segment, uint64_t offset,
                                                    uint64_t length) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Segment* FindSegmentLocked(uint64_t name_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Segment* SegmentOfLocked(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status StartSegmentLocked(uint64_t first_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  enum class DropReason { kFull, kExpired, kDiskFull };
  // Drops the oldest segment; its pending records count under `reason`.
  absl::Status DropOldestSegmentLocked(DropReason reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status MakeRoomLocked(uint64_t id, uint64_t record_size, int64_t now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves low_ past the acknowledged records. No disk writes; it reads only
  // when the record acknowledged was the last when it was handed out.
  absl::Status AdvanceLowLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status TidyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status FlushLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status MaybePersistStateLocked(bool force) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t WatermarkLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  SpoolStats StatsLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Env* const env_;
  const Clock* const clock_;
  const SpoolOptions options_;

  mutable absl::Mutex mu_;
  std::deque<Segment> segments_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<WritableFile> active_ ABSL_GUARDED_BY(mu_);
  Position low_ ABSL_GUARDED_BY(mu_);   // first unacknowledged record
  Position send_ ABSL_GUARDED_BY(mu_);  // next record to hand out
  // In flight and acknowledged-above-low_ records, each with the position
  // of the record after it as it was when the record was handed out: the
  // watermark then advances without reading the disk again.
  std::map<uint64_t, Position> inflight_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, Position> acked_ ABSL_GUARDED_BY(mu_);
  // Uncommitted records the broker acknowledged (Published).
  std::set<uint64_t> published_ ABSL_GUARDED_BY(mu_);
  // Filled by the const readers too.
  mutable ReadAheadBuffer read_ahead_ ABSL_GUARDED_BY(mu_);
  uint64_t last_id_ ABSL_GUARDED_BY(mu_) = 0;
  // What the state file on disk holds.
  SpoolStateFile persisted_ ABSL_GUARDED_BY(mu_);
  bool was_clean_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  int64_t last_sync_ms_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_state_write_ms_ ABSL_GUARDED_BY(mu_) = 0;
  bool unsynced_ ABSL_GUARDED_BY(mu_) = false;
  // pending_records and the lifetime counts; the rest is computed by stats().
  SpoolStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ftel

#endif  // FTEL_AGENT_SPOOL_DISK_SPOOL_H_
