// DiskSpool: the spool's cursors, segments and state over an Env.
#include "agent/spool/disk_spool.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/spool/record_format.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

// How far one read of the resync scan looks for the next record.
constexpr size_t kScanChunk = 64 * 1024;
// About seven typical reports; freed whenever the spool is drained.
constexpr size_t kReadAheadBytes = 16 * 1024;

std::string InDir(const std::string& dir, absl::string_view name) {
  return absl::StrCat(dir, "/", name);
}

// Whether two states differ in their watermark only, if at all.
bool SameCounts(SpoolStateFile a, const SpoolStateFile& b) {
  a.watermark = b.watermark;
  return a == b;
}

}  // namespace

DiskSpool::DiskSpool(Env* env, const Clock* clock, SpoolOptions options)
    : env_(env), clock_(clock), options_(std::move(options)) {}

DiskSpool::~DiskSpool() {
  if (!closed_) (void)Flush();
}

absl::StatusOr<DiskSpool::Position> DiskSpool::FindRecordLocked(const Segment& segment,
                                                                uint64_t offset,
                                                                ScanCounts* counts) const {
  const uint64_t size = segment.bytes;
  uint64_t pos = offset;
  bool damaged = false;
  // Outside recovery every record was checked when the spool was opened or
  // was written by this process: the damage found at open is skipped by its
  // offsets, and the CRC need not be computed again on every cursor move.
  const bool verify = counts != nullptr;
  uint64_t first_damage = 0;
  while (pos + kRecordHeaderBytes <= size) {
    if (!verify) {
      auto skip = segment.damaged.find(pos);
      if (skip != segment.damaged.end()) {
        pos = skip->second;
        continue;
      }
    }
    std::string header_read;
    absl::string_view header_bytes;
    if (verify) {
      ASSIGN_OR_RETURN(header_read, env_->ReadAt(segment.path, pos, kRecordHeaderBytes));
      header_bytes = header_read;
    } else {
      ASSIGN_OR_RETURN(header_bytes, ReadAheadLocked(segment, pos, kRecordHeaderBytes));
    }
    RecordHeader header;
    bool good = ParseRecordHeader(header_bytes, &header) == RecordCheck::kValid &&
                header.payload_bytes <= size - pos - kRecordHeaderBytes;
    if (good && verify) {
      ASSIGN_OR_RETURN(const std::string payload,
                       env_->ReadAt(segment.path, pos + kRecordHeaderBytes, header.payload_bytes));
      good = RecordPayloadMatches(header, payload);
    }
    if (good) {
      if (damaged && counts != nullptr) {
        ++counts->corrupt;
        counts->damaged[first_damage] = pos;
      }
      Position found;
      found.at_end = false;
      found.segment = segment.name_id;
      found.offset = pos;
      found.id = header.id;
      found.timestamp_ms = header.timestamp_ms;
      found.next_offset = pos + kRecordHeaderBytes + header.payload_bytes;
      return found;
    }
    if (!damaged) first_damage = pos;
    damaged = true;
    ASSIGN_OR_RETURN(const std::optional<uint64_t> next, ResyncLocked(segment, pos));
    if (!next.has_value()) {
      pos = size;
      break;
    }
    pos = *next;
  }
  if (counts != nullptr && (damaged || pos < size)) counts->torn = true;
  return Position{};
}

absl::StatusOr<std::optional<uint64_t>> DiskSpool::ResyncLocked(const Segment& segment,
                                                                uint64_t pos) const {
  // Chunks overlap by a magic less one byte, so that a record starting
  // across a chunk boundary is found (in the next chunk).
  for (uint64_t from = pos + 1; from < segment.bytes; from += kScanChunk) {
    ASSIGN_OR_RETURN(const std::string chunk,
                     env_->ReadAt(segment.path, from, kScanChunk + kRecordMagicBytes - 1));
    const size_t hit = FindNextRecord(chunk, 0);
    if (hit != absl::string_view::npos && hit < kScanChunk) return from + hit;
  }
  return std::nullopt;
}

