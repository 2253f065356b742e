#include "libftel/platform/log.h"

#include <cstdio>
#include <string>

#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ftel {
namespace {

void Write(const char* level, absl::string_view line) {
  // One line at a time, whichever thread logs.
  ABSL_CONST_INIT static absl::Mutex mu(absl::kConstInit);
  const std::string stamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  absl::MutexLock lock(&mu);
  std::fprintf(stderr, "%s %s %.*s\n", stamp.c_str(), level, static_cast<int>(line.size()),
               line.data());
  std::fflush(stderr);
}

}  // namespace

void LogInfo(absl::string_view line) { Write("INFO", line); }
void LogWarning(absl::string_view line) { Write("WARN", line); }
void LogError(absl::string_view line) { Write("ERROR", line); }

}  // namespace ftel
