// The aggregator's log of its recomputes. A recompute runs up to once per
// publish_min_interval_ms and at least every 5 s while connected, so a line
// per recompute at info was more than 17,000 lines a day that said little
// new. Every recompute's line is at debug; at info, a summary of the results
// at the first recompute and then at most once per `summary_every_ms`
// (monotonic), saying how many recomputes and messages it stands for.
//
//   RecomputeLog log;
//   log.Recomputed(clock->MonotonicMs(), results.fleet, stats, published, took);
#ifndef FTEL_AGGREGATOR_OUTPUTS_RECOMPUTE_LOG_H_
#define FTEL_AGGREGATOR_OUTPUTS_RECOMPUTE_LOG_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "aggregator/outputs/metrics_exporter.h"
#include "ftel/v1/summary.pb.h"

namespace ftel {

// Not thread-safe: the processing loop owns it.
class RecomputeLog {
 public:
  static constexpr int64_t kSummaryEveryMs = 10 * 60 * 1000;

  explicit RecomputeLog(int64_t summary_every_ms = kSummaryEveryMs)
      : summary_every_ms_(summary_every_ms) {}

  // One recompute: `fleet` its fleet result, `totals` the counters since
  // the process started, `published` the messages it published, `took`
  // how long it took.
  void Recomputed(int64_t monotonic_ms, const v1::GroupSummary& fleet,
                  const AggregatorStats& totals, uint64_t published, absl::Duration took);

 private:
  const int64_t summary_every_ms_;
  bool summarised_ = false;
  int64_t last_summary_ms_ = 0;
  // Since the last summary.
  uint64_t recomputes_ = 0;
  uint64_t published_ = 0;
};

// The figures both lines share: "3 factories (3 online), fleet declared
// 45.0% (27/60) observed 41.7%, 3 reports, 0 duplicates, 0 rejected".
std::string FleetFigures(const v1::GroupSummary& fleet, const AggregatorStats& totals);

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_RECOMPUTE_LOG_H_