absl::StatusOr<DiskSpool::Position> DiskSpool::SeekLocked(uint64_t segment_name,
                                                          uint64_t offset) const {
  for (const Segment& segment : segments_) {
    if (segment.name_id < segment_name) continue;
    ASSIGN_OR_RETURN(
        Position found,
        FindRecordLocked(segment, segment.name_id == segment_name ? offset : 0, nullptr));
    if (!found.at_end) return found;
  }
  return Position{};
}

absl::StatusOr<DiskSpool::Position> DiskSpool::AfterLocked(const Position& position) const {
  return SeekLocked(position.segment, position.next_offset);
}

absl::StatusOr<absl::string_view> DiskSpool::ReadAheadLocked(const Segment& segment,
                                                             uint64_t offset,
                                                             uint64_t length) const {
  ReadAheadBuffer& buffer = read_ahead_;
  const bool hit = buffer.segment == segment.name_id && offset >= buffer.offset &&
                   offset + length <= buffer.offset + buffer.bytes.size();
  if (!hit) {
    buffer.segment = 0;
    ASSIGN_OR_RETURN(buffer.bytes, env_->ReadAt(segment.path, offset,
                                                std::max<uint64_t>(length, kReadAheadBytes)));
    buffer.segment = segment.name_id;
    buffer.offset = offset;
  }
  const uint64_t start = offset - buffer.offset;
  return absl::string_view(buffer.bytes).substr(start, length);
}

DiskSpool::Segment* DiskSpool::FindSegmentLocked(uint64_t name_id) {
  for (Segment& segment : segments_) {
    if (segment.name_id == name_id) return &segment;
  }
  return nullptr;
}

DiskSpool::Segment* DiskSpool::SegmentOfLocked(uint64_t id) {
  for (Segment& segment : segments_) {
    if (segment.first_id != 0 && segment.first_id <= id && id <= segment.last_id) return &segment;
  }
  return nullptr;
}

absl::Status DiskSpool::ReadStateLocked() {
  const std::string path = InDir(options_.dir, kSpoolStateFileName);
  if (!env_->FileExists(path)) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string text, env_->ReadAt(path, 0, kSpoolStateMaxBytes));
  absl::StatusOr<SpoolStateFile> state = SpoolStateFile::Parse(text);
  if (!state.ok()) {
    return absl::Status(state.status().code(), absl::StrCat(path, ": ", state.status().message()));
  }
  persisted_ = *state;
  stats_.dropped_full = state->dropped_full;
  stats_.dropped_expired = state->dropped_expired;
  stats_.discarded_corrupt = state->discarded_corrupt;
  stats_.discarded_torn = state->discarded_torn;
  stats_.dropped_disk_full = state->dropped_disk_full;
  stats_.dropped_unconfirmed = state->dropped_unconfirmed;
  return absl::OkStatus();
}

