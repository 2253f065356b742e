// What the aggregator committed of each synthetic node's session, from the
// retained commits it publishes (proto/ftel/v1/commit.proto), as an agent
// follows its own: the generator stamps uncommitted_from and the spool
// figures of its health from it, and counts at the end how many of the
// acknowledged reports an aggregator durably applied.
//
//   CommitLedger ledger(nodes);
//   transport->SetMessageHandler([&](MqttMessage m) { ledger.OnCommit(m); });
//   transport->Subscribe(topics.CommitTopic("+", "+"), 1);
#ifndef FTEL_BENCH_LOAD_GENERATOR_COMMIT_LEDGER_H_
#define FTEL_BENCH_LOAD_GENERATOR_COMMIT_LEDGER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/load_generator/synthetic_nodes.h"
#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

// Thread-safe: commits arrive on the transport's thread, readers are the
// publishing threads.
class CommitLedger {
 public:
  // `nodes` is borrowed and must outlive the ledger.
  explicit CommitLedger(const std::vector<SyntheticNode>& nodes);

  // Takes a commit for one of the nodes' sessions; returns false for any
  // other message (another topic, another node or session, not a commit).
  bool OnCommit(const MqttMessage& message);

  // The node's session is committed through this sequence (0: nothing yet).
  uint64_t through(size_t node) const { return through_[node].load(std::memory_order_relaxed); }
  // Sum over the nodes: reports committed.
  uint64_t Committed() const;

 private:
  const std::vector<SyntheticNode>& nodes_;
  std::unordered_map<std::string, size_t> by_topic_;
  std::unique_ptr<std::atomic<uint64_t>[]> through_;
};

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_COMMIT_LEDGER_H_
