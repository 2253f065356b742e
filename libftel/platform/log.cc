#include "libftel/platform/log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ftel {
namespace {

void Write(const char* level, absl::string_view line) {
  static std::mutex mu;
  const std::string stamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(stderr, "%s %s %.*s\n", stamp.c_str(), level, static_cast<int>(line.size()),
               line.data());
  std::fflush(stderr);
}

}  // namespace

void LogInfo(absl::string_view line) { Write("INFO", line); }
void LogWarning(absl::string_view line) { Write("WARN", line); }
void LogError(absl::string_view line) { Write("ERROR", line); }

}  // namespace ftel
