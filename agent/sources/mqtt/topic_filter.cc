#include "agent/sources/mqtt/topic_filter.h"

#include <vector>

#include "absl/strings/str_split.h"

namespace ftel {

std::string TopicFilterProblem(absl::string_view filter) {
  if (filter.empty()) return "must not be empty";
  if (filter.size() > 65535) return "must be at most 65535 bytes";
  if (filter.find('\0') != absl::string_view::npos) return "must not contain NUL";
  const std::vector<absl::string_view> levels = absl::StrSplit(filter, '/');
  for (size_t i = 0; i < levels.size(); ++i) {
    const absl::string_view level = levels[i];
    if (level.find('#') != absl::string_view::npos && (level != "#" || i + 1 != levels.size())) {
      return "may use '#' only as the whole last level";
    }
    if (level.find('+') != absl::string_view::npos && level != "+") {
      return "may use '+' only as a whole level";
    }
  }
  return "";
}

bool TopicFilterMatches(absl::string_view filter, absl::string_view topic) {
  if (!topic.empty() && topic[0] == '$' && !filter.empty() &&
      (filter[0] == '+' || filter[0] == '#')) {
    return false;
  }
  const std::vector<absl::string_view> want = absl::StrSplit(filter, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(topic, '/');
  size_t i = 0;
  for (; i < want.size(); ++i) {
    if (want[i] == "#") return true;
    if (i >= got.size()) return false;
    if (want[i] != "+" && want[i] != got[i]) return false;
  }
  return i == got.size();
}

}  // namespace ftel
