#include "agent/spool/spool.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libftel/platform/crc32.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

constexpr char kMagic[] = "FTR1";
constexpr size_t kMagicSize = 4;
// magic, crc32, payload length, id, timestamp
constexpr size_t kHeaderSize = Spool::kRecordHeaderBytes;
static_assert(kHeaderSize == 4 + 4 + 4 + 8 + 8, "magic, CRC, length, id, timestamp");
constexpr uint32_t kMaxPayload = 16u << 20;
constexpr size_t kScanChunk = 64 * 1024;
// About seven typical reports; freed whenever the spool is drained.
constexpr size_t kReadAheadBytes = 16 * 1024;
constexpr char kWatermarkFile[] = "acked";
// Present only between a clean Close() and the next Open().
constexpr char kCleanFile[] = "clean";

void PutFixed(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint64_t GetFixed(absl::string_view in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(in[at + static_cast<size_t>(i)]);
  }
  return value;
}

std::string EncodeRecord(uint64_t id, int64_t timestamp_ms, absl::string_view payload) {
  std::string body;
  PutFixed(&body, payload.size(), 4);
  PutFixed(&body, id, 8);
  PutFixed(&body, static_cast<uint64_t>(timestamp_ms), 8);
  std::string record(kMagic, kMagicSize);
  PutFixed(&record, Crc32(payload, Crc32(body)), 4);
  record += body;
  record.append(payload.data(), payload.size());
  return record;
}

std::string SegmentName(uint64_t first_id) { return absl::StrFormat("seg-%020d.log", first_id); }

bool ParseSegmentName(const std::string& name, uint64_t* first_id) {
  if (name.size() != 4 + 20 + 4 || name.compare(0, 4, "seg-") != 0 ||
      name.compare(24, 4, ".log") != 0) {
    return false;
  }
  return absl::SimpleAtoi(name.substr(4, 20), first_id);
}

}  // namespace

Spool::Spool(Env* env, const Clock* clock, SpoolOptions options)
    : env_(env), clock_(clock), options_(std::move(options)) {}

Spool::~Spool() {
  if (!closed_) (void)Flush();
}

absl::StatusOr<std::unique_ptr<Spool>> Spool::Open(Env* env, const Clock* clock,
                                                   SpoolOptions options) {
  if (options.segment_bytes < kHeaderSize + 1 || options.segment_bytes > options.max_bytes / 2) {
    return absl::InvalidArgumentError("spool segment_bytes must be at most max_bytes / 2");
  }
  std::unique_ptr<Spool> spool(new Spool(env, clock, std::move(options)));
  RETURN_IF_ERROR(spool->Recover());
  return spool;
}

absl::StatusOr<Spool::Position> Spool::FindRecord(const Segment& segment, uint64_t offset,
                                                  ScanCounts* counts) const {
  const uint64_t size = segment.bytes;
  uint64_t pos = offset;
  bool damaged = false;
  // Outside recovery every record was checked when the spool was opened or
  // was written by this process: the damage found at open is skipped by its
  // offsets, and the CRC need not be computed again on every cursor move.
  const bool verify = counts != nullptr;
  uint64_t first_damage = 0;
  while (pos + kHeaderSize <= size) {
    if (!verify) {
      auto skip = segment.damaged.find(pos);
      if (skip != segment.damaged.end()) {
        pos = skip->second;
        continue;
      }
    }
    const uint64_t damage_start = pos;
    std::string header_read;
    absl::string_view header;
    if (verify) {
      ASSIGN_OR_RETURN(header_read, env_->ReadAt(segment.path, pos, kHeaderSize));
      header = header_read;
    } else {
      ASSIGN_OR_RETURN(header, ReadAhead(segment, pos, kHeaderSize));
    }
    if (header.size() == kHeaderSize && header.compare(0, kMagicSize, kMagic) == 0) {
      const uint64_t length = GetFixed(header, 8, 4);
      if (length <= kMaxPayload && pos + kHeaderSize + length <= size) {
        std::string payload;
        bool good = !verify;
        if (verify) {
          ASSIGN_OR_RETURN(payload, env_->ReadAt(segment.path, pos + kHeaderSize, length));
          good = payload.size() == length &&
                 Crc32(payload, Crc32(absl::string_view(header).substr(8, kHeaderSize - 8))) ==
                     GetFixed(header, 4, 4);
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
          found.id = GetFixed(header, 12, 8);
          found.timestamp_ms = static_cast<int64_t>(GetFixed(header, 20, 8));
          found.next_offset = pos + kHeaderSize + length;
          return found;
        }
      }
    }
    // Damage at `pos`: resynchronise on the next magic.
    if (!damaged) first_damage = damage_start;
    damaged = true;
    uint64_t next = 0;
    for (uint64_t from = pos + 1; next == 0 && from < size; from += kScanChunk) {
      ASSIGN_OR_RETURN(std::string chunk,
                       env_->ReadAt(segment.path, from, kScanChunk + kMagicSize - 1));
      const size_t hit = chunk.find(kMagic, 0, kMagicSize);
      if (hit != std::string::npos && hit < kScanChunk) next = from + hit;
    }
    if (next == 0) {
      pos = size;
      break;
    }
    pos = next;
  }
  if (counts != nullptr && (damaged || pos < size)) counts->torn = true;
  return Position{};
}

