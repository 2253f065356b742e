// Stable, dependency-free content hash used for config and catalogue versions.
//
//   std::string version = Fnv1a64Hex(file_bytes);  // "cbf29ce484222325"
#ifndef FTEL_LIBFTEL_PLATFORM_CONTENT_HASH_H_
#define FTEL_LIBFTEL_PLATFORM_CONTENT_HASH_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace ftel {

// FNV-1a, 64 bit. Not cryptographic: it detects drift, not tampering.
uint64_t Fnv1a64(absl::string_view bytes);

// Fnv1a64 as 16 lower-case hex digits.
std::string Fnv1a64Hex(absl::string_view bytes);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_CONTENT_HASH_H_
