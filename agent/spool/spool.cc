// Spool::Open: checks the options and recovers a DiskSpool.
#include "agent/spool/spool.h"

#include "agent/spool/disk_spool.h"
#include "agent/spool/record_format.h"
#include "libftel/platform/status_macros.h"

namespace ftel {

absl::StatusOr<std::unique_ptr<Spool>> Spool::Open(Env* env, const Clock* clock,
                                                   SpoolOptions options) {
  if (options.segment_bytes < kRecordHeaderBytes + 1 ||
      options.segment_bytes > options.max_bytes / 2) {
    return absl::InvalidArgumentError("spool segment_bytes must be at most max_bytes / 2");
  }
  auto spool = std::make_unique<DiskSpool>(env, clock, std::move(options));
  RETURN_IF_ERROR(spool->Recover());
  return std::unique_ptr<Spool>(std::move(spool));
}

}  // namespace ftel