absl::Status DiskSpool::Recover() {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(env_->CreateDirs(options_.dir));
  RETURN_IF_ERROR(ReadStateLocked());
  const std::string clean_path = InDir(options_.dir, kSpoolCleanFileName);
  was_clean_ = env_->FileExists(clean_path);
  if (was_clean_) RETURN_IF_ERROR(env_->RemoveFile(clean_path));
  const uint64_t watermark = persisted_.watermark;
  ASSIGN_OR_RETURN(const std::vector<std::string> names, env_->ListDir(options_.dir));
  std::vector<uint64_t> ids;
  for (const std::string& name : names) {
    if (std::optional<uint64_t> first_id = ParseSegmentFileName(name)) ids.push_back(*first_id);
  }
  std::sort(ids.begin(), ids.end());
  bool torn_id_reserved = false;
  for (uint64_t name_id : ids) {
    Segment segment;
    segment.name_id = name_id;
    segment.path = InDir(options_.dir, SegmentFileName(name_id));
    ASSIGN_OR_RETURN(segment.bytes, env_->FileSize(segment.path));
    ScanCounts counts;
    for (uint64_t pos = 0;;) {
      ASSIGN_OR_RETURN(Position found, FindRecordLocked(segment, pos, &counts));
      if (found.at_end) break;
      if (segment.first_id == 0) segment.first_id = found.id;
      segment.last_id = std::max(segment.last_id, found.id);
      segment.newest_ms = std::max(segment.newest_ms, found.timestamp_ms);
      if (found.id > watermark) ++segment.pending;
      pos = counts.good_end = found.next_offset;
    }
    stats_.discarded_corrupt += counts.corrupt;
    segment.damaged = counts.damaged;
    if (counts.torn) {
      ++stats_.discarded_torn;
      // The torn record's id (the next one, as writers number contiguously)
      // may have been published before the cut: never reuse it.
      torn_id_reserved = true;
      RETURN_IF_ERROR(env_->Truncate(segment.path, counts.good_end));
      segment.bytes = counts.good_end;
    }
    last_id_ = std::max(last_id_, segment.last_id);
    stats_.pending_records += segment.pending;
    segments_.push_back(segment);
  }
  last_id_ = std::max(last_id_, watermark);
  if (torn_id_reserved && !segments_.empty() && segments_.back().last_id == last_id_) {
    ++last_id_;
  }
  // Fully acknowledged segments are garbage; the newest one stays to append to.
  while (segments_.size() > 1 && segments_.front().pending == 0 &&
         segments_.front().last_id <= watermark) {
    RETURN_IF_ERROR(env_->RemoveFile(segments_.front().path));
    segments_.pop_front();
  }
  if (segments_.empty()) {
    RETURN_IF_ERROR(StartSegmentLocked(last_id_ + 1));
  } else {
    ASSIGN_OR_RETURN(active_, env_->NewAppendableFile(segments_.back().path));
  }
  ASSIGN_OR_RETURN(low_, SeekLocked(segments_.front().name_id, 0));
  while (!low_.at_end && low_.id <= watermark) {
    ASSIGN_OR_RETURN(low_, AfterLocked(low_));
  }
  send_ = low_;
  last_sync_ms_ = clock_->NowMs();
  // Records damage found now. On a full disk the spool opens anyway: the
  // state is written again later, and until then only duplicates are at
  // stake, never a report.
  if (absl::Status persisted = MaybePersistStateLocked(/*force=*/true); !persisted.ok()) {
    if (persisted.code() != absl::StatusCode::kResourceExhausted) return persisted;
  }
  return absl::OkStatus();
}

absl::Status DiskSpool::StartSegmentLocked(uint64_t first_id) {
  if (active_ != nullptr && options_.fsync != v1::SpoolConfig::NEVER) {
    RETURN_IF_ERROR(active_->Sync());
  }
  Segment segment;
  segment.name_id = first_id;
  segment.path = InDir(options_.dir, SegmentFileName(first_id));
  ASSIGN_OR_RETURN(active_, env_->NewAppendableFile(segment.path));
  segments_.push_back(segment);
  return absl::OkStatus();
}

absl::Status DiskSpool::DropOldestSegmentLocked(DropReason reason) {
  const Segment dropped = segments_.front();
  auto first = published_.lower_bound(dropped.first_id);
  auto last = published_.upper_bound(dropped.last_id);
  const uint64_t confirmed = std::min<uint64_t>(std::distance(first, last), dropped.pending);
  published_.erase(first, last);
  (reason == DropReason::kExpired    ? stats_.dropped_expired
   : reason == DropReason::kDiskFull ? stats_.dropped_disk_full
                                     : stats_.dropped_full) += dropped.pending - confirmed;
  stats_.dropped_unconfirmed += confirmed;
  stats_.pending_records -= dropped.pending;
  inflight_.erase(inflight_.lower_bound(dropped.first_id), inflight_.upper_bound(dropped.last_id));
  acked_.erase(acked_.lower_bound(dropped.first_id), acked_.upper_bound(dropped.last_id));
  RETURN_IF_ERROR(env_->RemoveFile(dropped.path));
  segments_.pop_front();
  if (!low_.at_end && low_.segment == dropped.name_id) {
    ASSIGN_OR_RETURN(low_, SeekLocked(segments_.front().name_id, 0));
  }
  if (!send_.at_end && send_.segment == dropped.name_id) {
    ASSIGN_OR_RETURN(send_, SeekLocked(segments_.front().name_id, 0));
  }
  return MaybePersistStateLocked(false);
}

