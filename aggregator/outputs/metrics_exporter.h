// The aggregator's Prometheus view: its own counters (messages, rejections by
// reason, duplicates, processing lag) and the published rates as gauges,
// built at scrape time from the latest snapshot the service hands over.
//
//   AggregatorMetrics metrics;
//   metrics.Update(snapshot);                       // processing thread
//   std::string text = metrics.ExpositionText();     // HTTP thread
#ifndef FTEL_AGGREGATOR_OUTPUTS_METRICS_EXPORTER_H_
#define FTEL_AGGREGATOR_OUTPUTS_METRICS_EXPORTER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "aggregator/engine/penetration_engine.h"
#include "prometheus/collectable.h"

namespace ftel {

// The aggregator's own counters since it started.
struct AggregatorStats {
  uint64_t reports = 0;
  uint64_t statuses = 0;
  uint64_t duplicates = 0;
  // New reports whose window overlapped time already counted for the node.
  uint64_t overlapping = 0;
  uint64_t outside_horizon = 0;
  std::map<std::string, uint64_t> rejected;  // by RejectionName
  uint64_t recomputes = 0;
  uint64_t published = 0;
  // Retained end-to-end commits published to agents.
  uint64_t commits = 0;
};

struct MetricsSnapshot {
  AggregatorStats stats;
  bool broker_connected = false;
  // Age of the oldest message of the last batch when it was processed.
  double processing_lag_s = 0;
  std::shared_ptr<const FleetResults> results;
};

// Thread-safe.
class AggregatorMetrics : public prometheus::Collectable {
 public:
  void Update(MetricsSnapshot snapshot) ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_);
  // Prometheus text exposition format 0.0.4.
  std::string ExpositionText() const;

 private:
  mutable absl::Mutex mu_;
  MetricsSnapshot snapshot_ ABSL_GUARDED_BY(mu_);
};

// `text` in the exposition format with every "Nan" sample value spelled
// "NaN", as the format and Prometheus's parser want it.
std::string SpellNaN(std::string text);

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_METRICS_EXPORTER_H_
