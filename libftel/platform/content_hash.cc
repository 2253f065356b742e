#include "libftel/platform/content_hash.h"

#include "absl/strings/str_format.h"

namespace ftel {

uint64_t Fnv1a64(absl::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string Fnv1a64Hex(absl::string_view bytes) { return absl::StrFormat("%016x", Fnv1a64(bytes)); }

}  // namespace ftel
