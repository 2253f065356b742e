#include "libftel/config/config_problems.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ftel {

std::string ConfigProblem::ToString() const {
  if (line > 0) return absl::StrCat(file, ":", line, ": ", key, ": ", rule);
  return absl::StrCat(file, ": ", key, ": ", rule);
}

void ConfigProblems::Add(const std::string& key, const std::string& rule) {
  problems_.push_back(ConfigProblem{file_, key.empty() ? "(top level)" : key, rule, LineOf(key)});
}

int ConfigProblems::LineOf(std::string key) const {
  while (!key.empty()) {
    auto it = lines_.find(key);
    if (it != lines_.end()) return it->second;
    const size_t cut = key.find_last_of(".[");
    if (cut == std::string::npos) break;
    key.resize(cut);
  }
  return 0;
}

absl::Status ConfigProblems::ToStatus() const {
  if (problems_.empty()) return absl::OkStatus();
  std::vector<std::string> lines;
  lines.reserve(problems_.size());
  for (const ConfigProblem& problem : problems_) lines.push_back(problem.ToString());
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

}  // namespace ftel