absl::Status DiskSpool::Append(uint64_t id, absl::string_view payload) {
  absl::MutexLock lock(&mu_);
  if (id <= last_id_) {
    return absl::InvalidArgumentError(
        absl::StrCat("spool record id ", id, " is not above the last id ", last_id_));
  }
  const uint64_t record_size = kRecordHeaderBytes + payload.size();
  const int64_t now = clock_->NowMs();
  const std::string record = EncodeRecord(id, now, payload);
  for (;;) {
    // MakeRoom may start a segment file, which a full disk refuses too.
    absl::Status written = MakeRoomLocked(id, record_size, now);
    if (written.ok()) written = active_->Append(record);
    if (written.ok()) break;
    // Never leave part of a record behind: the file is cut back to its last
    // whole record, which is what the in-memory offsets say it holds.
    RETURN_IF_ERROR(env_->Truncate(segments_.back().path, segments_.back().bytes));
    if (written.code() != absl::StatusCode::kResourceExhausted) return written;
    // A full disk is a full spool: the oldest reports make room, counted.
    if (segments_.size() < 2) {
      ++stats_.dropped_disk_full;  // this report: nowhere to keep it
      (void)MaybePersistStateLocked(false);
      return written;
    }
    RETURN_IF_ERROR(DropOldestSegmentLocked(DropReason::kDiskFull));
  }
  unsynced_ = true;
  if (options_.fsync == v1::SpoolConfig::ALWAYS ||
      (options_.fsync == v1::SpoolConfig::BATCH &&
       now - last_sync_ms_ >= options_.batch_sync_interval_ms)) {
    RETURN_IF_ERROR(active_->Sync());
    unsynced_ = false;
    last_sync_ms_ = now;
  }
  Segment& segment = segments_.back();
  Position written;
  written.at_end = false;
  written.segment = segment.name_id;
  written.offset = segment.bytes;
  written.id = id;
  written.timestamp_ms = now;
  written.next_offset = segment.bytes + record_size;
  segment.bytes += record_size;
  if (segment.first_id == 0) segment.first_id = id;
  segment.last_id = id;
  segment.newest_ms = now;
  ++segment.pending;
  ++stats_.pending_records;
  last_id_ = id;
  if (low_.at_end) low_ = written;
  if (send_.at_end) send_ = written;
  return absl::OkStatus();
}

absl::StatusOr<RoomMade> DiskSpool::MakeRoom(uint64_t payload_bytes) {
  absl::MutexLock lock(&mu_);
  const uint64_t full_before = stats_.dropped_full;
  const uint64_t expired_before = stats_.dropped_expired;
  const uint64_t unconfirmed_before = stats_.dropped_unconfirmed;
  RETURN_IF_ERROR(
      MakeRoomLocked(last_id_ + 1, kRecordHeaderBytes + payload_bytes, clock_->NowMs()));
  RoomMade made;
  made.stats = StatsLocked();
  made.dropped_full = stats_.dropped_full - full_before;
  made.dropped_expired = stats_.dropped_expired - expired_before;
  made.dropped_unconfirmed = stats_.dropped_unconfirmed - unconfirmed_before;
  return made;
}

