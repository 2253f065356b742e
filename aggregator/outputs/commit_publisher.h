// Publishes the aggregator's end-to-end commits (proto/ftel/v1/commit.proto):
// after the state store saved a batch, one retained NodeCommit per saved
// node whose watermarks moved, on {root}/v1/commit/{factory_id}/{node_id}.
// An agent deletes a spooled report only once a commit covers it, so a
// commit must never run ahead of what is on disk: the caller publishes only
// what the store has saved.
//
//   std::set<FleetState::NodeKey> saved = ...;  // saved just now
//   commits.Publish(state, saved, clock.NowMs());
#ifndef FTEL_AGGREGATOR_OUTPUTS_COMMIT_PUBLISHER_H_
#define FTEL_AGGREGATOR_OUTPUTS_COMMIT_PUBLISHER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "aggregator/state/fleet_state.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"

namespace ftel {

// Used by the aggregator's processing thread; the transport's completion
// callbacks only record failures.
class CommitPublisher {
 public:
  // `transport` is borrowed and must outlive the publisher.
  CommitPublisher(const std::string& topic_root, MqttTransport* transport);

  // Publishes the commits of `saved` nodes that changed, and again those
  // whose publish failed or that a Reset left unconfirmed. Returns the
  // number of messages handed to the transport.
  uint64_t Publish(const FleetState& state, const std::set<FleetState::NodeKey>& saved,
                   int64_t now_ms);
  // After a reconnect: every node's commit is offered again at the next
  // Publish, in case the broker lost the retained ones.
  void Reset();

 private:
  uint64_t PublishNode(const FleetState::NodeKey& key, const NodeRecord& node, int64_t now_ms);

  const TopicScheme topics_;
  MqttTransport* const transport_;
  // The sessions last published per node, serialised.
  std::map<FleetState::NodeKey, std::string> published_;
  bool offer_all_ = true;

  absl::Mutex failed_mu_;
  std::vector<FleetState::NodeKey> failed_ ABSL_GUARDED_BY(failed_mu_);
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_COMMIT_PUBLISHER_H_
