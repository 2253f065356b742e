// The agents the generator stands in for: one per node of every factory,
// each with its own session id and its place in the publishing schedule.
#ifndef FTEL_BENCH_LOAD_GENERATOR_SYNTHETIC_NODES_H_
#define FTEL_BENCH_LOAD_GENERATOR_SYNTHETIC_NODES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/synthetic/synthetic_fleet.h"
#include "libftel/mqtt/topic_scheme.h"

namespace ftel {

struct SyntheticNode {
  int factory = 0;  // index into the fleet
  int node = 0;     // of the factory's nodes
  std::string node_id;
  uint64_t session_id = 0;
  // When its windows end, after the run's start: window k (from 1) is
  // [start + phase + (k - 1) interval, start + phase + k interval). The
  // phases spread the nodes evenly over one interval, as agents started at
  // different times are, so that the load is steady rather than a burst.
  int64_t phase_ms = 0;
  std::string report_topic;
  std::string status_topic;
  std::string commit_topic;
};

// Node j of factory f is nodes[f * nodes_per_factory + j], id "edge-{j+1}".
// Session ids mix `session_salt` (new every run, as a wiped agent state
// would give) with the node's index: never 0, distinct within the run.
std::vector<SyntheticNode> MakeNodes(const std::vector<SyntheticFactory>& fleet,
                                     int nodes_per_factory, int interval_ms,
                                     const TopicScheme& topics, uint64_t session_salt);

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_SYNTHETIC_NODES_H_
