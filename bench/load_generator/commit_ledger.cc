#include "bench/load_generator/commit_ledger.h"

#include "ftel/v1/commit.pb.h"

namespace ftel {

CommitLedger::CommitLedger(const std::vector<SyntheticNode>& nodes)
    : nodes_(nodes), through_(new std::atomic<uint64_t>[nodes.size()]) {
  by_topic_.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    by_topic_.emplace(nodes[i].commit_topic, i);
    through_[i].store(0);
  }
}

bool CommitLedger::OnCommit(const MqttMessage& message) {
  auto found = by_topic_.find(message.topic);
  if (found == by_topic_.end()) return false;
  const SyntheticNode& node = nodes_[found->second];
  v1::NodeCommit commit;
  // As the agent checks its commits: decodable, version 1, about this node.
  if (!commit.ParseFromString(message.payload) || commit.schema_version() != 1 ||
      commit.identity().node_id() != node.node_id) {
    return false;
  }
  for (const v1::SessionCommit& session : commit.sessions()) {
    if (session.session_id() != node.session_id) continue;
    // A commit never goes back (an older retained one may arrive late).
    std::atomic<uint64_t>& through = through_[found->second];
    uint64_t seen = through.load(std::memory_order_relaxed);
    while (session.through_sequence() > seen &&
           !through.compare_exchange_weak(seen, session.through_sequence())) {
    }
    return true;
  }
  return false;
}

uint64_t CommitLedger::Committed() const {
  uint64_t sum = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) sum += through(i);
  return sum;
}

}  // namespace ftel
