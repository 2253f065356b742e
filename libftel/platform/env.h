// The filesystem as ftel's durable parts (the agent's spool) see it, behind
// an interface in the manner of leveldb's Env, so that tests can simulate a
// power cut (unsynced bytes vanish) without pulling a plug.
//
//   Env* env = Env::Default();
//   ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f, env->NewAppendableFile(path));
//   RETURN_IF_ERROR(f->Append(bytes));
//   RETURN_IF_ERROR(f->Sync());
//   ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock, env->LockFile(dir + "/LOCK"));
#ifndef FTEL_LIBFTEL_PLATFORM_ENV_H_
#define FTEL_LIBFTEL_PLATFORM_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ftel {

// An open file that only grows. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual absl::Status Append(absl::string_view data) = 0;
  // Returns once everything appended is on stable storage.
  virtual absl::Status Sync() = 0;
};

// An exclusive lock on a file, held until destroyed (or the process ends).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

// Thread-safe. Every error names the path.
class Env {
 public:
  virtual ~Env() = default;

  // The real filesystem (POSIX).
  static Env* Default();

  // Opens `path` for appending, creating it if missing.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) = 0;
  // Up to `length` bytes from `offset`; fewer at the end of the file.
  virtual absl::StatusOr<std::string> ReadAt(const std::string& path, uint64_t offset,
                                             size_t length) = 0;
  virtual absl::StatusOr<uint64_t> FileSize(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`.
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  virtual absl::Status RemoveFile(const std::string& path) = 0;
  virtual absl::Status Truncate(const std::string& path, uint64_t size) = 0;
  // Creates `dir` and its parents.
  virtual absl::Status CreateDirs(const std::string& dir) = 0;
  // Replaces `path` with `contents` so that a crash leaves the old or the new
  // contents, never a mix (write to a temporary, sync, rename).
  virtual absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) = 0;
  // Locks `path` (created if missing) so that no other process, nor another
  // LockFile of this one, can lock it until the returned lock is destroyed:
  // one owner per directory. Errors read "<path>: <reason>";
  // FailedPrecondition "<path>: held by another process" when it is taken,
  // else ErrnoToStatus's codes. The lock must not outlive the Env.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_ENV_H_