absl::Status DiskSpool::MakeRoomLocked(uint64_t id, uint64_t record_size, int64_t now) {
  if (record_size > options_.segment_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("report of ", record_size - kRecordHeaderBytes,
                                                   " bytes exceeds the spool segment size ",
                                                   options_.segment_bytes));
  }
  const int64_t expired_before = now - options_.max_age_ms;
  const Segment& active = segments_.back();
  if (active.bytes > 0 &&
      (active.bytes + record_size > options_.segment_bytes || active.newest_ms < expired_before)) {
    RETURN_IF_ERROR(StartSegmentLocked(id));
  }
  while (segments_.size() > 1 && segments_.front().newest_ms < expired_before) {
    RETURN_IF_ERROR(DropOldestSegmentLocked(DropReason::kExpired));
  }
  for (;;) {
    uint64_t total = record_size;
    for (const Segment& segment : segments_) total += segment.bytes;
    if (total <= options_.max_bytes || segments_.size() == 1) break;
    RETURN_IF_ERROR(DropOldestSegmentLocked(DropReason::kFull));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<SpoolRecord>> DiskSpool::Next() {
  absl::MutexLock lock(&mu_);
  while (!send_.at_end) {
    const Position record = send_;
    // Acknowledged while the cursor was behind it (acknowledgements out of
    // order around a rewind): the watermark may have passed it already.
    if (record.id <= WatermarkLocked() || acked_.count(record.id) > 0) {
      ASSIGN_OR_RETURN(send_, AfterLocked(record));
      continue;
    }
    const Segment* segment = FindSegmentLocked(record.segment);
    ASSIGN_OR_RETURN(absl::string_view payload,
                     ReadAheadLocked(*segment, record.offset + kRecordHeaderBytes,
                                     record.next_offset - record.offset - kRecordHeaderBytes));
    SpoolRecord out{record.id, std::string(payload)};
    ASSIGN_OR_RETURN(send_, AfterLocked(record));
    inflight_[record.id] = send_;
    return out;
  }
  read_ahead_ = ReadAheadBuffer{};  // drained: no memory held between reports
  return std::optional<SpoolRecord>();
}

size_t DiskSpool::Ack(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto sent = inflight_.find(id);
  if (sent == inflight_.end()) return inflight_.size();
  acked_.insert(*sent);
  inflight_.erase(sent);
  published_.erase(id);
  if (Segment* segment = SegmentOfLocked(id); segment != nullptr && segment->pending > 0) {
    --segment->pending;
    --stats_.pending_records;
  }
  // A read error leaves the watermark where it is: the records are sent
  // again after a restart, and the aggregator drops the duplicates.
  (void)AdvanceLowLocked();
  return inflight_.size();
}

uint64_t DiskSpool::Commit(uint64_t through) {
  absl::MutexLock lock(&mu_);
  while (!low_.at_end && low_.id <= through) {
    // The position after it as remembered when it was handed out, else
    // read from the disk.
    Position after;
    bool known = false;
    bool counted = false;  // already taken off the pending counts by Ack
    if (auto sent = inflight_.find(low_.id); sent != inflight_.end()) {
      after = sent->second;
      known = true;
      inflight_.erase(sent);
    } else if (auto acked = acked_.find(low_.id); acked != acked_.end()) {
      after = acked->second;
      known = true;
      counted = true;
      acked_.erase(acked);
    }
    if (!known || after.at_end) {
      absl::StatusOr<Position> next = AfterLocked(low_);
      // A read error leaves the watermark here: the rest is sent again and
      // the aggregator drops the duplicates.
      if (!next.ok()) break;
      after = *next;
    }
    if (!counted) {
      if (Segment* segment = SegmentOfLocked(low_.id); segment != nullptr && segment->pending > 0) {
        --segment->pending;
        --stats_.pending_records;
      }
    }
    low_ = after;
  }
  (void)AdvanceLowLocked();
  published_.erase(published_.begin(), published_.upper_bound(WatermarkLocked()));
  return stats_.pending_records;
}

void DiskSpool::Published(uint64_t id) {
  absl::MutexLock lock(&mu_);
  if (id > WatermarkLocked() && acked_.count(id) == 0) published_.insert(id);
}

uint64_t DiskSpool::acknowledged_through() const {
  absl::MutexLock lock(&mu_);
  return WatermarkLocked();
}

absl::Status DiskSpool::AdvanceLowLocked() {
  while (!low_.at_end) {
    auto acked = acked_.find(low_.id);
    if (acked == acked_.end()) break;
    Position after = acked->second;
    if (after.at_end) {
      // It was the last record when it was sent; there may be more now.
      ASSIGN_OR_RETURN(after, AfterLocked(low_));
    }
    acked_.erase(acked);  // only once the watermark can move past it
    low_ = after;
  }
  return absl::OkStatus();
}

absl::Status DiskSpool::Tidy() {
  absl::MutexLock lock(&mu_);
  return TidyLocked();
}

absl::Status DiskSpool::TidyLocked() {
  while (segments_.size() > 1 && (low_.at_end || segments_.front().name_id != low_.segment)) {
    RETURN_IF_ERROR(env_->RemoveFile(segments_.front().path));
    segments_.pop_front();
  }
  return MaybePersistStateLocked(false);
}

void DiskSpool::RewindUnacked() {
  absl::MutexLock lock(&mu_);
  inflight_.clear();
  send_ = low_;
}

uint64_t DiskSpool::WatermarkLocked() const { return low_.at_end ? last_id_ : low_.id - 1; }

absl::Status DiskSpool::MaybePersistStateLocked(bool force) {
  SpoolStateFile state;
  state.watermark = WatermarkLocked();
  state.dropped_full = stats_.dropped_full;
  state.dropped_expired = stats_.dropped_expired;
  state.discarded_corrupt = stats_.discarded_corrupt;
  state.discarded_torn = stats_.discarded_torn;
  state.dropped_disk_full = stats_.dropped_disk_full;
  state.dropped_unconfirmed = stats_.dropped_unconfirmed;
  if (state == persisted_) return absl::OkStatus();
  // Changed counts are written at once: they are rare and must survive.
  const bool counts_changed = !SameCounts(state, persisted_);
  // A lagging watermark costs only duplicates after a crash (the aggregator
  // drops them), never a report, so it is written at most once per
  // batch_sync_interval_ms whatever the fsync policy of the records.
  const int64_t now = clock_->NowMs();
  const bool due = options_.fsync != v1::SpoolConfig::NEVER &&
                   now - last_state_write_ms_ >= options_.batch_sync_interval_ms;
  if (!force && !due && !counts_changed) return absl::OkStatus();
  RETURN_IF_ERROR(
      env_->WriteFileAtomically(InDir(options_.dir, kSpoolStateFileName), state.Encode()));
  persisted_ = state;
  last_state_write_ms_ = now;
  return absl::OkStatus();
}

absl::Status DiskSpool::FlushLocked() {
  if (unsynced_ && active_ != nullptr) {
    RETURN_IF_ERROR(active_->Sync());
    unsynced_ = false;
    last_sync_ms_ = clock_->NowMs();
  }
  RETURN_IF_ERROR(TidyLocked());
  return MaybePersistStateLocked(/*force=*/true);
}

absl::Status DiskSpool::Flush() {
  absl::MutexLock lock(&mu_);
  return FlushLocked();
}

absl::Status DiskSpool::Close() {
  // One critical section, so that no Append can slip in between the flush
  // and the clean marker.
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(FlushLocked());
  closed_ = true;
  return env_->WriteFileAtomically(InDir(options_.dir, kSpoolCleanFileName),
                                   kSpoolCleanFileContents);
}

bool DiskSpool::was_clean() const {
  absl::MutexLock lock(&mu_);
  return was_clean_;
}

uint64_t DiskSpool::last_id() const {
  absl::MutexLock lock(&mu_);
  return last_id_;
}

size_t DiskSpool::inflight() const {
  absl::MutexLock lock(&mu_);
  return inflight_.size();
}

SpoolStats DiskSpool::StatsLocked() const {
  SpoolStats stats = stats_;
  for (const Segment& segment : segments_) stats.bytes += segment.bytes;
  stats.segments = segments_.size();
  stats.oldest_pending_ms = low_.at_end ? 0 : low_.timestamp_ms;
  return stats;
}

SpoolStats DiskSpool::stats() const {
  absl::MutexLock lock(&mu_);
  return StatsLocked();
}

}  // namespace ftel
