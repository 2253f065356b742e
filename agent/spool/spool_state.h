// The spool's small state files, as typed values and pure functions:
// `acked` holds the acknowledged watermark and the lifetime drop and damage
// counts, one line of decimal numbers separated by spaces,
//   "<watermark> <dropped_full> <dropped_expired> <discarded_corrupt> <discarded_torn>
//    <dropped_disk_full> <dropped_unconfirmed>\n"
// and `clean` marks a clean close (present only between Close and the next
// Open; its contents are never read).
//
//   RETURN_IF_ERROR(env->WriteFileAtomically(dir + "/" + kSpoolStateFileName, state.Encode()));
//   ASSIGN_OR_RETURN(SpoolStateFile state, SpoolStateFile::Parse(text));
#ifndef FTEL_AGENT_SPOOL_SPOOL_STATE_H_
#define FTEL_AGENT_SPOOL_SPOOL_STATE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ftel {

inline constexpr char kSpoolStateFileName[] = "acked";
// Five 20-digit numbers fit with room to spare; a reader reads no more.
inline constexpr size_t kSpoolStateMaxBytes = 256;
inline constexpr char kSpoolCleanFileName[] = "clean";
inline constexpr char kSpoolCleanFileContents[] = "clean\n";

struct SpoolStateFile {
  // Every record with an id up to this one is acknowledged.
  uint64_t watermark = 0;
  // SpoolStats' lifetime counts of the same names.
  uint64_t dropped_full = 0;
  uint64_t dropped_expired = 0;
  uint64_t discarded_corrupt = 0;
  uint64_t discarded_torn = 0;
  uint64_t dropped_disk_full = 0;
  uint64_t dropped_unconfirmed = 0;

  std::string Encode() const;
  // Reads what Encode wrote, and what earlier agents wrote: a file with
  // only the watermark (before the counts were kept) has zero counts, one
  // with five or six numbers zero for the later counts, and numbers after
  // the seventh are ignored. DataLoss "not a spool state: '<text>'"
  // for an empty file or a field that is not a decimal u64; the caller adds
  // the path.
  static absl::StatusOr<SpoolStateFile> Parse(absl::string_view text);

  bool operator==(const SpoolStateFile& other) const;
  bool operator!=(const SpoolStateFile& other) const { return !(*this == other); }
};

}  // namespace ftel

#endif  // FTEL_AGENT_SPOOL_SPOOL_STATE_H_
