// The `acked` state file's text; see spool_state.h.
#include "agent/spool/spool_state.h"

#include <array>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ftel {

std::string SpoolStateFile::Encode() const {
  return absl::StrCat(watermark, " ", dropped_full, " ", dropped_expired, " ", discarded_corrupt,
                      " ", discarded_torn, " ", dropped_disk_full, " ", dropped_unconfirmed, "\n");
}

absl::StatusOr<SpoolStateFile> SpoolStateFile::Parse(absl::string_view text) {
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ' ', absl::SkipEmpty());
  SpoolStateFile state;
  // Earlier agents wrote fewer numbers, and ignore the later ones.
  const std::array<uint64_t*, 7> values = {&state.watermark,          &state.dropped_full,
                                           &state.dropped_expired,    &state.discarded_corrupt,
                                           &state.discarded_torn,     &state.dropped_disk_full,
                                           &state.dropped_unconfirmed};
  bool valid = !fields.empty();
  for (size_t i = 0; valid && i < fields.size() && i < values.size(); ++i) {
    valid = absl::SimpleAtoi(fields[i], values[i]);
  }
  if (!valid) return absl::DataLossError(absl::StrCat("not a spool state: '", text, "'"));
  return state;
}

bool SpoolStateFile::operator==(const SpoolStateFile& other) const {
  return watermark == other.watermark && dropped_full == other.dropped_full &&
         dropped_expired == other.dropped_expired && discarded_corrupt == other.discarded_corrupt &&
         discarded_torn == other.discarded_torn && dropped_disk_full == other.dropped_disk_full &&
         dropped_unconfirmed == other.dropped_unconfirmed;
}

}  // namespace ftel
