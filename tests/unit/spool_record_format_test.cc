// The spool's record layout and segment file names, without a spool.
#include <cstdint>
#include <limits>
#include <string>

#include "agent/spool/record_format.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

// A record as today's spools hold it on disk: magic, CRC-32 of what follows
// it, length 3, id 0x0102030405060708, timestamp 1700000000000, "abc".
const std::string kGoldenRecord(
    "FTR1"
    "\xdc\xf9\x7c\xa6"
    "\x03\x00\x00\x00"
    "\x08\x07\x06\x05\x04\x03\x02\x01"
    "\x00\x68\xe5\xcf\x8b\x01\x00\x00"
    "abc",
    31);

TEST(SpoolRecordFormat, EncodesTheLayoutOnDisk) {
  EXPECT_EQ(EncodeRecord(0x0102030405060708, 1700000000000, "abc"), kGoldenRecord);
}

TEST(SpoolRecordFormat, DecodesWhatWasEncoded) {
  const std::string payload = "report-7-payload";
  const std::string bytes = EncodeRecord(7, -5, payload);
  DecodedRecord record;
  ASSERT_EQ(DecodeRecord(bytes, &record), RecordCheck::kValid);
  EXPECT_EQ(record.header.id, 7u);
  EXPECT_EQ(record.header.timestamp_ms, -5);
  EXPECT_EQ(record.header.payload_bytes, payload.size());
  EXPECT_EQ(record.payload, payload);
  EXPECT_EQ(record.size, kRecordHeaderBytes + payload.size());
}

TEST(SpoolRecordFormat, DecodesARecordFollowedByMore) {
  const std::string bytes = EncodeRecord(1, 10, "first") + EncodeRecord(2, 20, "second");
  DecodedRecord first;
  ASSERT_EQ(DecodeRecord(bytes, &first), RecordCheck::kValid);
  EXPECT_EQ(first.payload, "first");
  DecodedRecord second;
  ASSERT_EQ(DecodeRecord(absl::string_view(bytes).substr(first.size), &second),
            RecordCheck::kValid);
  EXPECT_EQ(second.header.id, 2u);
  EXPECT_EQ(second.payload, "second");
}

TEST(SpoolRecordFormat, EmptyPayloadIsARecord) {
  DecodedRecord record;
  ASSERT_EQ(DecodeRecord(EncodeRecord(3, 4, ""), &record), RecordCheck::kValid);
  EXPECT_EQ(record.size, kRecordHeaderBytes);
  EXPECT_TRUE(record.payload.empty());
}

TEST(SpoolRecordFormat, AFlippedBitInAnyByteIsCorrupt) {
  const std::string record = EncodeRecord(0x0102030405060708, 1700000000000, "payload bytes");
  // What follows in a segment, so that a damaged length (up to 2^16 longer)
  // is judged by the CRC rather than by running out of bytes.
  const std::string rest(70000, '\0');
  for (size_t at = 0; at < record.size(); ++at) {
    std::string damaged = record + rest;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x01);
    DecodedRecord decoded;
    EXPECT_EQ(DecodeRecord(damaged, &decoded), RecordCheck::kCorrupt) << "byte " << at;
  }
}

TEST(SpoolRecordFormat, ALengthPastTheEndReadsAsTorn) {
  // A reader cannot tell a damaged length from a record cut short.
  std::string damaged = EncodeRecord(1, 1, "payload");
  damaged[kRecordLengthOffset + 1] = 0x01;
  DecodedRecord decoded;
  EXPECT_EQ(DecodeRecord(damaged, &decoded), RecordCheck::kTorn);
}

TEST(SpoolRecordFormat, HeaderAloneRejectsAWrongMagicAndAnImpossibleLength) {
  const std::string record = EncodeRecord(9, 9, "x");
  RecordHeader header;
  ASSERT_EQ(ParseRecordHeader(record, &header), RecordCheck::kValid);
  EXPECT_EQ(header.id, 9u);
  EXPECT_EQ(header.payload_bytes, 1u);

  std::string wrong_magic = record;
  wrong_magic[3] = '2';
  EXPECT_EQ(ParseRecordHeader(wrong_magic, &header), RecordCheck::kCorrupt);

  std::string too_long = record;
  const uint32_t length = kMaxRecordPayloadBytes + 1;
  for (int i = 0; i < 4; ++i) {
    too_long[kRecordLengthOffset + static_cast<size_t>(i)] =
        static_cast<char>((length >> (8 * i)) & 0xFF);
  }
  EXPECT_EQ(ParseRecordHeader(too_long, &header), RecordCheck::kCorrupt);
}

