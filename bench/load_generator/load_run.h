// One run of the load generator: the synthetic agents of a fleet announce
// themselves (a retained ONLINE status each), publish their reports window
// by window over a few MQTT connections, and the aggregator's retained
// results are collected once the last report is acknowledged.
//
//   LoadRun run(options, &catalogue);
//   ASSIGN_OR_RETURN(LoadOutcome outcome, run.Run(stop));
//   std::fputs(FormatOutcome(options, run.fleet(), outcome).c_str(), stdout);
#ifndef FTEL_BENCH_LOAD_GENERATOR_LOAD_RUN_H_
#define FTEL_BENCH_LOAD_GENERATOR_LOAD_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/load_generator/aggregator_counters.h"
#include "bench/load_generator/bounded_publisher.h"
#include "bench/load_generator/commit_ledger.h"
#include "bench/load_generator/latency_probe.h"
#include "bench/load_generator/load_options.h"
#include "bench/load_generator/results_collector.h"
#include "bench/load_generator/synthetic_nodes.h"
#include "bench/synthetic/synthetic_fleet.h"
#include "ftel/v1/status.pb.h"
#include "libftel/platform/shutdown_signal.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

struct LoadOutcome {
  PublishCounts statuses;  // the ONLINE ones
  PublishCounts reports;
  // Reports the schedule held but could not send: their connection was down.
  uint64_t unsent = 0;
  double publishing_s = 0;
  // From a window's end to its report's publish.
  int64_t max_lag_ms = 0;
  uint64_t late = 0;  // more than a second
  // Every publish had its outcome before the results were collected.
  bool drained = false;
  // Reports the aggregator committed (end-to-end commits).
  uint64_t committed = 0;
  CollectedResults results;
  // The results accounted for every acknowledged report before the timeout.
  bool settled = false;
  double results_wait_s = 0;
  std::optional<AggregatorCounters> aggregator;
  // Unset with more than one node per factory.
  std::optional<LatencyProbe::Figures> latency;
  std::string aggregator_error;  // why `aggregator` is unset, if asked for
};

class LoadRun {
 public:
  // `catalogue` is borrowed and must outlive the run.
  LoadRun(LoadOptions options, const ScenarioCatalogue* catalogue);

  // Unavailable when a connection or subscription fails. A stop request
  // ends the publishing early; the results are still collected.
  absl::StatusOr<LoadOutcome> Run(ShutdownSignal& stop);

  const std::vector<SyntheticFactory>& fleet() const { return fleet_; }

 private:
  struct Lag {
    int64_t max_ms = 0;
    uint64_t late = 0;
    uint64_t unsent = 0;
  };

  v1::NodeStatus MakeStatus(const SyntheticNode& node, v1::NodeStatus::State state) const;
  void Announce(BoundedPublisher& publisher, int connection, v1::NodeStatus::State state);
  Lag PublishWindows(BoundedPublisher& publisher, int connection, const CommitLedger& ledger,
                     ShutdownSignal& stop) const;

  const LoadOptions options_;
  const ScenarioCatalogue* const catalogue_;
  const std::vector<SyntheticFactory> fleet_;
  std::vector<SyntheticNode> nodes_;
  int64_t started_at_ms_ = 0;
  // Windows are placed from here (see SyntheticNode::phase_ms), up to the
  // last end.
  int64_t windows_from_ms_ = 0;
  int64_t last_end_ms_ = 0;
  LatencyProbe* probe_ = nullptr;  // during Run, with one node per factory
};

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_LOAD_RUN_H_
