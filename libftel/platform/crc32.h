// CRC-32 (IEEE 802.3, as zlib), to detect torn and corrupted spool records.
//
//   uint32_t crc = Crc32(bytes);
//   crc = Crc32(more, crc);  // continues over concatenated data
#ifndef FTEL_LIBFTEL_PLATFORM_CRC32_H_
#define FTEL_LIBFTEL_PLATFORM_CRC32_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace ftel {

uint32_t Crc32(absl::string_view data, uint32_t previous = 0);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_CRC32_H_