TEST(SpoolRecordFormat, AShortTailIsTorn) {
  const std::string record = EncodeRecord(5, 5, "a payload cut by a power cut");
  for (size_t length = 0; length < record.size(); ++length) {
    DecodedRecord decoded;
    EXPECT_EQ(DecodeRecord(record.substr(0, length), &decoded), RecordCheck::kTorn)
        << length << " bytes";
  }
  RecordHeader header;
  EXPECT_EQ(ParseRecordHeader(record.substr(0, kRecordHeaderBytes - 1), &header),
            RecordCheck::kTorn);
  EXPECT_EQ(ParseRecordHeader(record.substr(0, kRecordHeaderBytes), &header), RecordCheck::kValid);
}

TEST(SpoolRecordFormat, ResyncFindsTheNextRecordAfterGarbage) {
  // Garbage with two magics in it: one before an impossible length, one
  // before a header whose CRC does not hold.
  std::string garbage = "\x01\x02 no record here FTR1" + std::string(40, 'z');
  std::string bad_crc = EncodeRecord(41, 1, "lost");
  bad_crc.back() ^= 0x20;
  garbage += bad_crc;
  const std::string bytes = garbage + EncodeRecord(42, 1, "found") + EncodeRecord(43, 2, "next");
  const size_t found = FindNextRecord(bytes, 0);
  ASSERT_EQ(found, garbage.size());
  DecodedRecord record;
  ASSERT_EQ(DecodeRecord(absl::string_view(bytes).substr(found), &record), RecordCheck::kValid);
  EXPECT_EQ(record.header.id, 42u);
  // From inside a record, the scan moves on to the next one.
  EXPECT_EQ(FindNextRecord(bytes, found + 1), found + record.size);
  EXPECT_EQ(FindNextRecord(bytes, found), found);
}

TEST(SpoolRecordFormat, ResyncStopsAtACutRecordAndFindsNothingInGarbage) {
  const std::string garbage = "garbage FTR1" + std::string(30, 'z');
  EXPECT_EQ(FindNextRecord(garbage, 0), absl::string_view::npos);
  EXPECT_EQ(FindNextRecord("", 0), absl::string_view::npos);
  // A record cut by the end of the bytes may be whole on disk: it is a hit,
  // and the reader decides with more bytes.
  const std::string cut = garbage + EncodeRecord(1, 1, "payload").substr(0, 20);
  EXPECT_EQ(FindNextRecord(cut, 0), garbage.size());
  EXPECT_EQ(FindNextRecord(cut, garbage.size() + 1), absl::string_view::npos);
}

TEST(SpoolRecordFormat, SegmentFileNamesRoundTrip) {
  EXPECT_EQ(SegmentFileName(1), "seg-00000000000000000001.log");
  EXPECT_EQ(ParseSegmentFileName("seg-00000000000000000001.log"), 1u);
  EXPECT_EQ(ParseSegmentFileName("seg-00000000000000000000.log"), 0u);
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(SegmentFileName(kMax), "seg-18446744073709551615.log");
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(kMax)), kMax);
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(1234567)), 1234567u);
}

TEST(SpoolRecordFormat, OtherFileNamesAreNotSegments) {
  for (const char* name : {
           "", "acked", "acked.tmp", "clean", "LOCK", "session", "seg-1.log",
           "seg-00000000000000000001.log.tmp", "seg-00000000000000000001.txt",
           "SEG-00000000000000000001.log", "set-00000000000000000001.log",
           "seg-0000000000000000000x.log", "seg-+0000000000000000001.log",
           "seg- 0000000000000000001.log", "seg-0000000000000000001 .log",
           "seg-99999999999999999999.log",  // above 2^64 - 1
       }) {
    EXPECT_EQ(ParseSegmentFileName(name), std::nullopt) << "'" << name << "'";
  }
}

}  // namespace
}  // namespace ftel
