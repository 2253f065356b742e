// The aggregator's retained results as the generator reads them at the end
// of a run: the fleet's GroupSummary and, for each synthetic factory, the
// figures of its FactorySummary the run is judged by (JSON, as dashboards
// read them). Results of factories outside the fleet are ignored.
//
//   ResultsCollector results(fleet, topics);
//   transport->SetMessageHandler([&](MqttMessage m) { results.OnMessage(m); });
//   transport->Subscribe(topics.FactoryRatesTopic("+"), 1);
#ifndef FTEL_BENCH_LOAD_GENERATOR_RESULTS_COLLECTOR_H_
#define FTEL_BENCH_LOAD_GENERATOR_RESULTS_COLLECTOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "bench/synthetic/synthetic_fleet.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"

namespace ftel {

// What one factory's newest result says.
struct FactoryResult {
  bool seen = false;
  uint64_t reports = 0;
  uint64_t duplicates = 0;
  uint64_t overlapping = 0;
  uint32_t nodes = 0;
  // Numerators and denominators of the factory's declared and observed
  // rates (built scenarios AI-declared / built; with inferences / known).
  double declared = 0;
  double built = 0;
  double observed = 0;
  double known = 0;
  int64_t computed_at_ms = 0;
};

struct CollectedResults {
  std::vector<FactoryResult> factories;  // in fleet order
  std::optional<v1::GroupSummary> fleet;
  // Result messages that did not parse as the JSON their topic promises.
  uint64_t undecodable = 0;

  // Sums over the factories seen.
  int seen() const;
  uint64_t reports() const;
  uint64_t duplicates() const;
  uint64_t overlapping() const;
  int64_t newest_computed_at_ms() const;
};

// Thread-safe: messages arrive on the transport's thread.
class ResultsCollector {
 public:
  // `fleet` is borrowed and must outlive the collector.
  ResultsCollector(const std::vector<SyntheticFactory>& fleet, const TopicScheme& topics);

  // Takes a fleet or factory result; false for any other message.
  bool OnMessage(const MqttMessage& message) ABSL_LOCKS_EXCLUDED(mu_);

  CollectedResults Snapshot() const ABSL_LOCKS_EXCLUDED(mu_);

  // What a wait for the results checks, without copying them.
  struct Progress {
    int seen = 0;
    uint64_t reports = 0;
    int64_t newest_computed_at_ms = 0;
    // 0 before the fleet's result arrived.
    int64_t fleet_computed_at_ms = 0;
  };
  Progress progress() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string fleet_topic_;
  // "{root}/v1/rates/factory/": a factory's topic is this and its id.
  const std::string factory_prefix_;
  std::unordered_map<std::string, size_t> by_id_;
  mutable absl::Mutex mu_;
  CollectedResults results_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_RESULTS_COLLECTOR_H_
