#include "bench/load_generator/synthetic_nodes.h"

#include "absl/strings/str_cat.h"
#include "bench/synthetic/random_draw.h"

namespace ftel {

std::vector<SyntheticNode> MakeNodes(const std::vector<SyntheticFactory>& fleet,
                                     int nodes_per_factory, int interval_ms,
                                     const TopicScheme& topics, uint64_t session_salt) {
  std::vector<SyntheticNode> nodes;
  const int64_t total = static_cast<int64_t>(fleet.size()) * nodes_per_factory;
  nodes.reserve(static_cast<size_t>(total));
  for (size_t f = 0; f < fleet.size(); ++f) {
    const std::string& factory_id = fleet[f].profile.factory_id;
    for (int j = 0; j < nodes_per_factory; ++j) {
      const int64_t index = static_cast<int64_t>(nodes.size());
      SyntheticNode& node = nodes.emplace_back();
      node.factory = static_cast<int>(f);
      node.node = j;
      node.node_id = absl::StrCat("edge-", j + 1);
      // Mix64 is a bijection: distinct indices give distinct ids.
      node.session_id = Mix64(session_salt + static_cast<uint64_t>(index));
      if (node.session_id == 0) node.session_id = 1;
      node.phase_ms = index * interval_ms / total;
      node.report_topic = topics.ReportTopic(factory_id, node.node_id);
      node.status_topic = topics.StatusTopic(factory_id, node.node_id);
      node.commit_topic = topics.CommitTopic(factory_id, node.node_id);
    }
  }
  return nodes;
}

}  // namespace ftel
