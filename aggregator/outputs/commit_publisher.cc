#include "aggregator/outputs/commit_publisher.h"

#include "absl/strings/str_cat.h"
#include "ftel/v1/commit.pb.h"
#include "libftel/platform/log.h"

namespace ftel {

CommitPublisher::CommitPublisher(const std::string& topic_root, MqttTransport* transport)
    : topics_(topic_root), transport_(transport) {}

uint64_t CommitPublisher::PublishNode(const FleetState::NodeKey& key, const NodeRecord& node,
                                      int64_t now_ms) {
  v1::NodeCommit commit;
  for (v1::SessionCommit& session : node.commits.Commits()) {
    *commit.add_sessions() = std::move(session);
  }
  if (commit.sessions_size() == 0) return 0;  // nothing processed yet (a status only)
  std::string sessions = commit.SerializeAsString();
  auto it = published_.find(key);
  if (it != published_.end() && it->second == sessions) return 0;
  commit.set_schema_version(1);
  commit.mutable_identity()->set_factory_id(key.first);
  commit.mutable_identity()->set_node_id(key.second);
  commit.set_committed_at_ms(now_ms);
  published_[key] = std::move(sessions);
  const std::string topic = topics_.CommitTopic(key.first, key.second);
  transport_->Publish(
      MqttMessage{topic, commit.SerializeAsString(), 1, true},
      [this, key, topic](absl::Status done) {
        if (done.ok()) return;
        LogWarning(absl::StrCat("publish ", topic, ": ", done.message(), "; will retry"));
        absl::MutexLock lock(&failed_mu_);
        failed_.push_back(key);
      });
  return 1;
}

uint64_t CommitPublisher::Publish(const FleetState& state,
                                  const std::set<FleetState::NodeKey>& saved, int64_t now_ms) {
  // Offered again after the reconnect (OnConnected resets the publisher).
  if (!transport_->IsConnected()) return 0;
  std::vector<FleetState::NodeKey> failed;
  {
    absl::MutexLock lock(&failed_mu_);
    failed.swap(failed_);
  }
  for (const FleetState::NodeKey& key : failed) published_.erase(key);
  uint64_t sent = 0;
  if (offer_all_) {
    published_.clear();
    for (const auto& [key, node] : state.nodes()) sent += PublishNode(key, node, now_ms);
    offer_all_ = false;
    return sent;
  }
  for (const FleetState::NodeKey& key : failed) {
    if (saved.count(key) == 0) sent += PublishNode(key, state.nodes().at(key), now_ms);
  }
  for (const FleetState::NodeKey& key : saved) {
    sent += PublishNode(key, state.nodes().at(key), now_ms);
  }
  return sent;
}

void CommitPublisher::Reset() { offer_all_ = true; }

}  // namespace ftel
