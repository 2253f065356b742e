// The spool's on-disk record and segment file name, as pure functions over
// bytes (leveldb's log_format): what a record is, whoever reads it and from
// where. A record is
//   magic "FTR1" | crc32 | payload length u32 | id u64 | timestamp i64 | payload
// little-endian, the CRC over everything after it. Records are appended to
// segment files named after the first id they were started for.
//
//   const std::string bytes = EncodeRecord(id, now_ms, payload);
//   DecodedRecord record;
//   if (DecodeRecord(bytes, &record) == RecordCheck::kValid) Use(record.payload);
//   std::optional<uint64_t> first_id = ParseSegmentFileName("seg-00000000000000000001.log");
#ifndef FTEL_AGENT_SPOOL_RECORD_FORMAT_H_
#define FTEL_AGENT_SPOOL_RECORD_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ftel {

inline constexpr char kRecordMagic[] = "FTR1";
inline constexpr size_t kRecordMagicBytes = 4;
// Byte offsets of the header fields.
inline constexpr size_t kRecordCrcOffset = 4;
inline constexpr size_t kRecordLengthOffset = 8;
inline constexpr size_t kRecordIdOffset = 12;
inline constexpr size_t kRecordTimestampOffset = 20;
// What a record takes on disk beyond its payload.
inline constexpr uint64_t kRecordHeaderBytes = 28;
// A longer length field is damage, not a record: a flipped bit in it must
// not make a reader skip (or allocate) gigabytes.
inline constexpr uint32_t kMaxRecordPayloadBytes = 16u << 20;

// What a header says about its record.
struct RecordHeader {
  uint32_t crc = 0;
  uint32_t payload_bytes = 0;
  uint64_t id = 0;
  int64_t timestamp_ms = 0;
};

enum class RecordCheck {
  kValid,
  // Cut off by the end of the bytes: what a power cut mid-append leaves,
  // or a record that a longer read would show whole.
  kTorn,
  // Not a record: wrong magic, impossible length or CRC mismatch.
  kCorrupt,
};

// A whole record; `payload` points into the decoded bytes.
struct DecodedRecord {
  RecordHeader header;
  absl::string_view payload;
  // Header plus payload: where the next record starts.
  uint64_t size = 0;
};

std::string EncodeRecord(uint64_t id, int64_t timestamp_ms, absl::string_view payload);

// The header at the start of `bytes`, checked as far as a header alone can
// be: kTorn if shorter than kRecordHeaderBytes, kCorrupt for a wrong magic or
// a length above kMaxRecordPayloadBytes. The CRC covers the payload too and
// is left to RecordPayloadMatches. `header` is set when kValid.
RecordCheck ParseRecordHeader(absl::string_view bytes, RecordHeader* header);

// Whether `payload` is the one a valid `header` announced (length and CRC).
bool RecordPayloadMatches(const RecordHeader& header, absl::string_view payload);

// The record at the start of `bytes` (which may go on past it), fully
// checked. `record` is set when kValid.
RecordCheck DecodeRecord(absl::string_view bytes, DecodedRecord* record);

// The resync scan over damage: the offset of the first record at or after
// `from` in `bytes` that is valid or torn (whole, it may be valid: the caller
// reads on), skipping everything that cannot be a record; npos if none.
size_t FindNextRecord(absl::string_view bytes, size_t from);

// "seg-<first id, 20 digits>.log".
std::string SegmentFileName(uint64_t first_id);
// The first id of a segment file name; nullopt for any other name.
std::optional<uint64_t> ParseSegmentFileName(absl::string_view name);

}  // namespace ftel

#endif  // FTEL_AGENT_SPOOL_RECORD_FORMAT_H_
