#include "agent/sources/file/json_lines_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ftel {

absl::StatusOr<std::vector<std::string>> JsonLinesReader::Read() {
  const int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return absl::UnavailableError(absl::StrCat("cannot read ", path_, ": ", strerror(errno)));
  struct stat info;
  if (fstat(fd, &info) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot stat ", path_, ": ", strerror(errno)));
  }
  const uint64_t size = static_cast<uint64_t>(info.st_size);
  if (!started_) {
    started_ = true;
    inode_ = info.st_ino;
    offset_ = size;
  } else if (info.st_ino != inode_ || size < offset_) {
    inode_ = info.st_ino;  // rotated or truncated: a new file
    offset_ = 0;
    partial_.clear();
  }
  std::vector<std::string> lines;
  const uint64_t want = std::min<uint64_t>(size - offset_, kMaxReadBytes);
  std::string data(want, '\0');
  size_t got = 0;
  while (got < want) {
    const ssize_t n = pread(fd, data.data() + got, want - got, static_cast<off_t>(offset_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  data.resize(got);
  offset_ += got;
  partial_ += data;
  size_t start = 0;
  for (size_t newline = partial_.find('\n'); newline != std::string::npos;
       newline = partial_.find('\n', start)) {
    if (newline > start) lines.push_back(partial_.substr(start, newline - start));
    start = newline + 1;
  }
  partial_.erase(0, start);
  if (partial_.size() > kMaxLineBytes) {
    partial_.clear();
    return absl::DataLossError(
        absl::StrCat(path_, ": a line longer than ", kMaxLineBytes, " bytes, dropped"));
  }
  return lines;
}

}  // namespace ftel
