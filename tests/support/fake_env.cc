#include "tests/support/fake_env.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ftel {

class FakeWritableFile : public WritableFile {
 public:
  FakeWritableFile(FakeEnv* env, std::string path) : env_(env), path_(std::move(path)) {}

  absl::Status Append(absl::string_view data) override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    auto it = env_->files_.find(path_);
    if (it == env_->files_.end()) return absl::NotFoundError(path_ + ": removed");
    const uint64_t free = env_->FreeBytesLocked();
    if (data.size() > free) {
      // As write(2) on a full disk: what fits is written, then ENOSPC.
      it->second.data.append(data.data(), free);
      return absl::ResourceExhaustedError(path_ + ": No space left on device");
    }
    it->second.data.append(data.data(), data.size());
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    auto it = env_->files_.find(path_);
    if (it != env_->files_.end()) it->second.synced = it->second.data.size();
    ++env_->syncs_;
    return absl::OkStatus();
  }

 private:
  FakeEnv* env_;
  std::string path_;
};

class FakeFileLock : public FileLock {
 public:
  FakeFileLock(FakeEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  ~FakeFileLock() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    env_->locked_.erase(path_);
  }

 private:
  FakeEnv* env_;
  std::string path_;
};

absl::StatusOr<std::unique_ptr<WritableFile>> FakeEnv::NewAppendableFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path];  // creates it empty if missing
  return std::unique_ptr<WritableFile>(new FakeWritableFile(this, path));
}

absl::StatusOr<std::string> FakeEnv::ReadAt(const std::string& path, uint64_t offset,
                                            size_t length) {
  std::lock_guard<std::mutex> lock(mu_);
  ++reads_;
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(path);
  if (offset >= it->second.data.size()) return std::string();
  return it->second.data.substr(offset, length);
}

absl::StatusOr<uint64_t> FakeEnv::FileSize(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(path);
  return it->second.data.size();
}

bool FakeEnv::FileExists(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return files_.count(path) > 0;
}

absl::StatusOr<std::vector<std::string>> FakeEnv::ListDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  const std::string prefix = dir + "/";
  for (const auto& entry : files_) {
    if (absl::StartsWith(entry.first, prefix) &&
        entry.first.find('/', prefix.size()) == std::string::npos) {
      names.push_back(entry.first.substr(prefix.size()));
    }
  }
  return names;
}

absl::Status FakeEnv::RemoveFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (files_.erase(path) == 0) return absl::NotFoundError(path);
  return absl::OkStatus();
}

absl::Status FakeEnv::Truncate(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(path);
  it->second.data.resize(size);
  it->second.synced = std::min<size_t>(it->second.synced, size);
  return absl::OkStatus();
}

absl::Status FakeEnv::CreateDirs(const std::string&) { return absl::OkStatus(); }

absl::Status FakeEnv::WriteFileAtomically(const std::string& path, absl::string_view contents) {
  std::lock_guard<std::mutex> lock(mu_);
  // The temporary is written whole before the rename frees the old file.
  if (contents.size() > FreeBytesLocked()) {
    return absl::ResourceExhaustedError(path + ".tmp: No space left on device");
  }
  File& file = files_[path];
  file.data = std::string(contents);
  file.synced = file.data.size();
  ++syncs_;
  return absl::OkStatus();
}

void FakeEnv::SetCapacity(std::optional<uint64_t> bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  capacity_ = bytes;
}

uint64_t FakeEnv::FreeBytesLocked() const {
  if (!capacity_.has_value()) return UINT64_MAX;
  uint64_t used = 0;
  for (const auto& [path, file] : files_) used += file.data.size();
  return used >= *capacity_ ? 0 : *capacity_ - used;
}

absl::StatusOr<std::unique_ptr<FileLock>> FakeEnv::LockFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!locked_.insert(path).second) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": held by another process"));
  }
  files_[path];  // the lock file is created if missing, as on a real disk
  return std::unique_ptr<FileLock>(new FakeFileLock(this, path));
}

void FakeEnv::Crash() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& entry : files_) entry.second.data.resize(entry.second.synced);
}

std::string FakeEnv::Contents(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return files_[path].data;
}

void FakeEnv::SetContents(const std::string& path, const std::string& contents) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path].data = contents;
  files_[path].synced = contents.size();
}

uint64_t FakeEnv::syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return syncs_;
}

uint64_t FakeEnv::reads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reads_;
}

}  // namespace ftel
