// The agent's crash-safe, bounded disk spool (docs/design.md decision 4).
//
// Each encoded report is appended before it is published and acknowledged
// once the broker sent PUBACK. Records live in segment files
// (seg-<first id>.log); a record is
//   magic "FTR1" | crc32 | payload length u32 | id u64 | timestamp i64 | payload
// (little-endian; the CRC covers everything after it). A torn tail (power
// cut mid-write) is cut off at open, and its id (taken to be the last good id
// + 1: writers number contiguously) is not reused; a corrupted record in the middle is
// skipped by scanning for the next valid record, so the good ones survive.
// Every record with id <= the persisted watermark ("acked") is acknowledged.
// The spool is bounded by bytes and by age; whole segments of the oldest
// records are dropped, and the unacknowledged records among them counted.
// Memory is flat: the spool keeps per-segment summaries and the in-flight
// ids, and at most 16 KiB (or one record, if larger) read ahead of the send
// cursor while there is a backlog; never the backlog itself.
//
//   ASSIGN_OR_RETURN(auto spool, Spool::Open(Env::Default(), &clock, options));
//   RETURN_IF_ERROR(spool->Append(sequence, report_bytes));
//   ASSIGN_OR_RETURN(std::optional<SpoolRecord> next, spool->Next());
//   spool->Ack(next->id);  // on PUBACK
#ifndef FTEL_AGENT_SPOOL_SPOOL_H_
#define FTEL_AGENT_SPOOL_SPOOL_H_

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ftel/v1/agent_config.pb.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/env.h"

namespace ftel {

struct SpoolOptions {
  std::string dir;
  uint64_t max_bytes = 64ULL << 20;
  int64_t max_age_ms = 7LL * 24 * 3600 * 1000;
  uint64_t segment_bytes = 1ULL << 20;
  v1::SpoolConfig::Fsync fsync = v1::SpoolConfig::ALWAYS;
  int64_t batch_sync_interval_ms = 1000;
};

struct SpoolRecord {
  uint64_t id = 0;
  std::string payload;
};

struct SpoolStats {
  // Records appended and not yet acknowledged (or dropped).
  uint64_t pending_records = 0;
  // Bytes of all segment files.
  uint64_t bytes = 0;
  // Append time of the oldest pending record; 0 when none.
  int64_t oldest_pending_ms = 0;
  // Pending records dropped because the spool was full / too old, over the
  // life of the spool (kept across restarts).
  uint64_t dropped_full = 0;
  uint64_t dropped_expired = 0;
  // Corrupted regions skipped and torn tails cut off when the spool was opened.
  uint64_t discarded_corrupt = 0;
  uint64_t discarded_torn = 0;
  uint64_t segments = 0;
};

// Thread-safe.
class Spool {
 public:
  // Each record's header: magic, CRC, length, id, timestamp.
  static constexpr uint64_t kRecordHeaderBytes = 28;

  static absl::StatusOr<std::unique_ptr<Spool>> Open(Env* env, const Clock* clock,
                                                     SpoolOptions options);
  ~Spool();

  // Appends a record; `id` must be greater than last_id(). Stamped with the
  // clock's time. Makes room by dropping the oldest records if needed.
  absl::Status Append(uint64_t id, absl::string_view payload);
  // Drops what Append of a payload of up to `payload_bytes` would drop, now,
  // so that the record can report the drop counts that include its own.
  absl::Status MakeRoom(uint64_t payload_bytes);
  // The next record not handed out since the last rewind, in id order.
  absl::StatusOr<std::optional<SpoolRecord>> Next();
  // Marks a handed-out record acknowledged; unknown or stale ids are ignored.
  // Memory only, so that the transport's thread that calls it never waits on
  // the disk: Tidy does the disk work. Returns the records still in flight.
  size_t Ack(uint64_t id);
  // Deletes the segments whose records are all acknowledged, and persists
  // the watermark when it is due (at most once per batch_sync_interval_ms).
  // The agent's loop calls it; Flush and Close do too.
  absl::Status Tidy();
  // Hands out every unacknowledged record again (after a reconnect).
  void RewindUnacked();
  // Tidies, persists the watermark and syncs; also done by the destructor.
  absl::Status Flush();
  // Flush, then mark the spool cleanly closed for the next Open().
  absl::Status Close();
  // Whether the previous process closed the spool cleanly. After an unclean
  // stop with fsync other than ALWAYS, records that were published may have
  // been lost from disk, so their ids must not be reused (the agent then
  // starts a new session).
  bool was_clean() const { return was_clean_; }

  // Highest id ever appended (or acknowledged), 0 for a new spool.
  uint64_t last_id() const;
  // Records handed out by Next() and not yet acknowledged.
  size_t inflight() const;
  SpoolStats stats() const;

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

  Spool(Env* env, const Clock* clock, SpoolOptions options);
  absl::Status Recover();
  // The first valid record at or after `offset` in `segment`, resyncing over
  // damage; at_end if none. Counts damage in `counts` when given.
  absl::StatusOr<Position> FindRecord(const Segment& segment, uint64_t offset,
                                      ScanCounts* counts) const;
  // The first valid record at or after (segment, offset), moving on to later
  // segments as needed.
  absl::StatusOr<Position> Seek(uint64_t segment_name, uint64_t offset) const;
  absl::StatusOr<Position> After(const Position& position) const;
  // `length` bytes at `offset` of `segment`, through read_ahead_; shorter
  // at the end of the file.
  absl::StatusOr<absl::string_view> ReadAhead(const Segment& segment, uint64_t offset,
                                              uint64_t length) const;
  Segment* FindSegment(uint64_t name_id);
  Segment* SegmentOf(uint64_t id);
  absl::Status StartSegment(uint64_t first_id);
  absl::Status DropOldestSegment(bool expired);
  absl::Status MakeRoomLocked(uint64_t id, uint64_t record_size, int64_t now);
  // Moves low_ past the acknowledged records; memory only.
  absl::Status AdvanceLow();
  absl::Status TidyLocked();
  absl::Status MaybePersistWatermark(bool force);
  uint64_t Watermark() const;

  Env* const env_;
  const Clock* const clock_;
  const SpoolOptions options_;

  mutable std::mutex mu_;
  std::deque<Segment> segments_;
  std::unique_ptr<WritableFile> active_;
  Position low_;   // first unacknowledged record
  Position send_;  // next record to hand out
  // In flight and acknowledged-above-low_ records, each with the position
  // of the record after it as it was when the record was handed out: the
  // watermark then advances without reading the disk again.
  std::map<uint64_t, Position> inflight_;
  std::map<uint64_t, Position> acked_;
  // Bytes of one segment read ahead of the send cursor, so that handing out
  // a record is a system call only once per kReadAheadBytes.
  struct ReadAheadBuffer {
    uint64_t segment = 0;  // name_id; 0 when empty
    uint64_t offset = 0;
    std::string bytes;
  };
  mutable ReadAheadBuffer read_ahead_;
  uint64_t last_id_ = 0;
  uint64_t persisted_watermark_ = 0;
  std::array<uint64_t, 4> persisted_counters_ = {0, 0, 0, 0};
  bool was_clean_ = false;
  bool closed_ = false;
  int64_t last_sync_ms_ = 0;
  int64_t last_watermark_write_ms_ = 0;
  bool unsynced_ = false;
  SpoolStats stats_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SPOOL_SPOOL_H_
