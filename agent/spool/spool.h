// The agent's crash-safe, bounded disk spool (docs/design.md decisions 3
// and 4).
//
// Each encoded report is appended before it is published. Next() hands the
// records out in id order for publishing, again from the oldest unacknowledged
// one after RewindUnacked(). Published(id) notes the broker's PUBACK for a
// handed-out record: the record stays, but if the spool must drop it later it
// counts as dropped_unconfirmed (probably delivered), not as never sent. A
// record is acknowledged when an aggregator's end-to-end commit covers it:
// Commit(through) acknowledges every id up to `through`, handed out or not
// (Ack(id) acknowledges one handed-out record). Every record with an id up to
// the persisted watermark is acknowledged. Records live in segment files; a
// torn tail (power cut mid-write) is cut off at open, and its id (taken to be
// the last good id + 1: writers number contiguously) is not reused; a
// corrupted record in the middle is skipped, so the good ones survive; a
// failed append is cut back to the last whole record. The spool is bounded by
// bytes and by age, and a full disk (ENOSPC) counts as full: whole segments of
// the oldest records are dropped, and the unacknowledged records among them
// counted by reason (SpoolStats). Memory holds per-segment summaries and, for
// every record handed out and not yet committed, its id and position (a few
// dozen bytes each, bounded by what the spool holds), never the records
// themselves. The record format is in
// record_format.h, the state files in spool_state.h, the implementation in
// disk_spool.h.
//
//   ASSIGN_OR_RETURN(auto spool, Spool::Open(Env::Default(), &clock, options));
//   RETURN_IF_ERROR(spool->Append(sequence, report_bytes));
//   ASSIGN_OR_RETURN(std::optional<SpoolRecord> next, spool->Next());
//   spool->Published(next->id);  // on PUBACK: kept until committed
//   spool->Commit(through);      // an aggregator's commit covers ids <= through
//   RETURN_IF_ERROR(spool->Tidy());  // deletes committed segments, persists the watermark
#ifndef FTEL_AGENT_SPOOL_SPOOL_H_
#define FTEL_AGENT_SPOOL_SPOOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // Pending records dropped because the disk was full (a write failed with
  // ENOSPC), and reports that could not be stored at all for it; over the
  // life of the spool.
  uint64_t dropped_disk_full = 0;
  // Uncommitted records dropped (full, too old or disk full) that the
  // broker had acknowledged in this process: probably delivered, not counted
  // above. Over the life of the spool; after a restart, which records the
  // broker had is forgotten, so their drops count above instead.
  uint64_t dropped_unconfirmed = 0;
  // Corrupted regions skipped and torn tails cut off when the spool was opened.
  uint64_t discarded_corrupt = 0;
  uint64_t discarded_torn = 0;
  uint64_t segments = 0;
};

// What MakeRoom did.
struct RoomMade {
  // The spool once room was made: what the next record appended reports.
  SpoolStats stats;
  // Pending records this call dropped because the spool was full / too old
  // (already counted in stats' lifetime counts).
  uint64_t dropped_full = 0;
  uint64_t dropped_expired = 0;
  // Uncommitted records this call dropped that the broker had acknowledged.
  uint64_t dropped_unconfirmed = 0;
};

// Thread-safe: the agent's loop appends and tidies while the transport's
// thread acknowledges.
class Spool {
 public:
  // Opens (creating it if missing) and recovers the spool in options.dir.
  // InvalidArgument if options.segment_bytes cannot hold a record or is
  // above max_bytes / 2; DataLoss for a damaged state file; else the Env's.
  static absl::StatusOr<std::unique_ptr<Spool>> Open(Env* env, const Clock* clock,
                                                     SpoolOptions options);
  // Flushes unless closed.
  virtual ~Spool() = default;

  // Appends a record; `id` must be greater than last_id(). Stamped with the
  // clock's time. Makes room by dropping the oldest records if needed.
  virtual absl::Status Append(uint64_t id, absl::string_view payload) = 0;
  // Drops what Append of a payload of up to `payload_bytes` would drop, now,
  // so that the record can report the drop counts that include its own.
  // InvalidArgument if such a record cannot fit in a segment.
  virtual absl::StatusOr<RoomMade> MakeRoom(uint64_t payload_bytes) = 0;
  // The next record not handed out since the last rewind, in id order.
  virtual absl::StatusOr<std::optional<SpoolRecord>> Next() = 0;
  // Marks a handed-out record acknowledged; unknown or stale ids are ignored.
  // No disk writes, so that the transport's thread that calls it never waits
  // on a sync: Tidy does the disk work. Returns the records still in flight.
  virtual size_t Ack(uint64_t id) = 0;
  // Notes that the broker acknowledged a handed-out record: it stays until
  // committed, but if the spool must drop it, it counts as unconfirmed, not
  // as a report that never left.
  virtual void Published(uint64_t id) = 0;
  // Acknowledges every record with an id at or below `through`, handed out
  // or not (an aggregator's end-to-end commit); records not handed out are
  // stepped over on disk. No disk writes, like Ack. Returns the records
  // still pending.
  virtual uint64_t Commit(uint64_t through) = 0;
  // Every id at or below this is acknowledged (the watermark).
  virtual uint64_t acknowledged_through() const = 0;
  // Deletes the segments whose records are all acknowledged, and persists
  // the watermark when it is due (at most once per batch_sync_interval_ms).
  // The agent's loop calls it; Flush and Close do too.
  virtual absl::Status Tidy() = 0;
  // Hands out every unacknowledged record again (after a reconnect).
  virtual void RewindUnacked() = 0;
  // Tidies, persists the watermark and syncs; also done by the destructor.
  virtual absl::Status Flush() = 0;
  // Flush, then mark the spool cleanly closed for the next Open().
  virtual absl::Status Close() = 0;
  // Whether the previous process closed the spool cleanly. After an unclean
  // stop with fsync other than ALWAYS, records that were published may have
  // been lost from disk, so their ids must not be reused (the agent then
  // starts a new session).
  virtual bool was_clean() const = 0;

  // Highest id ever appended (or acknowledged), 0 for a new spool.
  virtual uint64_t last_id() const = 0;
  // Records handed out by Next() and not yet acknowledged.
  virtual size_t inflight() const = 0;
  virtual SpoolStats stats() const = 0;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SPOOL_SPOOL_H_
