// Collects every problem found in one config file, each naming the file, the
// key and the rule it breaks, so that a user can fix them all in one pass.
//
//   ConfigProblems problems("/etc/ftel/agent.yaml");
//   problems.Add("publish_interval_ms", "must be between 100 and 86400000, got 5");
//   absl::Status s = problems.ToStatus();
//   // InvalidArgument: "/etc/ftel/agent.yaml:7: publish_interval_ms: must be ..."
#ifndef FTEL_LIBFTEL_CONFIG_CONFIG_PROBLEMS_H_
#define FTEL_LIBFTEL_CONFIG_CONFIG_PROBLEMS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace ftel {

struct ConfigProblem {
  std::string file;
  // Dotted path with indices, e.g. "scenarios[2].evidence_source".
  std::string key;
  // The rule broken, in words.
  std::string rule;
  // 1-based line in the file, 0 when unknown.
  int line = 0;

  // "file:line: key: rule" (or "file: key: rule" without a line).
  std::string ToString() const;
};

// Not thread-safe.
class ConfigProblems {
 public:
  explicit ConfigProblems(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  // Remembers where a key was seen, so later semantic problems get a line.
  void RecordLine(const std::string& key, int line) { lines_[key] = line; }

  // Adds a problem; its line is that of the key or of its nearest recorded parent.
  void Add(const std::string& key, const std::string& rule);

  bool empty() const { return problems_.empty(); }
  const std::vector<ConfigProblem>& problems() const { return problems_; }

  // OK when empty, else InvalidArgument listing every problem, one per line.
  absl::Status ToStatus() const;

 private:
  int LineOf(std::string key) const;

  std::string file_;
  std::map<std::string, int> lines_;
  std::vector<ConfigProblem> problems_;
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_CONFIG_CONFIG_PROBLEMS_H_
