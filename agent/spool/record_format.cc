// The spool record layout and segment file names; see record_format.h.
#include "agent/spool/record_format.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libftel/platform/crc32.h"

namespace ftel {
namespace {

static_assert(kRecordHeaderBytes == kRecordTimestampOffset + 8,
              "magic, CRC, length, id, timestamp");

constexpr absl::string_view kSegmentPrefix = "seg-";
constexpr absl::string_view kSegmentSuffix = ".log";
constexpr size_t kSegmentIdDigits = 20;

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

// The header bytes after the CRC, which the CRC covers before the payload.
std::string CoveredHeader(uint64_t payload_bytes, uint64_t id, int64_t timestamp_ms) {
  std::string covered;
  PutFixed(&covered, payload_bytes, 4);
  PutFixed(&covered, id, 8);
  PutFixed(&covered, static_cast<uint64_t>(timestamp_ms), 8);
  return covered;
}

}  // namespace

std::string EncodeRecord(uint64_t id, int64_t timestamp_ms, absl::string_view payload) {
  const std::string covered = CoveredHeader(payload.size(), id, timestamp_ms);
  std::string record(kRecordMagic, kRecordMagicBytes);
  PutFixed(&record, Crc32(payload, Crc32(covered)), 4);
  record += covered;
  record.append(payload.data(), payload.size());
  return record;
}

RecordCheck ParseRecordHeader(absl::string_view bytes, RecordHeader* header) {
  if (bytes.size() < kRecordHeaderBytes) return RecordCheck::kTorn;
  if (bytes.substr(0, kRecordMagicBytes) != absl::string_view(kRecordMagic, kRecordMagicBytes)) {
    return RecordCheck::kCorrupt;
  }
  const uint64_t payload_bytes = GetFixed(bytes, kRecordLengthOffset, 4);
  if (payload_bytes > kMaxRecordPayloadBytes) return RecordCheck::kCorrupt;
  header->crc = static_cast<uint32_t>(GetFixed(bytes, kRecordCrcOffset, 4));
  header->payload_bytes = static_cast<uint32_t>(payload_bytes);
  header->id = GetFixed(bytes, kRecordIdOffset, 8);
  header->timestamp_ms = static_cast<int64_t>(GetFixed(bytes, kRecordTimestampOffset, 8));
  return RecordCheck::kValid;
}

bool RecordPayloadMatches(const RecordHeader& header, absl::string_view payload) {
  return payload.size() == header.payload_bytes &&
         Crc32(payload, Crc32(CoveredHeader(header.payload_bytes, header.id,
                                            header.timestamp_ms))) == header.crc;
}

RecordCheck DecodeRecord(absl::string_view bytes, DecodedRecord* record) {
  RecordHeader header;
  const RecordCheck check = ParseRecordHeader(bytes, &header);
  if (check != RecordCheck::kValid) return check;
  const uint64_t size = kRecordHeaderBytes + header.payload_bytes;
  if (bytes.size() < size) return RecordCheck::kTorn;
  const absl::string_view payload = bytes.substr(kRecordHeaderBytes, header.payload_bytes);
  if (!RecordPayloadMatches(header, payload)) return RecordCheck::kCorrupt;
  record->header = header;
  record->payload = payload;
  record->size = size;
  return RecordCheck::kValid;
}

size_t FindNextRecord(absl::string_view bytes, size_t from) {
  const absl::string_view magic(kRecordMagic, kRecordMagicBytes);
  for (size_t at = bytes.find(magic, from); at != absl::string_view::npos;
       at = bytes.find(magic, at + 1)) {
    DecodedRecord record;
    if (DecodeRecord(bytes.substr(at), &record) != RecordCheck::kCorrupt) return at;
  }
  return absl::string_view::npos;
}

std::string SegmentFileName(uint64_t first_id) {
  static_assert(kSegmentIdDigits == 20, "absl::kZeroPad20");
  return absl::StrCat(kSegmentPrefix, absl::Dec(first_id, absl::kZeroPad20), kSegmentSuffix);
}

std::optional<uint64_t> ParseSegmentFileName(absl::string_view name) {
  if (name.size() != kSegmentPrefix.size() + kSegmentIdDigits + kSegmentSuffix.size() ||
      name.substr(0, kSegmentPrefix.size()) != kSegmentPrefix ||
      name.substr(kSegmentPrefix.size() + kSegmentIdDigits) != kSegmentSuffix) {
    return std::nullopt;
  }
  const absl::string_view digits = name.substr(kSegmentPrefix.size(), kSegmentIdDigits);
  uint64_t first_id = 0;
  if (!std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &first_id)) {
    return std::nullopt;
  }
  return first_id;
}

}  // namespace ftel
