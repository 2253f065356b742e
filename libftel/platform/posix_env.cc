// Env::Default(): the POSIX filesystem.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libftel/platform/env.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override { close(fd_); }

  absl::Status Append(absl::string_view data) override {
    while (!data.empty()) {
      const ssize_t n = write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus(absl::StrCat("write ", path_), errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    if (fdatasync(fd_) != 0) return ErrnoToStatus(absl::StrCat("fdatasync ", path_), errno);
    return absl::OkStatus();
  }

 private:
  const std::string path_;
  const int fd_;
};

// flock(2): per open file description, so that a second LockFile in the
// same process is refused too, and released by close() or process exit.
class PosixFileLock : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { close(fd_); }

 private:
  const int fd_;
};

class PosixEnv : public Env {
 public:
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) return ErrnoToStatus(absl::StrCat("open ", path), errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }

  ~PosixEnv() override {
    for (const auto& entry : open_) close(entry.second);
  }

  absl::StatusOr<std::string> ReadAt(const std::string& path, uint64_t offset,
                                     size_t length) override {
    const int fd = ReaderFd(path);
    if (fd < 0) return ErrnoToStatus(absl::StrCat("open ", path), errno);
    std::string data(length, '\0');
    size_t done = 0;
    while (done < length) {
      const ssize_t n =
          pread(fd, data.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus(absl::StrCat("read ", path), errno);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    data.resize(done);
    return data;
  }

  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return ErrnoToStatus(absl::StrCat("stat ", path), errno);
    return static_cast<uint64_t>(st.st_size);
  }

  bool FileExists(const std::string& path) override { return access(path.c_str(), F_OK) == 0; }

  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return ErrnoToStatus(absl::StrCat("opendir ", dir), errno);
    std::vector<std::string> names;
    errno = 0;
    while (dirent* entry = readdir(d)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    const int err = errno;
    closedir(d);
    // readdir() returns null both at the end and on error; only errno tells.
    if (err != 0) return ErrnoToStatus(absl::StrCat("readdir ", dir), err);
    return names;
  }

  absl::Status RemoveFile(const std::string& path) override {
    Forget(path);
    if (unlink(path.c_str()) != 0) return ErrnoToStatus(absl::StrCat("unlink ", path), errno);
    return absl::OkStatus();
  }

  absl::Status Truncate(const std::string& path, uint64_t size) override {
    if (truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return ErrnoToStatus(absl::StrCat("truncate ", path), errno);
    }
    return absl::OkStatus();
  }

  absl::Status CreateDirs(const std::string& dir) override {
    for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
      const std::string part = dir.substr(0, slash);
      if (mkdir(part.c_str(), 0750) != 0 && errno != EEXIST) {
        return ErrnoToStatus(absl::StrCat("mkdir ", part), errno);
      }
      if (slash == std::string::npos) break;
    }
    return absl::OkStatus();
  }

  absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) override {
    const std::string temp = path + ".tmp";
    {
      const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
      if (fd < 0) return ErrnoToStatus(absl::StrCat("open ", temp), errno);
      PosixWritableFile file(temp, fd);
      RETURN_IF_ERROR(file.Append(contents));
      RETURN_IF_ERROR(file.Sync());
    }
    Forget(path);
    if (rename(temp.c_str(), path.c_str()) != 0) {
      return ErrnoToStatus(absl::StrCat("rename ", temp, " to ", path), errno);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return ErrnoToStatus(path, errno);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      close(fd);
      if (err == EWOULDBLOCK) {
        return absl::FailedPreconditionError(absl::StrCat(path, ": held by another process"));
      }
      return ErrnoToStatus(path, err);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(fd));
  }

 private:
  // Readers stay open between calls: the spool reads record by record, and
  // an open() per read would cost more than the read. pread() on a shared
  // descriptor is thread-safe; the few most recent files are kept.
  int ReaderFd(const std::string& path) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (it->first == path) {
        open_.splice(open_.begin(), open_, it);
        return it->second;
      }
    }
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fd;
    open_.emplace_front(path, fd);
    if (open_.size() > kOpenReaders) {
      close(open_.back().second);
      open_.pop_back();
    }
    return fd;
  }

  // A removed or replaced file must not be read through an old descriptor.
  void Forget(const std::string& path) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (it->first == path) {
        close(it->second);
        open_.erase(it);
        return;
      }
    }
  }

  static constexpr size_t kOpenReaders = 8;
  absl::Mutex mu_;
  std::list<std::pair<std::string, int>> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

Env* Env::Default() {
  static Env* env = new PosixEnv();
  return env;
}

}  // namespace ftel
