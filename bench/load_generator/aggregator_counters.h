// The aggregator's own counters from its Prometheus page (GET /metrics on
// its http_listen address): what it rejected, by reason, and what it did
// not count. The results topics carry no rejections (a rejected report
// names no factory the aggregator trusts), so this is where they show.
#ifndef FTEL_BENCH_LOAD_GENERATOR_AGGREGATOR_COUNTERS_H_
#define FTEL_BENCH_LOAD_GENERATOR_AGGREGATOR_COUNTERS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace ftel {

struct AggregatorCounters {
  uint64_t rejected = 0;
  std::map<std::string, uint64_t> rejected_by_reason;  // only reasons above 0
  uint64_t duplicates = 0;
  uint64_t overlapping = 0;
  uint64_t outside_horizon = 0;
  double processing_lag_s = 0;
};

// Reads http://127.0.0.1:port/metrics. Unavailable when nothing answers,
// DataLoss when the page holds no ftel_aggregator_rejected_total.
absl::StatusOr<AggregatorCounters> ReadAggregatorCounters(int port);

// The counters in a page of the exposition format.
absl::StatusOr<AggregatorCounters> ParseAggregatorCounters(const std::string& page);

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_AGGREGATOR_COUNTERS_H_
