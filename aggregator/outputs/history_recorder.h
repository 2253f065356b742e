// Takes the history points of every factory, group and the fleet, at most
// once per history_every_s, into the state store (hourly and daily buckets;
// a bucket's point is replaced until the bucket ends), and keeps the groups'
// last points in memory so that their histories can be republished without
// reading them back. The groups' series are loaded from the store once, at
// start.
//
//   HistoryRecorder history(store, /*every_s=*/60, /*points=*/48);
//   RETURN_IF_ERROR(history.Load());
//   for (const v1::History* h : history.Record(results, now_ms)) publisher.PublishHistory(*h);
#ifndef FTEL_AGGREGATOR_OUTPUTS_HISTORY_RECORDER_H_
#define FTEL_AGGREGATOR_OUTPUTS_HISTORY_RECORDER_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "aggregator/engine/penetration_engine.h"
#include "aggregator/state/state_store.h"
#include "ftel/v1/summary.pb.h"

namespace ftel {

// Not thread-safe; used by the aggregator's processing thread.
class HistoryRecorder {
 public:
  // `store` is borrowed and must outlive the recorder.
  HistoryRecorder(StateStore* store, int64_t every_s, int points);

  // Reads the groups' series from the store; once, before the first Record.
  absl::Status Load();
  // Stores this interval's points, if one is due, and returns the group
  // histories they changed (valid until the next call). Empty when no point
  // was due or the store refused them (logged; retried next interval).
  std::vector<const v1::History*> Record(const FleetResults& results, int64_t now_ms);

 private:
  using SeriesKey = std::tuple<std::string, std::string, std::string>;  // kind, key, granularity
  // Puts a point into a kept series: replaces its bucket or inserts it in
  // order, then keeps the newest `points_` within the store's retention.
  void Keep(const StateStore::HistoryRow& row, int64_t now_ms);

  StateStore* const store_;
  const int64_t every_ms_;
  const int points_;
  int64_t last_ms_ = 0;
  std::map<SeriesKey, v1::History> groups_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_HISTORY_RECORDER_H_
