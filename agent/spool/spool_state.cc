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
                      " ", discarded_torn, " ", dropped_disk_full, "\n");
}

absl::StatusOr<SpoolStateFile> SpoolStateFile::Parse(absl::string_view text) {
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ' ', absl::SkipEmpty());
  SpoolStateFile state;
  // Agents before dropped_disk_full wrote five numbers; they ignore a sixth.
  const std::array<uint64_t*, 6> values = {&state.watermark,       &state.dropped_full,
                                           &state.dropped_expired, &state.discarded_corrupt,
                                           &state.discarded_torn,  &state.dropped_disk_full};
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
         discarded_torn == other.discarded_torn && dropped_disk_full == other.dropped_disk_full;
}

}  // namespace ftel
