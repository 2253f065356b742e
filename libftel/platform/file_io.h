// Whole-file reads with errors that name the path.
#ifndef FTEL_LIBFTEL_PLATFORM_FILE_IO_H_
#define FTEL_LIBFTEL_PLATFORM_FILE_IO_H_

#include <string>

#include "absl/status/statusor.h"

namespace ftel {

// Reads the whole file. NotFound / PermissionDenied / Internal name the path;
// ResourceExhausted when it is larger than `max_bytes`.
absl::StatusOr<std::string> ReadFileToString(const std::string& path,
                                             size_t max_bytes = std::string::npos);

// "context: strerror(err)" with the status code that fits errno `err`
// (NotFound, PermissionDenied, ResourceExhausted, else Internal).
absl::Status ErrnoToStatus(const std::string& context, int err);

// Directory part of a path ("." for a bare file name).
std::string DirName(const std::string& path);

// `path` if absolute, else `base_dir`/`path`.
std::string ResolveRelativeTo(const std::string& base_dir, const std::string& path);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_FILE_IO_H_
