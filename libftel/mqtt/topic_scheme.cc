#include "libftel/mqtt/topic_scheme.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ftel {

std::string TopicScheme::ReportTopic(const std::string& factory_id,
                                     const std::string& node_id) const {
  return absl::StrCat(root_, "/v1/node/", factory_id, "/", node_id, "/report");
}

std::string TopicScheme::StatusTopic(const std::string& factory_id,
                                     const std::string& node_id) const {
  return absl::StrCat(root_, "/v1/node/", factory_id, "/", node_id, "/status");
}

std::string TopicScheme::AllReports() const { return absl::StrCat(root_, "/v1/node/+/+/report"); }

std::string TopicScheme::AllStatuses() const { return absl::StrCat(root_, "/v1/node/+/+/status"); }

std::string TopicScheme::FactoryRatesTopic(const std::string& factory_id,
                                           const std::string& format) const {
  return absl::StrCat(root_, "/v1/", format, "/factory/", factory_id);
}

std::string TopicScheme::GroupRatesTopic(const std::string& kind, const std::string& key,
                                         const std::string& format) const {
  return absl::StrCat(root_, "/v1/", format, "/", kind, "/", key);
}

std::string TopicScheme::FleetRatesTopic(const std::string& format) const {
  return absl::StrCat(root_, "/v1/", format, "/fleet");
}

std::string TopicScheme::SharedReports(const std::string& group) const {
  return absl::StrCat("$share/", group, "/", AllReports());
}

std::string TopicScheme::CommitTopic(const std::string& factory_id,
                                     const std::string& node_id) const {
  return absl::StrCat(root_, "/v1/commit/", factory_id, "/", node_id);
}

std::string TopicScheme::ClusterDeltaTopic(const std::string& member_id) const {
  return absl::StrCat(root_, "/v1/cluster/", member_id, "/delta");
}

std::string TopicScheme::AllClusterDeltas() const {
  return absl::StrCat(root_, "/v1/cluster/+/delta");
}

std::optional<std::string> TopicScheme::ParseClusterDeltaTopic(const std::string& topic) const {
  const std::string prefix = absl::StrCat(root_, "/v1/cluster/");
  const std::string suffix = "/delta";
  if (topic.size() <= prefix.size() + suffix.size() ||
      topic.compare(0, prefix.size(), prefix) != 0 ||
      topic.compare(topic.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  const std::string member =
      topic.substr(prefix.size(), topic.size() - prefix.size() - suffix.size());
  if (member.find('/') != std::string::npos) return std::nullopt;
  return member;
}

std::string TopicScheme::HistoryTopic(const std::string& kind, const std::string& key,
                                      const std::string& granularity) const {
  return absl::StrCat(root_, "/v1/history/", kind, "/", key, "/", granularity);
}

std::optional<NodeTopic> TopicScheme::ParseNodeTopic(const std::string& topic) const {
  const std::string prefix = absl::StrCat(root_, "/v1/node/");
  if (topic.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::vector<std::string> levels = absl::StrSplit(topic.substr(prefix.size()), '/');
  if (levels.size() != 3 || !IsValidId(levels[0]) || !IsValidId(levels[1])) return std::nullopt;
  NodeTopic parsed{levels[0], levels[1], NodeTopicKind::kReport};
  if (levels[2] == "report") return parsed;
  if (levels[2] == "status") {
    parsed.kind = NodeTopicKind::kStatus;
    return parsed;
  }
  return std::nullopt;
}

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 64 || id[0] == '-') return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) return false;
  }
  return true;
}

std::string TopicLevelFor(const std::string& text) {
  std::string level;
  for (char c : text) {
    if (absl::ascii_isalnum(c)) {
      level.push_back(absl::ascii_tolower(c));
    } else if (!level.empty() && level.back() != '-') {
      level.push_back('-');
    }
  }
  while (!level.empty() && level.back() == '-') level.pop_back();
  return level.empty() ? "unknown" : level;
}

}  // namespace ftel
