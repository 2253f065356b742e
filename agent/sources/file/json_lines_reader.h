// Follows a JSON-lines file that another system appends to, across
// rotation: each Read returns the complete lines added since the last one
// (a partial last line waits for its newline). A new file under the path
// (another inode) or one cut shorter is read from its start (a file cut and
// written past its old length between two reads looks like one that grew:
// poll more often than the exporter rotates by truncation). The first Read
// starts at the file's end: lines written before the agent started are not
// counted again.
//
//   JsonLinesReader reader(path);
//   absl::StatusOr<std::vector<std::string>> lines = reader.Read();
#ifndef FTEL_AGENT_SOURCES_FILE_JSON_LINES_READER_H_
#define FTEL_AGENT_SOURCES_FILE_JSON_LINES_READER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ftel {

class JsonLinesReader {
 public:
  explicit JsonLinesReader(std::string path) : path_(std::move(path)) {}

  // The new complete lines; an error when the file cannot be read.
  absl::StatusOr<std::vector<std::string>> Read();

 private:
  // Reads at most this much per call; the rest comes next time.
  static constexpr size_t kMaxReadBytes = 4 << 20;
  static constexpr size_t kMaxLineBytes = 1 << 20;

  const std::string path_;
  bool started_ = false;
  ino_t inode_ = 0;
  uint64_t offset_ = 0;
  std::string partial_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_FILE_JSON_LINES_READER_H_
