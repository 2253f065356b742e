// One-line logs to stderr with a UTC timestamp and level, which journald and
// docker both collect as they are.
//
//   LogInfo(absl::StrCat("connected to ", uri));
#ifndef FTEL_LIBFTEL_PLATFORM_LOG_H_
#define FTEL_LIBFTEL_PLATFORM_LOG_H_

#include "absl/strings/string_view.h"

namespace ftel {

void LogInfo(absl::string_view line);
void LogWarning(absl::string_view line);
void LogError(absl::string_view line);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_LOG_H_
