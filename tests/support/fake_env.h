// An in-memory Env that remembers which bytes were synced, so a test can cut
// the power (Crash) and see what a real disk would have kept. Its file locks
// are a set of held paths, as if each LockFile came from another process.
#ifndef FTEL_TESTS_SUPPORT_FAKE_ENV_H_
#define FTEL_TESTS_SUPPORT_FAKE_ENV_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "libftel/platform/env.h"

namespace ftel {

class FakeEnv : public Env {
 public:
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  absl::StatusOr<std::string> ReadAt(const std::string& path, uint64_t offset,
                                     size_t length) override;
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override;
  absl::Status RemoveFile(const std::string& path) override;
  absl::Status Truncate(const std::string& path, uint64_t size) override;
  absl::Status CreateDirs(const std::string& dir) override;
  absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) override;
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  // Power cut: every file loses what was appended after its last Sync.
  void Crash();
  // A disk of `bytes` (all files together; nullopt: unbounded). A write that
  // does not fit writes what fits and fails with ResourceExhausted (ENOSPC);
  // an atomic replace that does not fit fails whole.
  void SetCapacity(std::optional<uint64_t> bytes);
  // Direct access for damaging files in tests.
  std::string Contents(const std::string& path);
  void SetContents(const std::string& path, const std::string& contents);
  // Total bytes ever synced (to check an fsync policy).
  uint64_t syncs() const;
  // Calls to ReadAt so far (each is a system call on a real disk).
  uint64_t reads() const;

 private:
  struct File {
    std::string data;
    size_t synced = 0;
  };
  friend class FakeWritableFile;
  friend class FakeFileLock;

  mutable std::mutex mu_;
  std::map<std::string, File> files_;
  std::set<std::string> locked_;
  uint64_t syncs_ = 0;
  std::optional<uint64_t> capacity_;
  uint64_t FreeBytesLocked() const;
  uint64_t reads_ = 0;
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_FAKE_ENV_H_