absl::StatusOr<Spool::Position> Spool::Seek(uint64_t segment_name, uint64_t offset) const {
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (segments_[i].name_id < segment_name) continue;
    ASSIGN_OR_RETURN(
        Position found,
        FindRecord(segments_[i], segments_[i].name_id == segment_name ? offset : 0, nullptr));
    if (!found.at_end) return found;
  }
  return Position{};
}

absl::StatusOr<Spool::Position> Spool::After(const Position& position) const {
  return Seek(position.segment, position.next_offset);
}

absl::StatusOr<absl::string_view> Spool::ReadAhead(const Segment& segment, uint64_t offset,
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

Spool::Segment* Spool::FindSegment(uint64_t name_id) {
  for (Segment& segment : segments_) {
    if (segment.name_id == name_id) return &segment;
  }
  return nullptr;
}

Spool::Segment* Spool::SegmentOf(uint64_t id) {
  for (Segment& segment : segments_) {
    if (segment.first_id != 0 && segment.first_id <= id && id <= segment.last_id) return &segment;
  }
  return nullptr;
}

absl::Status Spool::Recover() {
  RETURN_IF_ERROR(env_->CreateDirs(options_.dir));
  const std::string watermark_path = absl::StrCat(options_.dir, "/", kWatermarkFile);
  if (env_->FileExists(watermark_path)) {
    // "watermark dropped_full dropped_expired discarded_corrupt discarded_torn"
    ASSIGN_OR_RETURN(std::string text, env_->ReadAt(watermark_path, 0, 256));
    std::vector<std::string> fields =
        absl::StrSplit(absl::StripAsciiWhitespace(text), ' ', absl::SkipEmpty());
    uint64_t values[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < fields.size() && i < 5; ++i) {
      if (!absl::SimpleAtoi(fields[i], &values[i])) fields.clear();
    }
    if (fields.empty()) {
      return absl::DataLossError(absl::StrCat(watermark_path, ": not a spool state: '", text, "'"));
    }
    persisted_watermark_ = values[0];
    stats_.dropped_full = values[1];
    stats_.dropped_expired = values[2];
    stats_.discarded_corrupt = values[3];
    stats_.discarded_torn = values[4];
    persisted_counters_ = {values[1], values[2], values[3], values[4]};
  }
  was_clean_ = env_->FileExists(absl::StrCat(options_.dir, "/", kCleanFile));
  if (was_clean_) RETURN_IF_ERROR(env_->RemoveFile(absl::StrCat(options_.dir, "/", kCleanFile)));
  const uint64_t watermark = persisted_watermark_;
  ASSIGN_OR_RETURN(std::vector<std::string> names, env_->ListDir(options_.dir));
  std::vector<uint64_t> ids;
  for (const std::string& name : names) {
    uint64_t first_id;
    if (ParseSegmentName(name, &first_id)) ids.push_back(first_id);
  }
  std::sort(ids.begin(), ids.end());
  bool torn_id_reserved = false;
  for (uint64_t name_id : ids) {
    Segment segment;
    segment.name_id = name_id;
    segment.path = absl::StrCat(options_.dir, "/", SegmentName(name_id));
    ASSIGN_OR_RETURN(segment.bytes, env_->FileSize(segment.path));
    ScanCounts counts;
    for (uint64_t pos = 0;;) {
      ASSIGN_OR_RETURN(Position found, FindRecord(segment, pos, &counts));
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
    RETURN_IF_ERROR(StartSegment(last_id_ + 1));
  } else {
    ASSIGN_OR_RETURN(active_, env_->NewAppendableFile(segments_.back().path));
  }
  ASSIGN_OR_RETURN(low_, Seek(segments_.front().name_id, 0));
  while (!low_.at_end && low_.id <= watermark) {
    ASSIGN_OR_RETURN(low_, After(low_));
  }
  send_ = low_;
  last_sync_ms_ = clock_->NowMs();
  return MaybePersistWatermark(/*force=*/true);  // records damage found now
}

absl::Status Spool::StartSegment(uint64_t first_id) {
  if (active_ != nullptr && options_.fsync != v1::SpoolConfig::NEVER) {
    RETURN_IF_ERROR(active_->Sync());
  }
  Segment segment;
  segment.name_id = first_id;
  segment.path = absl::StrCat(options_.dir, "/", SegmentName(first_id));
  ASSIGN_OR_RETURN(active_, env_->NewAppendableFile(segment.path));
  segments_.push_back(segment);
  return absl::OkStatus();
}

absl::Status Spool::DropOldestSegment(bool expired) {
  const Segment dropped = segments_.front();
  (expired ? stats_.dropped_expired : stats_.dropped_full) += dropped.pending;
  stats_.pending_records -= dropped.pending;
  inflight_.erase(inflight_.lower_bound(dropped.first_id), inflight_.upper_bound(dropped.last_id));
  acked_.erase(acked_.lower_bound(dropped.first_id), acked_.upper_bound(dropped.last_id));
  RETURN_IF_ERROR(env_->RemoveFile(dropped.path));
  segments_.pop_front();
  if (!low_.at_end && low_.segment == dropped.name_id) {
    ASSIGN_OR_RETURN(low_, Seek(segments_.front().name_id, 0));
  }
  if (!send_.at_end && send_.segment == dropped.name_id) {
    ASSIGN_OR_RETURN(send_, Seek(segments_.front().name_id, 0));
  }
  return MaybePersistWatermark(false);
}

absl::Status Spool::Append(uint64_t id, absl::string_view payload) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id <= last_id_) {
    return absl::InvalidArgumentError(
        absl::StrCat("spool record id ", id, " is not above the last id ", last_id_));
  }
  const uint64_t record_size = kHeaderSize + payload.size();
  const int64_t now = clock_->NowMs();
  RETURN_IF_ERROR(MakeRoomLocked(id, record_size, now));
  RETURN_IF_ERROR(active_->Append(EncodeRecord(id, now, payload)));
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

absl::Status Spool::MakeRoom(uint64_t payload_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  return MakeRoomLocked(last_id_ + 1, kHeaderSize + payload_bytes, clock_->NowMs());
}

absl::Status Spool::MakeRoomLocked(uint64_t id, uint64_t record_size, int64_t now) {
  if (record_size > options_.segment_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("report of ", record_size - kHeaderSize,
                                                   " bytes exceeds the spool segment size ",
                                                   options_.segment_bytes));
  }
  const int64_t expired_before = now - options_.max_age_ms;
  const Segment& active = segments_.back();
  if (active.bytes > 0 &&
      (active.bytes + record_size > options_.segment_bytes || active.newest_ms < expired_before)) {
    RETURN_IF_ERROR(StartSegment(id));
  }
  while (segments_.size() > 1 && segments_.front().newest_ms < expired_before) {
    RETURN_IF_ERROR(DropOldestSegment(/*expired=*/true));
  }
  for (;;) {
    uint64_t total = record_size;
    for (const Segment& segment : segments_) total += segment.bytes;
    if (total <= options_.max_bytes || segments_.size() == 1) break;
    RETURN_IF_ERROR(DropOldestSegment(/*expired=*/false));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<SpoolRecord>> Spool::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  while (!send_.at_end) {
    const Position record = send_;
    // Acknowledged while the cursor was behind it (acknowledgements out of
    // order around a rewind): the watermark may have passed it already.
    if (record.id <= Watermark() || acked_.count(record.id) > 0) {
      ASSIGN_OR_RETURN(send_, After(record));
      continue;
    }
    const Segment* segment = FindSegment(record.segment);
    ASSIGN_OR_RETURN(absl::string_view payload,
                     ReadAhead(*segment, record.offset + kHeaderSize,
                               record.next_offset - record.offset - kHeaderSize));
    SpoolRecord out{record.id, std::string(payload)};
    ASSIGN_OR_RETURN(send_, After(record));
    inflight_[record.id] = send_;
    return out;
  }
  read_ahead_ = ReadAheadBuffer{};  // drained: no memory held between reports
  return std::optional<SpoolRecord>();
}

size_t Spool::Ack(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto sent = inflight_.find(id);
  if (sent == inflight_.end()) return inflight_.size();
  acked_.insert(*sent);
  inflight_.erase(sent);
  if (Segment* segment = SegmentOf(id); segment != nullptr && segment->pending > 0) {
    --segment->pending;
    --stats_.pending_records;
  }
  // A read error leaves the watermark where it is: the records are sent
  // again after a restart, and the aggregator drops the duplicates.
  (void)AdvanceLow();
  return inflight_.size();
}

absl::Status Spool::AdvanceLow() {
  while (!low_.at_end) {
    auto acked = acked_.find(low_.id);
    if (acked == acked_.end()) break;
    Position after = acked->second;
    if (after.at_end) {
      // It was the last record when it was sent; there may be more now.
      ASSIGN_OR_RETURN(after, After(low_));
    }
    acked_.erase(acked);  // only once the watermark can move past it
    low_ = after;
  }
  return absl::OkStatus();
}

absl::Status Spool::Tidy() {
  std::lock_guard<std::mutex> lock(mu_);
  return TidyLocked();
}

absl::Status Spool::TidyLocked() {
  while (segments_.size() > 1 && (low_.at_end || segments_.front().name_id != low_.segment)) {
    RETURN_IF_ERROR(env_->RemoveFile(segments_.front().path));
    segments_.pop_front();
  }
  return MaybePersistWatermark(false);
}

void Spool::RewindUnacked() {
  std::lock_guard<std::mutex> lock(mu_);
  inflight_.clear();
  send_ = low_;
}

uint64_t Spool::Watermark() const { return low_.at_end ? last_id_ : low_.id - 1; }

absl::Status Spool::MaybePersistWatermark(bool force) {
  const uint64_t watermark = Watermark();
  const std::array<uint64_t, 4> counters = {stats_.dropped_full, stats_.dropped_expired,
                                            stats_.discarded_corrupt, stats_.discarded_torn};
  // Changed counters are written at once: they are rare and must survive.
  const bool counters_changed = counters != persisted_counters_;
  if (watermark == persisted_watermark_ && !counters_changed) return absl::OkStatus();
  // A lagging watermark costs only duplicates after a crash (the aggregator
  // drops them), never a report, so it is written at most once per
  // batch_sync_interval_ms whatever the fsync policy of the records.
  const int64_t now = clock_->NowMs();
  const bool due = options_.fsync != v1::SpoolConfig::NEVER &&
                   now - last_watermark_write_ms_ >= options_.batch_sync_interval_ms;
  if (!force && !due && !counters_changed) return absl::OkStatus();
  RETURN_IF_ERROR(
      env_->WriteFileAtomically(absl::StrCat(options_.dir, "/", kWatermarkFile),
                                absl::StrCat(watermark, " ", counters[0], " ", counters[1], " ",
                                             counters[2], " ", counters[3], "\n")));
  persisted_watermark_ = watermark;
  persisted_counters_ = counters;
  last_watermark_write_ms_ = now;
  return absl::OkStatus();
}

absl::Status Spool::Close() {
  RETURN_IF_ERROR(Flush());
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  return env_->WriteFileAtomically(absl::StrCat(options_.dir, "/", kCleanFile), "clean\n");
}

absl::Status Spool::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (unsynced_ && active_ != nullptr) {
    RETURN_IF_ERROR(active_->Sync());
    unsynced_ = false;
    last_sync_ms_ = clock_->NowMs();
  }
  RETURN_IF_ERROR(TidyLocked());
  return MaybePersistWatermark(/*force=*/true);
}

uint64_t Spool::last_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_id_;
}

size_t Spool::inflight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return inflight_.size();
}

SpoolStats Spool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  SpoolStats stats = stats_;
  for (const Segment& segment : segments_) stats.bytes += segment.bytes;
  stats.segments = segments_.size();
  stats.oldest_pending_ms = low_.at_end ? 0 : low_.timestamp_ms;
  return stats;
}

}  // namespace ftel
